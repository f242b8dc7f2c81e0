// Introductions: a response comes after the `user_data` of every user it names that the connection
// has not been told about yet (spec: "Pushes a request causes"), including authors who left the chat.
import { describe, expect, it } from 'vitest';
import { startChat, useServer, type Frame, type TestClient } from './helpers.js';

const h = useServer();

/** Ids of the users a connection was told about (`user_data`) between `since` and `until`. */
function introducedBetween(client: TestClient, since: number, until: Frame): string[] {
  return client.frames
    .slice(since, client.frames.indexOf(until))
    .filter((frame) => frame.type === 'push' && frame.action === 'user_data')
    .map((frame) => frame.payload.id as string);
}

/** A chat where agent `sam` joined, sent a file and left, and the customer then sent a message. */
async function chatWithAnAuthorWhoLeft(): Promise<{ chat: string; thread: string; token: string; customerId: string }> {
  const { client, token, customerId } = await h.customer();
  const { chat, thread } = await startChat(client);
  const sam = h.server.agent('sam');
  sam.joinChat(chat);
  sam.sendFile(chat, { url: 'https://files.example.com/invoice.pdf', contentType: 'application/pdf', name: 'invoice.pdf' });
  sam.leaveChat(chat);
  await client.call('send_event', { chat, event: { type: 'message', text: 'thanks' } });
  return { chat, thread, token, customerId };
}

describe('introductions of users a response names', () => {
  it('get_chats_summary introduces the authors of lastEventsPerType, also one who left the chat', async () => {
    const { chat, token, customerId } = await chatWithAnAuthorWhoLeft();
    const fresh = await h.connect();
    expect((await fresh.login(token)).success).toBe(true);
    const since = fresh.mark();
    const reply = await fresh.request('get_chats_summary', {});
    expect(reply.success).toBe(true);
    const [summary] = reply.payload.chatsSummary;
    expect(summary.id).toBe(chat);
    expect(summary.users).toEqual([customerId]);
    expect(summary.lastEvent.author).toBe(customerId);
    expect(summary.lastEventsPerType.file.author).toBe('sam');

    const named = new Set<string>([...summary.users, summary.lastEvent.author, ...Object.values(summary.lastEventsPerType).map((event) => (event as { author: string }).author)]);
    // The customer was introduced at login; everybody else it names comes right before the response.
    const introduced = new Set([customerId, ...introducedBetween(fresh, since, reply)]);
    for (const id of named) expect(introduced.has(id), `user_data of ${id} before the response`).toBe(true);
    expect(introducedBetween(fresh, since, reply)).toEqual(['sam']);
  });

  it('get_chat_threads introduces the thread users and event authors, also one who left the chat', async () => {
    const { chat, thread, token } = await chatWithAnAuthorWhoLeft();
    const fresh = await h.connect();
    expect((await fresh.login(token)).success).toBe(true);
    const since = fresh.mark();
    const reply = await fresh.request('get_chat_threads', { chat, threads: [thread] });
    expect(reply.success).toBe(true);
    expect(reply.payload.threads[0].events.map((event: { author: string }) => event.author)).toContain('sam');
    expect(introducedBetween(fresh, since, reply)).toEqual(['sam']);
  });

  it('introduces each user once per connection', async () => {
    const { token } = await chatWithAnAuthorWhoLeft();
    const fresh = await h.connect();
    expect((await fresh.login(token)).success).toBe(true);
    await fresh.call('get_chats_summary', {});
    const since = fresh.mark();
    const reply = await fresh.request('get_chats_summary', {});
    expect(introducedBetween(fresh, since, reply)).toEqual([]);
  });
});
