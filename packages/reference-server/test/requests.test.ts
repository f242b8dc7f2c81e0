// Every request operation of the spec: its happy path and its main errors, over a real socket.
import { describe, expect, it } from 'vitest';
import { startChat, useServer, type Frame } from './helpers.js';

const h = useServer();

function expectError(reply: Frame, type: string, pointer?: string): void {
  expect(reply.success, JSON.stringify(reply.payload)).toBe(false);
  expect(reply.payload.error.type).toBe(type);
  expect(reply.payload.error.message).toEqual(expect.any(String));
  if (pointer !== undefined) expect(reply.payload.error.pointer).toBe(pointer);
}

describe('login', () => {
  it('answers with the customer id and applies the customer details', async () => {
    const { token, customerId } = h.server.issueToken();
    const client = await h.connect();
    const reply = await client.request('login', { token, customer: { name: 'Jane', email: 'jane@example.com', fields: { plan: 'premium' } } });
    expect(reply.payload).toEqual({ customerId });
    expect(client.pushes('user_data')[0]?.payload).toEqual({ id: customerId, type: 'customer', name: 'Jane', email: 'jane@example.com', fields: { plan: 'premium' } });
  });

  it('rejects a token the server did not issue with authentication, and the connection stays usable', async () => {
    const client = await h.connect();
    expectError(await client.request('login', { token: 'forged' }), 'authentication');
    const { token } = h.server.issueToken();
    expect((await client.login(token)).success).toBe(true);
  });

  it('rejects a banned customer with customer_banned', async () => {
    const { customerId, token } = h.server.issueToken();
    h.server.disconnectCustomer(customerId, 'customer_banned');
    const client = await h.connect();
    expectError(await client.login(token), 'customer_banned');
  });

  it('refuses a second login on a logged-in connection with validation (login tests: login.test.ts)', async () => {
    const { client, customerId } = await h.customer();
    const other = h.server.issueToken();
    expectError(await client.login(other.token), 'validation', '/action');
    expect((await client.call('get_chats_summary', {})).totalChats).toBe(0);
    expect(h.server.connections(customerId)).toBe(1);
    expect(h.server.connections(other.customerId)).toBe(0);
  });
});

describe('get_chats_summary', () => {
  it('pages the chats, most recent activity first, 10 by default', async () => {
    const { client } = await h.customer();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await startChat(client)).chat);
    const page = await client.call('get_chats_summary', {});
    expect(page.totalChats).toBe(12);
    expect(page.chatsSummary.map((c: { id: string }) => c.id)).toEqual([...ids].reverse().slice(0, 10));

    // Activity in the oldest chat moves it to the front.
    await client.call('send_event', { chat: ids[0], event: { type: 'message', text: 'bump' } });
    const next = await client.call('get_chats_summary', { offset: 0, limit: 2 });
    expect(next.chatsSummary.map((c: { id: string }) => c.id)).toEqual([ids[0], ids[11]]);
    expect(next.chatsSummary[0].lastEvent).toMatchObject({ type: 'message', text: 'bump' });
    expect(next.chatsSummary[0].lastEventsPerType.message).toEqual(next.chatsSummary[0].lastEvent);

    const last = await client.call('get_chats_summary', { offset: 10, limit: 25 });
    expect(last.chatsSummary).toHaveLength(2);
    expect((await client.call('get_chats_summary', { offset: 50 })).chatsSummary).toEqual([]);
  });

  it('summarises a chat with users, last seen timestamps and properties', async () => {
    const { client, customerId } = await h.customer();
    const { chat } = await startChat(client, { properties: { source: { page: '/checkout' } } });
    const [summary] = (await client.call('get_chats_summary', {})).chatsSummary;
    expect(summary).toEqual({ id: chat, users: [customerId], lastEventsPerType: {}, lastSeenTimestamps: { [customerId]: null }, properties: { source: { page: '/checkout' } } });
  });

  it('rejects a limit above 25 with a validation error at /payload/limit', async () => {
    const { client } = await h.customer();
    expectError(await client.request('get_chats_summary', { limit: 26 }), 'validation', '/payload/limit');
  });

  it('needs a login first', async () => {
    const client = await h.connect();
    expectError(await client.request('get_chats_summary', {}), 'authorization');
  });
});

