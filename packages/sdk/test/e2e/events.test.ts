// Every event the SDK emits, caused through the reference server's agent and fault API over a
// real WebSocket, arriving with the payload the server's state says it must carry. The last test
// derives the events from the spec and fails when one of them has no test here.
import { describe, expect, expectTypeOf, it, assert } from 'vitest';
import { clientEvents, protocol } from '../../src/gen/protocol.js';
import type {
  ChatMembership,
  ChatPropertiesUpdate,
  ChatThreadPropertiesUpdate,
  ChatsSummaryPage,
  CustomerEvents,
  DisconnectionReason,
  Event,
  LastSeenTimestampUpdate,
  ThreadClosure,
  ThreadSummary,
  TypingIndicator,
  User,
  UserId,
} from '../../src/node.js';
import { specEmittedEvents, summaryPage, useHarness, type Connected } from './harness.js';

const h = useHarness();

/** The events with a test, filled in as the tests pass. */
const covered = new Set<keyof CustomerEvents>();

// One entry per event of the generated `CustomerEvents`: an event added to the spec (and so to
// the generated types) without an entry here is a compile error, and without a test a failure of
// the last test of this file.
const EVENTS = {
  connected: 'lifecycle',
  connection_lost: 'lifecycle',
  connection_restored: 'lifecycle',
  connection_unstable: 'lifecycle',
  connection_recovered: 'lifecycle',
  disconnected: 'lifecycle',
  customer_id: 'login',
  user_data: 'login and agents',
  new_event: 'agent',
  user_is_typing: 'agent',
  user_stopped_typing: 'agent',
  last_seen_timestamp_updated: 'agent',
  thread_closed: 'agent',
  thread_metada: 'agent',
  chat_properties_updated: 'agent',
  chat_thread_properties_updated: 'agent',
  user_joined_chat: 'agent',
  user_left_chat: 'agent',
} as const satisfies Record<keyof CustomerEvents, string>;

const AGENT_ID = 'sam@example.com';

/** A customer with a started chat (one message) that an agent joined. */
async function chatWithAgent(connected?: Connected) {
  const customer = connected ?? (await h.connect());
  const { chat, thread } = await customer.api.startChat({ events: [{ type: 'message', text: 'Hello, I need help' }], properties: { source: { page: '/checkout' } } });
  const agent = h.server.agent(AGENT_ID, { name: 'Sam Agent', avatar: 'https://cdn.example.com/sam.png' });
  const joined = customer.events.next('user_joined_chat');
  agent.joinChat(chat.id);
  await joined;
  return { ...customer, chat, thread, agent };
}

