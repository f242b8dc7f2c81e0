// Pushes: what each connection hears, in which order, when a customer or an agent acts.
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../src/index.js';
import { startChat, useServer, type Frame } from './helpers.js';

const h = useServer();

const summary = (frames: Frame[]) => frames.map((f) => `${f.type === 'push' ? 'push' : 'response'}:${f.action}`);

/** A customer with two connections and a chat an agent has joined. */
/** A customer logged in on two connections: `client` and `other`. */
async function customerOnTwoConnections() {
  const customer = await h.customer();
  const other = await h.loggedIn(customer.token);
  return { ...customer, other };
}

async function chatWithAgent() {
  const { other: second, ...first } = await customerOnTwoConnections();
  const { chat, thread } = await startChat(first.client);
  const agent = h.server.agent('sam@example.com', { name: 'Sam Agent' });
  agent.joinChat(chat);
  await first.client.sync();
  await second.sync();
  return { ...first, second, chat, thread, agent };
}

describe('login pushes', () => {
  it('sends customer_id, then user_data of the customer, then the response', async () => {
    const { token, customerId } = h.server.issueToken();
    const client = await h.connect();
    await client.login(token);
    expect(summary(client.frames)).toEqual(['push:customer_id', 'push:user_data', 'response:login']);
    expect(client.frames[0]?.payload).toBe(customerId);
    expect(client.frames[1]?.payload).toEqual({ id: customerId, type: 'customer', fields: {} });
  });

  it("tells the customer's other connections about changed details", async () => {
    const { client, customerId, other } = await customerOnTwoConnections();
    const since = client.mark();
    await other.call('update_customer', { name: 'Jane' });
    const frames = await client.sync(since);
    expect(frames.map((f) => f.payload)).toEqual([{ id: customerId, type: 'customer', name: 'Jane', fields: {} }]);
  });
});

describe('customer actions', () => {
  it('send_event: new_event to the other connections, not to the sender, not to strangers', async () => {
    const { client, other } = await customerOnTwoConnections();
    const stranger = await h.customer();
    const { chat } = await startChat(client);
    const [otherSince, strangerSince, ownSince] = [other.mark(), stranger.client.mark(), client.mark()];
    const { event } = await client.call('send_event', { chat, event: { type: 'message', text: 'hi', customId: 'c1' } });
    expect((await other.sync(otherSince)).map((f) => f.payload)).toEqual([event]);
    expect(await stranger.client.sync(strangerSince)).toEqual([]);
    expect(client.pushes('new_event', ownSince)).toEqual([]);
  });

  it('start_chat: the other connections get thread_metada and the first events', async () => {
    const { client, other } = await customerOnTwoConnections();
    const since = other.mark();
    const { chat, thread } = await client.call('start_chat', { events: [{ type: 'message', text: 'hello' }] });
    const frames = await other.sync(since);
    expect(summary(frames)).toEqual(['push:thread_metada', 'push:new_event']);
    expect(frames[0]?.payload).toEqual({ id: thread.id, chat: chat.id, order: 1, totalEvents: 1 });
    expect(frames[1]?.payload).toEqual(thread.events[0]);
  });

  it('update_last_seen_timestamp: last_seen_timestamp_updated to the other connections when it changes', async () => {
    const { client, customerId, other } = await customerOnTwoConnections();
    const { chat } = await startChat(client);
    const since = other.mark();
    await client.call('update_last_seen_timestamp', { chat, timestamp: 5000 });
    await client.call('update_last_seen_timestamp', { chat, timestamp: 4000 });
    expect((await other.sync(since)).map((f) => f.payload)).toEqual([{ chat, user: customerId, timestamp: 5000 }]);
  });
});