describe('get_chat_threads', () => {
  it('returns the named threads in the order asked, with their events', async () => {
    const { client, customerId } = await h.customer();
    const { chat, thread: first } = await startChat(client, { events: [{ type: 'message', text: 'hi', customId: 'c1' }] });
    const agent = h.server.agent('sam');
    agent.joinChat(chat);
    const second = agent.startThread(chat).id;
    const { threads } = await client.call('get_chat_threads', { chat, threads: [second, first] });
    expect(threads.map((t: { id: string }) => t.id)).toEqual([second, first]);
    expect(threads[1]).toMatchObject({ id: first, chat, active: false, order: 1, users: [customerId, 'sam'], properties: {} });
    expect(threads[1].events).toEqual([{ id: `${chat}_1`, type: 'message', chat, thread: first, author: customerId, timestamp: expect.any(Number), text: 'hi', customId: 'c1' }]);
    expect(threads[0]).toMatchObject({ id: second, active: true, order: 2, users: [customerId, 'sam'], events: [] });
  });

  it('answers not_found for an unknown chat or a thread of another chat', async () => {
    const { client } = await h.customer();
    const a = await startChat(client);
    const b = await startChat(client);
    expectError(await client.request('get_chat_threads', { chat: 'NOPE', threads: [a.thread] }), 'not_found');
    expectError(await client.request('get_chat_threads', { chat: a.chat, threads: [b.thread] }), 'not_found');
  });

  it("answers authorization for another customer's chat", async () => {
    const alice = await h.customer();
    const bob = await h.customer();
    const { chat, thread } = await startChat(alice.client);
    expectError(await bob.client.request('get_chat_threads', { chat, threads: [thread] }), 'authorization');
  });

  it('rejects an empty thread list at /payload/threads', async () => {
    const { client } = await h.customer();
    const { chat } = await startChat(client);
    expectError(await client.request('get_chat_threads', { chat, threads: [] }), 'validation', '/payload/threads');
  });
});

describe('get_chat_threads_summary', () => {
  it('pages thread summaries newest first', async () => {
    const { client } = await h.customer();
    const { chat, thread: first } = await startChat(client, { events: [{ type: 'message', text: 'one' }, { type: 'message', text: 'two' }] });
    const agent = h.server.agent('sam');
    agent.joinChat(chat);
    const second = agent.startThread(chat, { events: [{ type: 'message', text: 'back' }] }).id;
    const third = agent.startThread(chat).id;
    expect(await client.call('get_chat_threads_summary', { chat })).toEqual({
      threadsSummary: [
        { id: third, chat, order: 3, totalEvents: 0 },
        { id: second, chat, order: 2, totalEvents: 1 },
        { id: first, chat, order: 1, totalEvents: 2 },
      ],
      totalThreads: 3,
    });
    const page = await client.call('get_chat_threads_summary', { chat, offset: 1, limit: 1 });
    expect(page).toEqual({ threadsSummary: [{ id: second, chat, order: 2, totalEvents: 1 }], totalThreads: 3 });
  });

  it('answers not_found, authorization and validation', async () => {
    const alice = await h.customer();
    const bob = await h.customer();
    const { chat } = await startChat(alice.client);
    expectError(await alice.client.request('get_chat_threads_summary', { chat: 'NOPE' }), 'not_found');
    expectError(await bob.client.request('get_chat_threads_summary', { chat }), 'authorization');
    expectError(await alice.client.request('get_chat_threads_summary', { chat, limit: 1001 }), 'validation', '/payload/limit');
  });
});