describe('lifecycle events', () => {
  it('connected carries the chats summary page of the server, first for a new customer, then with chats', async () => {
    const first = await h.connect();
    expectTypeOf(first.connected).toEqualTypeOf<ChatsSummaryPage>();
    expect(first.connected).toEqual({ chatsSummary: [], totalChats: 0 });
    expect(first.api.state).toBe('connected');

    // Give the customer some history, then connect a second instance as the same customer.
    const { chat } = await first.api.startChat({ events: [{ type: 'message', text: 'first chat' }] });
    await first.api.startChat({ events: [{ type: 'message', text: 'second chat', customId: 'c-2' }], properties: { a: { b: 1 } } });
    h.server.agent(AGENT_ID).joinChat(chat.id);
    h.server.agent(AGENT_ID).readChat(chat.id, 1_700_000_000_000);
    const second = await h.connect({ customerId: first.customerId });
    expect(second.connected.totalChats).toBe(2);
    expect(second.connected).toEqual(summaryPage(h.server, first.customerId));
    expect(second.events.of('connected')).toHaveLength(1);
    covered.add('connected');
  });

  it('connection_lost (no payload) when the link drops, then connection_restored with the summary page after the back-off', async () => {
    const { api, customerId, events } = await h.connect();
    await api.startChat({ events: [{ type: 'message', text: 'still here?' }] });
    let stateWhenLost: string | undefined;
    api.once('connection_lost', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<undefined>();
      stateWhenLost = api.state;
    });
    const lost = events.next('connection_lost');
    const restored = events.next('connection_restored');
    expect(h.server.faults.dropConnections(customerId)).toBe(1);
    expect(await lost).toBeUndefined();
    expect(stateWhenLost).toBe('reconnecting');
    const page = await restored;
    expectTypeOf(page).toEqualTypeOf<ChatsSummaryPage>();
    expect(page).toEqual(summaryPage(h.server, customerId));
    expect(page.totalChats).toBe(1);
    expect(api.state).toBe('connected');
    expect(h.server.connections(customerId)).toBe(1);
    // connection_lost travels with no payload at all, and comes before connection_restored.
    const names = events.names();
    expect(names.indexOf('connection_lost')).toBeLessThan(names.indexOf('connection_restored'));
    expect(events.log[names.indexOf('connection_lost')]).toEqual(['connection_lost', undefined]);
    covered.add('connection_lost');
    covered.add('connection_restored');
  });

  it('connection_unstable (no payload) while a reply is slower than unstableAfter, then connection_recovered once it came', async () => {
    const { api, events } = await h.connect({ unstableAfter: 150 });
    const { chat } = await api.startChat();
    expect(events.of('connection_unstable')).toEqual([]);
    // The server's delay fault holds every reply back longer than the threshold.
    h.server.faults.setReplyDelay(600);
    const unstable = events.next('connection_unstable');
    const recovered = events.next('connection_recovered');
    let answered = false;
    const sending = api.sendMessage(chat.id, 'anyone there?').then((result) => {
      answered = true;
      return result;
    });
    expect(await unstable).toBeUndefined();
    // The hint comes while the request still waits, and the link is still up.
    expect(answered).toBe(false);
    expect(api.state).toBe('connected');
    h.server.faults.setReplyDelay(0);
    expect((await sending).event).toMatchObject({ type: 'message', text: 'anyone there?' });
    expect(await recovered).toBeUndefined();
    const names = events.names();
    expect(names.filter((name) => name === 'connection_unstable' || name === 'connection_recovered')).toEqual(['connection_unstable', 'connection_recovered']);
    expect(events.log[names.indexOf('connection_unstable')]).toEqual(['connection_unstable', undefined]);
    // A fast link afterwards says nothing more.
    await api.getChatsSummary();
    expect(events.of('connection_unstable')).toHaveLength(1);
    covered.add('connection_unstable');
    covered.add('connection_recovered');
  });

  it('an unstable link that drops gives connection_lost, not connection_recovered, and the next session starts stable', async () => {
    const { api, customerId, events } = await h.connect({ unstableAfter: 100 });
    const { chat } = await api.startChat();
    h.server.faults.setReplyDelay(5_000);
    const unstable = events.next('connection_unstable');
    const failing = api.sendMessage(chat.id, 'lost in transit').catch((error: unknown) => error);
    await unstable;
    const restored = events.next('connection_restored');
    h.server.faults.setReplyDelay(0);
    h.server.faults.dropConnections(customerId);
    expect(await failing).toMatchObject({ code: 'CONNECTION_LOST' });
    await restored;
    // One more slow reply on the new session: unstable again (it started stable), then recovered.
    h.server.faults.setReplyDelay(300);
    const again = events.next('connection_unstable');
    const recovered = events.next('connection_recovered');
    const reply = api.getChatsSummary();
    await again;
    h.server.faults.setReplyDelay(0);
    await reply;
    await recovered;
    expect(events.names().filter((name) => /^connection_(unstable|recovered|lost|restored)$/.test(name))).toEqual([
      'connection_unstable',
      'connection_lost',
      'connection_restored',
      'connection_unstable',
      'connection_recovered',
    ]);
  });

  it('disconnected carries the bare reason the server ended the session with', async () => {
    const { api, customerId, events } = await h.connect();
    const disconnected = events.next('disconnected');
    expect(h.server.disconnectCustomer(customerId, 'inactivity_timeout')).toBe(1);
    const reason = await disconnected;
    expectTypeOf(reason).toEqualTypeOf<DisconnectionReason | undefined>();
    expect(reason).toBe('inactivity_timeout');
    expect(api.state).toBe('disconnected');
    covered.add('disconnected');
  });
});