describe('agent actions', () => {
  it('join: user_data of the agent, then user_joined_chat, on every connection', async () => {
    const { client, other } = await customerOnTwoConnections();
    const { chat } = await startChat(client);
    const marks = [client.mark(), other.mark()] as const;
    expect(h.server.agent('sam@example.com', { name: 'Sam Agent', avatar: 'https://cdn.example.com/sam.png' }).joinChat(chat)).toBe(true);
    for (const [i, c] of [client, other].entries()) {
      const frames = await c.sync(marks[i]);
      expect(summary(frames)).toEqual(['push:user_data', 'push:user_joined_chat']);
      expect(frames[0]?.payload).toEqual({ id: 'sam@example.com', type: 'agent', name: 'Sam Agent', email: 'sam@example.com', avatar: 'https://cdn.example.com/sam.png' });
      expect(frames[1]?.payload).toEqual({ chat, user: 'sam@example.com' });
    }
    expect(h.server.agent('sam@example.com').joinChat(chat)).toBe(false);
  });

  it('message, file and any event type: new_event', async () => {
    const { client, second, chat, thread, agent } = await chatWithAgent();
    const since = client.mark();
    const message = agent.sendMessage(chat, 'How can I help?', { customId: 'a1' });
    const file = agent.sendFile(chat, { url: 'https://files.example.com/invoice.pdf', contentType: 'application/pdf', name: 'invoice.pdf', size: 48213 });
    const system = agent.sendEvent(chat, { type: 'system_message', text: 'Sam joined', systemMessageType: 'agent_joined' });
    const unknown = agent.sendEvent(chat, { type: 'rich_message', template: 'cards', elements: [{ title: 'A' }] });
    expect(message).toEqual({ id: `${chat}_1`, type: 'message', chat, thread, author: 'sam@example.com', timestamp: expect.any(Number), text: 'How can I help?', customId: 'a1' });
    expect(file).toMatchObject({ type: 'file', url: 'https://files.example.com/invoice.pdf', contentType: 'application/pdf' });
    const frames = await client.sync(since);
    expect(frames.map((f) => f.payload)).toEqual([message, file, system, unknown]);
    expect(second.pushes('new_event')).toHaveLength(4);
  });

  it('introduces the agent to a connection that has not met it before naming it', async () => {
    const { token, chat, agent } = await chatWithAgent();
    const late = await h.connect();
    await late.login(token);
    const since = late.mark();
    agent.sendMessage(chat, 'hello');
    agent.sendMessage(chat, 'again');
    expect(summary(await late.sync(since))).toEqual(['push:user_data', 'push:new_event', 'push:new_event']);
  });

  it('typing: user_is_typing and user_stopped_typing', async () => {
    const { client, chat, agent } = await chatWithAgent();
    const since = client.mark();
    agent.startTyping(chat);
    agent.stopTyping(chat);
    const frames = await client.sync(since);
    expect(summary(frames)).toEqual(['push:user_is_typing', 'push:user_stopped_typing']);
    expect(frames.map((f) => f.payload)).toEqual([
      { chat, user: 'sam@example.com' },
      { chat, user: 'sam@example.com' },
    ]);
  });

  it('close thread: thread_closed naming the agent', async () => {
    const { client, second, chat, thread, agent } = await chatWithAgent();
    const since = client.mark();
    expect(agent.closeThread(chat)).toBe(thread);
    expect((await client.sync(since)).map((f) => f.payload)).toEqual([{ chat, thread, user: 'sam@example.com' }]);
    expect(second.pushes('thread_closed')).toHaveLength(1);
    expect(() => agent.closeThread(chat)).toThrow(expect.objectContaining({ type: 'chat_inactive' }));
  });

  it('chat and thread properties: chat_properties_updated and chat_thread_properties_updated', async () => {
    const { client, chat, thread, agent } = await chatWithAgent();
    const since = client.mark();
    agent.updateChatProperties(chat, { routing: { group: 1 } });
    agent.updateThreadProperties(chat, thread, { tags: { vip: true } });
    const frames = await client.sync(since);
    expect(frames.map((f) => [f.action, f.payload])).toEqual([
      ['chat_properties_updated', { chat, properties: { routing: { group: 1 } } }],
      ['chat_thread_properties_updated', { chat, thread, properties: { tags: { vip: true } } }],
    ]);
  });

  it('leave: user_left_chat', async () => {
    const { client, customerId, chat, agent } = await chatWithAgent();
    const since = client.mark();
    expect(agent.leaveChat(chat)).toBe(true);
    expect((await client.sync(since)).map((f) => [f.action, f.payload])).toEqual([['user_left_chat', { chat, user: 'sam@example.com' }]]);
    expect(h.server.store.chatUsers(chat)).toEqual([customerId]);
    expect(agent.leaveChat(chat)).toBe(false);
  });

  it('read: last_seen_timestamp_updated with the stored (later) timestamp', async () => {
    const { client, chat, agent } = await chatWithAgent();
    const since = client.mark();
    expect(agent.readChat(chat, 1_700_000_002_500)).toBe(1_700_000_002_500);
    expect(agent.readChat(chat, 1_000)).toBe(1_700_000_002_500);
    expect((await client.sync(since)).map((f) => [f.action, f.payload])).toEqual([
      ['last_seen_timestamp_updated', { chat, user: 'sam@example.com', timestamp: 1_700_000_002_500 }],
    ]);
  });

  it('new thread: thread_closed for the active one, thread_metada, then new_event per first event', async () => {
    const { client, chat, thread, agent } = await chatWithAgent();
    const since = client.mark();
    const next = agent.startThread(chat, { events: [{ type: 'message', text: 'Back again?' }] });
    const frames = await client.sync(since);
    expect(summary(frames)).toEqual(['push:thread_closed', 'push:thread_metada', 'push:new_event']);
    expect(frames[0]?.payload).toEqual({ chat, thread, user: 'sam@example.com' });
    expect(frames[1]?.payload).toEqual({ id: next.id, chat, order: 2, totalEvents: 1 });
    expect(frames[2]?.payload).toEqual(next.events[0]);
    // The customer can write in the new thread.
    const { event } = await client.call('send_event', { chat, event: { type: 'message', text: 'yes' } });
    expect(event.thread).toBe(next.id);
  });

  it('changed agent details reach the connections that know the agent', async () => {
    const { client, chat } = await chatWithAgent();
    const since = client.mark();
    h.server.agent('sam@example.com', { name: 'Samantha' });
    expect((await client.sync(since)).map((f) => f.payload)).toEqual([
      { id: 'sam@example.com', type: 'agent', name: 'Samantha', email: 'sam@example.com', avatar: expect.any(String) },
    ]);
    expect(h.server.agent('sam@example.com').user.name).toBe('Samantha');
    expect(h.server.store.isChatUser(chat, 'sam@example.com')).toBe(true);
  });

  it('rejects bad agent actions with protocol errors, pushing nothing', async () => {
    const { client, chat } = await chatWithAgent();
    const since = client.mark();
    const stranger = h.server.agent('kim');
    const fails = (fn: () => unknown, type: string) => expect(fn).toThrow(expect.objectContaining({ name: 'ProtocolError', type }));
    fails(() => stranger.sendMessage(chat, 'hi'), 'authorization');
    fails(() => stranger.sendMessage('NOPE', 'hi'), 'not_found');
    fails(() => stranger.joinChat('NOPE'), 'not_found');
    const sam = h.server.agent('sam@example.com');
    fails(() => sam.sendFile(chat, { url: 'not a url', contentType: 'a/b' }), 'validation');
    fails(() => sam.sendEvent(chat, { type: 'message', text: 5 }), 'validation');
    fails(() => sam.updateChatProperties(chat, { a: { b: { c: 1 } } } as never), 'validation');
    fails(() => sam.readChat(chat, -5), 'validation');
    fails(() => sam.disconnectCustomer('anyone', 'no_such_reason' as never), 'validation');
    fails(() => h.server.agent('x', { email: 'not an email' }), 'validation');
    expect(await client.sync(since)).toEqual([]);
    expect(new ProtocolError('not_found', 'x').toPayload()).toEqual({ type: 'not_found', message: 'x' });
  });
});