describe('start_chat', () => {
  it('creates a chat with an active first thread', async () => {
    const { client, customerId } = await h.customer();
    const result = await client.call('start_chat', {});
    expect(result.chat).toEqual({ id: expect.any(String), users: [{ id: customerId, lastSeenTimestamp: null }], threads: [result.thread.id], properties: {} });
    expect(result.thread).toEqual({ id: expect.any(String), chat: result.chat.id, active: true, order: 1, users: [customerId], events: [], properties: {} });
  });

  it('stores the first events (ids <chat>_<n>, customId echoed) and the properties', async () => {
    const { client, customerId } = await h.customer();
    const before = Date.now();
    const { chat, thread } = await client.call('start_chat', {
      scope: { groups: [0] },
      events: [
        { type: 'message', text: 'I need help', customId: 'local-1' },
        { type: 'file', url: 'https://files.example.com/cat.png', contentType: 'image/png', width: 640, height: 480 },
      ],
      properties: { source: { page: '/checkout' } },
    });
    expect(chat.properties).toEqual({ source: { page: '/checkout' } });
    expect(thread.events).toEqual([
      { id: `${chat.id}_1`, type: 'message', chat: chat.id, thread: thread.id, author: customerId, timestamp: expect.any(Number), text: 'I need help', customId: 'local-1' },
      { id: `${chat.id}_2`, type: 'file', chat: chat.id, thread: thread.id, author: customerId, timestamp: expect.any(Number), url: 'https://files.example.com/cat.png', contentType: 'image/png', width: 640, height: 480 },
    ]);
    expect(thread.events[0].timestamp).toBeGreaterThanOrEqual(before);
  });

  it('answers group_not_found for an unknown group', async () => {
    const { client } = await h.customer();
    expectError(await client.request('start_chat', { scope: { groups: [0, 7] } }), 'group_not_found');
  });

  it('validates the first events', async () => {
    const { client } = await h.customer();
    expectError(await client.request('start_chat', { events: [{ type: 'message', text: '' }] }), 'validation', '/payload/events/0/text');
  });
});

describe('send_event', () => {
  it('stores the event with server fields and echoes customId', async () => {
    const { client, customerId } = await h.customer();
    const { chat, thread } = await startChat(client, { events: [{ type: 'message', text: 'first' }] });
    const { event } = await client.call('send_event', { chat, event: { type: 'message', text: 'Hello', customId: 'local-2' } });
    expect(event).toEqual({ id: `${chat}_2`, type: 'message', chat, thread, author: customerId, timestamp: expect.any(Number), text: 'Hello', customId: 'local-2' });
    const file = await client.call('send_event', { chat, event: { type: 'file', url: 'https://files.example.com/a.pdf', contentType: 'application/pdf', name: 'a.pdf', size: 10 } });
    expect(file.event).toMatchObject({ id: `${chat}_3`, type: 'file', name: 'a.pdf', size: 10 });
  });

  it('answers not_found, authorization and chat_inactive', async () => {
    const alice = await h.customer();
    const bob = await h.customer();
    const { chat } = await startChat(alice.client);
    const message = { type: 'message', text: 'hi' };
    expectError(await alice.client.request('send_event', { chat: 'NOPE', event: message }), 'not_found');
    expectError(await bob.client.request('send_event', { chat, event: message }), 'authorization');
    await alice.client.call('close_thread', { chat });
    expectError(await alice.client.request('send_event', { chat, event: message }), 'chat_inactive');
  });

  it('points at the invalid field of the event', async () => {
    const { client } = await h.customer();
    const { chat } = await startChat(client);
    expectError(await client.request('send_event', { chat, event: { type: 'message' } }), 'validation', '/payload/event/text');
    expectError(await client.request('send_event', { chat, event: { type: 'file', url: 'not a url', contentType: 'a/b' } }), 'validation', '/payload/event/url');
  });
});

describe('send_sneak_peek', () => {
  it('takes the sneak peek of an active chat', async () => {
    const { client, customerId } = await h.customer();
    const { chat } = await startChat(client);
    expect(await client.call('send_sneak_peek', { chat, text: 'I would like to ret' })).toEqual({});
    expect(h.server.store.sneakPeeks(chat)[customerId]?.text).toBe('I would like to ret');
  });

  it('answers not_found, authorization and chat_inactive', async () => {
    const alice = await h.customer();
    const bob = await h.customer();
    const { chat } = await startChat(alice.client);
    expectError(await alice.client.request('send_sneak_peek', { chat: 'NOPE', text: 'a' }), 'not_found');
    expectError(await bob.client.request('send_sneak_peek', { chat, text: 'a' }), 'authorization');
    await alice.client.call('close_thread', { chat });
    expectError(await alice.client.request('send_sneak_peek', { chat, text: 'a' }), 'chat_inactive');
  });
});