describe('login pushes', () => {
  it('customer_id is the id of the logged-in customer, before connected, on every login', async () => {
    const customerId = 'b7eff798-f8df-4364-8059-649c35c9ed0c';
    const { api, events } = await h.connect({ customerId });
    const ids = events.of('customer_id');
    expectTypeOf(ids).toEqualTypeOf<UserId[]>();
    expect(ids).toEqual([customerId]);
    expect(events.indexOf('customer_id')).toBeLessThan(events.indexOf('connected'));
    // A new login (after a lost link) pushes it again.
    const again = events.next('customer_id');
    h.server.faults.dropConnections(customerId);
    expect(await again).toBe(customerId);
    await events.next('connection_restored');
    expect(api.state).toBe('connected');
    covered.add('customer_id');
  });

  it('user_data of the customer after login, as stored (with the login details)', async () => {
    const { customerId, events } = await h.connect({
      loginArguments: { customer: { name: 'Jane Doe', email: 'jane@example.com', fields: { plan: 'premium' } } },
    });
    const users = events.of('user_data');
    expectTypeOf(users).toEqualTypeOf<User[]>();
    expect(users).toEqual([h.server.store.customer(customerId)]);
    expect(users[0]).toEqual({ id: customerId, type: 'customer', name: 'Jane Doe', email: 'jane@example.com', fields: { plan: 'premium' } });
    // customer_id, then user_data, then connected (the spec's login sequence).
    expect(events.names().slice(0, 3)).toEqual(['customer_id', 'user_data', 'connected']);
  });

  it("user_data of the customer when another connection of theirs changes the customer's details", async () => {
    const first = await h.connect();
    const second = await h.connect({ customerId: first.customerId });
    const changed = first.events.next('user_data');
    const { customer } = await second.api.updateCustomer({ name: 'Jane', fields: { tier: 'gold' } });
    const user = await changed;
    expect(user).toEqual(customer);
    expect(user).toEqual(h.server.store.customer(first.customerId));
    assert(user.type === 'customer');
    expect(user.fields).toEqual({ tier: 'gold' });
  });
});