// Pinned by mutation testing (bench/mutation.md).
describe('who hears what, in detail', () => {
  it('update_customer: user_data goes neither back to the sender nor to a stranger', async () => {
    const { client, other } = await customerOnTwoConnections();
    const stranger = await h.customer();
    const marks = [client.mark(), stranger.client.mark()] as const;
    await client.call('update_customer', { name: 'Jane' });
    await client.sync();
    expect(client.pushes(undefined, marks[0])).toEqual([]);
    expect(await stranger.client.sync(marks[1])).toEqual([]);
    await other.sync();
    expect(other.pushes('user_data').at(-1)?.payload.name).toBe('Jane');
  });

  it('an agent joining again is introduced again before user_joined_chat', async () => {
    const { client } = await h.customer();
    const { chat } = await startChat(client);
    const sam = h.server.agent('sam@example.com', { name: 'Sam Agent' });
    sam.joinChat(chat);
    sam.leaveChat(chat);
    await client.sync();
    const since = client.mark();
    expect(sam.joinChat(chat)).toBe(true);
    expect(summary(await client.sync(since))).toEqual(['push:user_data', 'push:user_joined_chat']);
  });

  it('every frame is a text message, never a binary one', async () => {
    const { client } = await h.customer();
    const kinds: boolean[] = [];
    client.socket.on('message', (_data, isBinary) => kinds.push(isBinary));
    const { chat } = await startChat(client);
    h.server.agent('sam').joinChat(chat);
    await client.sync();
    expect(kinds.length).toBeGreaterThan(2);
    expect(kinds.every((binary) => !binary)).toBe(true);
  });

  it('an unknown disconnection reason is refused with the list of reasons', () => {
    expect(() => h.server.agent('sam').disconnectCustomer('anyone', 'no_such_reason' as never)).toThrow(
      /^unknown disconnection reason "no_such_reason"; the reasons are .*customer_banned, /,
    );
  });
});