describe('close_thread', () => {
  it('closes the active thread; every connection of the chat gets thread_closed', async () => {
    const { client, customerId } = await h.customer();
    const { chat, thread } = await startChat(client);
    const since = client.mark();
    expect(await client.call('close_thread', { chat })).toEqual({});
    expect(client.pushes('thread_closed', since).map((f) => f.payload)).toEqual([{ chat, thread, user: customerId }]);
    expect((await client.call('get_chat_threads', { chat, threads: [thread] })).threads[0].active).toBe(false);
    expectError(await client.request('close_thread', { chat }), 'chat_inactive');
  });

  it('answers not_found and authorization', async () => {
    const alice = await h.customer();
    const bob = await h.customer();
    const { chat } = await startChat(alice.client);
    expectError(await alice.client.request('close_thread', { chat: 'NOPE' }), 'not_found');
    expectError(await bob.client.request('close_thread', { chat }), 'authorization');
  });
});

describe('update_chat_properties', () => {
  it('merges properties by namespace and pushes chat_properties_updated', async () => {
    const { client } = await h.customer();
    const { chat } = await startChat(client, { properties: { rating: { score: 1 }, source: { page: '/' } } });
    const since = client.mark();
    expect(await client.call('update_chat_properties', { chat, properties: { rating: { score: 5, comment: 'Great help' } } })).toEqual({});
    expect(client.pushes('chat_properties_updated', since)[0]?.payload).toEqual({ chat, properties: { rating: { score: 5, comment: 'Great help' } } });
    const [summary] = (await client.call('get_chats_summary', {})).chatsSummary;
    expect(summary.properties).toEqual({ rating: { score: 5, comment: 'Great help' }, source: { page: '/' } });
  });

  it('answers not_found, authorization and validation', async () => {
    const alice = await h.customer();
    const bob = await h.customer();
    const { chat } = await startChat(alice.client);
    expectError(await alice.client.request('update_chat_properties', { chat: 'NOPE', properties: {} }), 'not_found');
    expectError(await bob.client.request('update_chat_properties', { chat, properties: {} }), 'authorization');
    expectError(await alice.client.request('update_chat_properties', { chat, properties: { rating: { score: [5] } } }), 'validation', '/payload/properties/rating/score');
  });
});

describe('update_chat_thread_properties', () => {
  it('merges thread properties and pushes chat_thread_properties_updated', async () => {
    const { client } = await h.customer();
    const { chat, thread } = await startChat(client);
    const since = client.mark();
    await client.call('update_chat_thread_properties', { chat, thread, properties: { routing: { topic: 'billing' } } });
    await client.call('update_chat_thread_properties', { chat, thread, properties: { routing: { urgent: true } } });
    expect(client.pushes('chat_thread_properties_updated', since).map((f) => f.payload)).toEqual([
      { chat, thread, properties: { routing: { topic: 'billing' } } },
      { chat, thread, properties: { routing: { urgent: true } } },
    ]);
    const { threads } = await client.call('get_chat_threads', { chat, threads: [thread] });
    expect(threads[0].properties).toEqual({ routing: { topic: 'billing', urgent: true } });
  });

  it('answers not_found for a thread of another chat, and authorization', async () => {
    const alice = await h.customer();
    const bob = await h.customer();
    const a = await startChat(alice.client);
    const b = await startChat(alice.client);
    expectError(await alice.client.request('update_chat_thread_properties', { chat: a.chat, thread: b.thread, properties: {} }), 'not_found');
    expectError(await bob.client.request('update_chat_thread_properties', { chat: a.chat, thread: a.thread, properties: {} }), 'authorization');
  });
});