describe('agent events', () => {
  it('user_data of the agent, then user_joined_chat, when an agent joins', async () => {
    const { api, events } = await h.connect();
    const { chat } = await api.startChat();
    const agent = h.server.agent(AGENT_ID, { name: 'Sam Agent', email: 'sam@example.com', avatar: 'https://cdn.example.com/sam.png' });
    const data = events.next('user_data', (user) => user.id === AGENT_ID);
    const joined = events.next('user_joined_chat');
    expect(agent.joinChat(chat.id)).toBe(true);

    const user = await data;
    expectTypeOf(user).toEqualTypeOf<User>();
    expect(user).toEqual(h.server.store.user(AGENT_ID));
    expect(user).toEqual(agent.user);
    expect(user).toEqual({ id: AGENT_ID, type: 'agent', name: 'Sam Agent', email: 'sam@example.com', avatar: 'https://cdn.example.com/sam.png' });

    const membership = await joined;
    expectTypeOf(membership).toEqualTypeOf<ChatMembership>();
    expect(membership).toEqual({ chat: chat.id, user: AGENT_ID });
    expect(h.server.store.chatUsers(chat.id)).toContain(AGENT_ID);
    // The spec: a user's `user_data` comes before the first event that names them.
    expect(events.indexOf('user_data', (u) => u.id === AGENT_ID)).toBeLessThan(events.indexOf('user_joined_chat'));
    covered.add('user_joined_chat');
  });

  it('user_data of an agent whose details change', async () => {
    const { events } = await chatWithAgent();
    const changed = events.next('user_data', (user) => user.id === AGENT_ID);
    h.server.agent(AGENT_ID, { name: 'Samantha Agent' });
    const user = await changed;
    expect(user).toEqual(h.server.store.user(AGENT_ID));
    assert(user.type === 'agent');
    expect(user.name).toBe('Samantha Agent');
    covered.add('user_data');
  });

  it('user_left_chat when the agent leaves', async () => {
    const { chat, agent, events } = await chatWithAgent();
    const left = events.next('user_left_chat');
    expect(agent.leaveChat(chat.id)).toBe(true);
    const membership = await left;
    expectTypeOf(membership).toEqualTypeOf<ChatMembership>();
    expect(membership).toEqual({ chat: chat.id, user: AGENT_ID });
    expect(h.server.store.chatUsers(chat.id)).not.toContain(AGENT_ID);
    covered.add('user_left_chat');
  });

  it('user_is_typing and user_stopped_typing name the chat and the agent', async () => {
    const { chat, agent, events } = await chatWithAgent();
    const typing = events.next('user_is_typing');
    agent.startTyping(chat.id);
    const started = await typing;
    expectTypeOf(started).toEqualTypeOf<TypingIndicator>();
    expect(started).toEqual({ chat: chat.id, user: agent.id });
    covered.add('user_is_typing');

    const stopping = events.next('user_stopped_typing');
    agent.stopTyping(chat.id);
    const stopped = await stopping;
    expectTypeOf(stopped).toEqualTypeOf<TypingIndicator>();
    expect(stopped).toEqual({ chat: chat.id, user: agent.id });
    covered.add('user_stopped_typing');
  });

  describe('new_event', () => {
    it('a message from the agent, as stored (customId included)', async () => {
      const { chat, thread, agent, events } = await chatWithAgent();
      const arrived = events.next('new_event');
      const sent = agent.sendMessage(chat.id, 'How can I help?', { customId: 'agent-1' });
      const event = await arrived;
      expectTypeOf(event).toEqualTypeOf<Event>();
      expect(event).toEqual(sent);
      expect(event).toEqual(h.server.store.thread(thread.id).events.at(-1));
      assert(event.type === 'message');
      expect(event.text).toBe('How can I help?');
      expect(event.customId).toBe('agent-1');
      expect(event.author).toBe(AGENT_ID);
    });

    it('a file from the agent, as stored', async () => {
      const { chat, thread, agent, events } = await chatWithAgent();
      const arrived = events.next('new_event');
      const sent = agent.sendFile(chat.id, { url: 'https://files.example.com/invoice.pdf', contentType: 'application/pdf', name: 'invoice.pdf', size: 48_213 });
      const image = events.next('new_event', (e) => e.id !== sent.id);
      const sentImage = agent.sendFile(chat.id, { url: 'https://files.example.com/cat.png', contentType: 'image/png', width: 640, height: 480 });
      const event = await arrived;
      expect(event).toEqual(sent);
      assert(event.type === 'file');
      expect(event).toMatchObject({ url: 'https://files.example.com/invoice.pdf', contentType: 'application/pdf', name: 'invoice.pdf', size: 48_213 });
      const second = await image;
      expect(second).toEqual(sentImage);
      expect(h.server.store.thread(thread.id).events.slice(-2)).toEqual([event, second]);
    });

    it('a system message, as stored', async () => {
      const { chat, thread, agent, events } = await chatWithAgent();
      const arrived = events.next('new_event');
      const sent = agent.sendEvent(chat.id, { type: 'system_message', text: 'Sam Agent joined the chat', systemMessageType: 'agent_joined' });
      const event = await arrived;
      expect(event).toEqual(sent);
      expect(event).toEqual(h.server.store.thread(thread.id).events.at(-1));
      assert(event.type === 'system_message');
      expect(event.systemMessageType).toBe('agent_joined');
    });

    it('an event of a type this version does not know, with its unknown fields kept', async () => {
      const { chat, thread, agent, events } = await chatWithAgent();
      const arrived = events.next('new_event');
      const sent = agent.sendEvent(chat.id, { type: 'rich_message', template: 'cards', elements: [{ title: 'Order 1234', buttons: ['Track'] }] });
      const event = await arrived;
      expect(event).toEqual(sent);
      expect(event).toEqual(h.server.store.thread(thread.id).events.at(-1));
      expect(event).toMatchObject({ type: 'rich_message', template: 'cards', elements: [{ title: 'Order 1234', buttons: ['Track'] }] });
      // Known types narrow away; what is left is the UnknownEvent branch.
      if (event.type !== 'message' && event.type !== 'file' && event.type !== 'system_message') {
        expectTypeOf(event.type).not.toEqualTypeOf<string>();
      } else {
        expect.unreachable(`an unknown type was read as ${event.type}`);
      }
      covered.add('new_event');
    });

    it("the customer's own message reaches the customer's other connection (not the sender)", async () => {
      const first = await h.connect();
      const second = await h.connect({ customerId: first.customerId });
      const { chat } = await first.api.startChat();
      const arrived = second.events.next('new_event');
      const { event: stored } = await first.api.sendMessage(chat.id, 'from tab one', 'tab-1');
      expect(await arrived).toEqual(stored);
      expect(first.events.of('new_event')).toEqual([]);
    });
  });

  it('last_seen_timestamp_updated when the agent reads the chat, with the stored timestamp', async () => {
    const { chat, agent, events } = await chatWithAgent();
    const arrived = events.next('last_seen_timestamp_updated');
    const stored = agent.readChat(chat.id, 1_700_000_002_500);
    const update = await arrived;
    expectTypeOf(update).toEqualTypeOf<LastSeenTimestampUpdate>();
    expect(update).toEqual({ chat: chat.id, user: AGENT_ID, timestamp: stored });
    expect(h.server.store.chat(chat.id).users.find((u) => u.id === AGENT_ID)?.lastSeenTimestamp).toBe(update.timestamp);
    expect(update.timestamp).toBe(1_700_000_002_500);
    covered.add('last_seen_timestamp_updated');
  });

  it('thread_closed names the closed thread and who closed it', async () => {
    const { chat, thread, agent, events } = await chatWithAgent();
    const arrived = events.next('thread_closed');
    const closed = agent.closeThread(chat.id);
    const closure = await arrived;
    expectTypeOf(closure).toEqualTypeOf<ThreadClosure>();
    expect(closure).toEqual({ chat: chat.id, thread: closed, user: AGENT_ID });
    expect(closed).toBe(thread.id);
    expect(h.server.store.thread(thread.id).active).toBe(false);
    covered.add('thread_closed');
  });

  it('thread_metada summarises a thread the agent starts, then its first events arrive', async () => {
    const { chat, thread, agent, events } = await chatWithAgent();
    const closed = events.next('thread_closed');
    const metadata = events.next('thread_metada');
    const started = agent.startThread(chat.id, { events: [{ type: 'message', text: 'Back again!' }] });
    const firstEvent = events.next('new_event', (e) => e.thread === started.id);
    // The active thread is closed first.
    expect(await closed).toEqual({ chat: chat.id, thread: thread.id, user: AGENT_ID });
    const summary = await metadata;
    expectTypeOf(summary).toEqualTypeOf<ThreadSummary>();
    expect(summary).toEqual(h.server.store.threadSummary(started.id));
    expect(summary).toEqual({ id: started.id, chat: chat.id, order: 2, totalEvents: 1 });
    expect(await firstEvent).toEqual(h.server.store.thread(started.id).events[0]);
    covered.add('thread_metada');
  });

  it("thread_metada on the customer's other connection when the customer starts a chat", async () => {
    const first = await h.connect();
    const second = await h.connect({ customerId: first.customerId });
    const metadata = second.events.next('thread_metada');
    const { thread } = await first.api.startChat({ events: [{ type: 'message', text: 'hi' }] });
    expect(await metadata).toEqual(h.server.store.threadSummary(thread.id));
  });

  it('chat_properties_updated carries the changed properties; the server merges them', async () => {
    const { chat, agent, events } = await chatWithAgent();
    const arrived = events.next('chat_properties_updated');
    agent.updateChatProperties(chat.id, { routing: { priority: 'high', vip: true, score: 5, note: null } });
    const update = await arrived;
    expectTypeOf(update).toEqualTypeOf<ChatPropertiesUpdate>();
    expect(update).toEqual({ chat: chat.id, properties: { routing: { priority: 'high', vip: true, score: 5, note: null } } });
    expect(h.server.store.chat(chat.id).properties).toEqual({ source: { page: '/checkout' }, ...update.properties });
    covered.add('chat_properties_updated');
  });

  it('chat_thread_properties_updated carries the changed properties; the server merges them', async () => {
    const { chat, thread, agent, events } = await chatWithAgent();
    const arrived = events.next('chat_thread_properties_updated');
    agent.updateThreadProperties(chat.id, thread.id, { routing: { topic: 'orders' } });
    const update = await arrived;
    expectTypeOf(update).toEqualTypeOf<ChatThreadPropertiesUpdate>();
    expect(update).toEqual({ chat: chat.id, thread: thread.id, properties: { routing: { topic: 'orders' } } });
    expect(h.server.store.thread(thread.id).properties).toEqual(update.properties);
    const again = events.next('chat_thread_properties_updated');
    agent.updateThreadProperties(chat.id, thread.id, { routing: { team: 'billing' } });
    expect(await again).toEqual({ chat: chat.id, thread: thread.id, properties: { routing: { team: 'billing' } } });
    expect(h.server.store.thread(thread.id).properties).toEqual({ routing: { topic: 'orders', team: 'billing' } });
    covered.add('chat_thread_properties_updated');
  });
});

describe('coverage', () => {
  it('every event the spec says the SDK emits has a test above', () => {
    const fromSpec = specEmittedEvents();
    // The spec, the generated protocol and the generated types agree on the list...
    const fromProtocol = new Set([
      ...Object.entries(protocol.pushes).map(([action, push]) => push.event ?? action),
      ...clientEvents,
      ...Object.values(protocol.lifecycle.events),
    ]);
    expect([...fromProtocol].sort()).toEqual(fromSpec);
    expect(Object.keys(EVENTS).sort()).toEqual(fromSpec);
    // ...the seed events and the membership events are among them...
    for (const seed of ['connected', 'connection_lost', 'connection_restored', 'customer_id', 'disconnected', 'chat_properties_updated', 'chat_thread_properties_updated', 'last_seen_timestamp_updated', 'new_event', 'user_data', 'user_is_typing', 'user_stopped_typing', 'thread_closed', 'thread_metada', 'user_joined_chat', 'user_left_chat']) {
      expect(fromSpec).toContain(seed);
    }
    // ...and each was caused and checked by a test of this file.
    expect(fromSpec.filter((name) => !covered.has(name as keyof CustomerEvents))).toEqual([]);
  });
});