describe('update_customer', () => {
  it('changes name and email and merges custom fields', async () => {
    const { client, customerId } = await h.customer();
    await client.call('update_customer', { fields: { plan: 'free', team: 'a' } });
    const { customer } = await client.call('update_customer', { name: 'Jane Doe', email: 'jane@example.com', fields: { plan: 'premium' } });
    expect(customer).toEqual({ id: customerId, type: 'customer', name: 'Jane Doe', email: 'jane@example.com', fields: { plan: 'premium', team: 'a' } });
  });

  it('rejects an empty update and a bad email with their pointers', async () => {
    const { client } = await h.customer();
    expectError(await client.request('update_customer', {}), 'validation', '/payload');
    expectError(await client.request('update_customer', { email: 'not an email' }), 'validation', '/payload/email');
  });

  it('needs a login first', async () => {
    const client = await h.connect();
    expectError(await client.request('update_customer', { name: 'x' }), 'authorization');
  });
});

describe('update_last_seen_timestamp', () => {
  it('stores the later timestamp and answers with the stored one', async () => {
    const { client, customerId } = await h.customer();
    const { chat } = await startChat(client);
    expect(await client.call('update_last_seen_timestamp', { chat, timestamp: 1_700_000_001_000 })).toEqual({ timestamp: 1_700_000_001_000 });
    expect(await client.call('update_last_seen_timestamp', { chat, timestamp: 1_600_000_000_000 })).toEqual({ timestamp: 1_700_000_001_000 });
    const before = Date.now();
    const { timestamp } = await client.call('update_last_seen_timestamp', { chat });
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Date.now());
    const [summary] = (await client.call('get_chats_summary', {})).chatsSummary;
    expect(summary.lastSeenTimestamps).toEqual({ [customerId]: timestamp });
  });

  it('answers not_found, authorization and validation', async () => {
    const alice = await h.customer();
    const bob = await h.customer();
    const { chat } = await startChat(alice.client);
    expectError(await alice.client.request('update_last_seen_timestamp', { chat: 'NOPE' }), 'not_found');
    expectError(await bob.client.request('update_last_seen_timestamp', { chat }), 'authorization');
    expectError(await alice.client.request('update_last_seen_timestamp', { chat, timestamp: -1 }), 'validation', '/payload/timestamp');
  });
});

// Pinned by mutation testing (bench/mutation.md): messages and pushes the tests above let change.
describe('errors and pushes in detail', () => {
  it('start_chat of a customer banned while connected answers customer_banned', async () => {
    const { client, customerId } = await h.customer();
    h.server.store.setBanned(customerId, true);
    const reply = await client.request('start_chat', {});
    expectError(reply, 'customer_banned');
    expect(reply.payload.error.message).toMatch(/banned/);
    expect((await client.call('get_chats_summary', {})).totalChats).toBe(0);
  });

  it('group_not_found names the group and the known groups', async () => {
    const { client } = await h.customer();
    const reply = await client.request('start_chat', { scope: { groups: [7] } });
    expectError(reply, 'group_not_found');
    expect(reply.payload.error.message).toBe('no agent group 7; known groups: 0');
  });

  it('not_found and authorization name the chat', async () => {
    const alice = await h.customer();
    const bob = await h.customer();
    const { chat } = await startChat(alice.client);
    expect((await bob.client.request('send_event', { chat: 'NOPE', event: { type: 'message', text: 'x' } })).payload.error.message).toBe('no chat NOPE');
    expect((await bob.client.request('send_event', { chat, event: { type: 'message', text: 'x' } })).payload.error.message).toBe(`you are not a user of chat ${chat}`);
  });

  it('update_last_seen_timestamp pushes nothing back to the connection that sent it', async () => {
    const { client } = await h.customer();
    const { chat } = await startChat(client);
    const since = client.mark();
    await client.call('update_last_seen_timestamp', { chat, timestamp: 5000 });
    expect(client.pushes(undefined, since)).toEqual([]);
    expect(await client.sync()).toEqual([]);
  });
});
