// Every request of the generated client, with a real happy path against the reference server and
// its result checked against the server's state; the SDK's conveniences (sendMessage,
// getChatHistory, setSneakPeek); server errors; and arguments refused before anything is sent.
// The last test derives the requests from the spec and fails when one of them has no test here.
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { MAX_INACTIVE_CHATS } from '../../src/customer-sdk.js';
import { protocol } from '../../src/gen/protocol.js';
import {
  SDKError,
  type Acknowledgement,
  type ChatsSummaryPage,
  type CloseThreadArguments,
  type CustomerRequests,
  type CustomerSDK,
  type GetChatThreadsResult,
  type GetChatThreadsSummaryResult,
  type SendEventResult,
  type StartChatResult,
  type Thread,
  type UpdateCustomerResult,
  type UpdateLastSeenTimestampResult,
} from '../../src/node.js';
import { actionsOf, recordingWebSocket, rejectionOf, sleep, specRequestOperations, summaryPage, until, useHarness } from './harness.js';

const h = useHarness();

/** The request operations but the login one (sent by the SDK itself on every connection). */
type Operation = Exclude<keyof CustomerRequests, 'login'>;
/** The requests with a test, filled in as the tests pass. */
const covered = new Set<string>();
const AGENT_ID = 'sam@example.com';

// One entry per request of the generated `CustomerRequests` but login: a request added to the
// spec without an entry here is a compile error, and without a test a failure of the last test.
const REQUESTS = {
  getChatsSummary: true,
  getChatThreads: true,
  getChatThreadsSummary: true,
  startChat: true,
  sendEvent: true,
  sendSneakPeek: true,
  closeThread: true,
  updateChatProperties: true,
  updateChatThreadProperties: true,
  updateCustomer: true,
  updateLastSeenTimestamp: true,
} as const satisfies Record<Operation, true>;

function cover(operation: Operation): void {
  covered.add(operation);
}

/** A connected customer whose client frames are recorded, with one started chat. */
async function customerWithChat(options: Parameters<typeof h.connect>[0] = {}) {
  const sent: string[] = [];
  const connected = await h.connect({ WebSocket: recordingWebSocket(sent), ...options });
  const started = await connected.api.startChat({ events: [{ type: 'message', text: 'Hi there', customId: 'first' }] });
  return { ...connected, sent, ...started };
}

describe('the requests of the generated client, against the server state', () => {
  it('getChatsSummary pages through the chats, most recent activity first', async () => {
    const { api, customerId } = await h.connect();
    for (const text of ['one', 'two', 'three']) await api.startChat({ events: [{ type: 'message', text }] });
    const all = await api.getChatsSummary();
    expectTypeOf(all).toEqualTypeOf<ChatsSummaryPage>();
    expect(all).toEqual(summaryPage(h.server, customerId));
    expect(all.totalChats).toBe(3);
    expect(all.chatsSummary.map((c) => c.lastEvent?.type === 'message' && c.lastEvent.text)).toEqual(['three', 'two', 'one']);
    const page = await api.getChatsSummary({ offset: 1, limit: 1 });
    expect(page).toEqual(summaryPage(h.server, customerId, 1, 1));
    expect(page.chatsSummary).toHaveLength(1);
    cover('getChatsSummary');
  });

  it('startChat opens a chat with its first events and properties', async () => {
    const { api, customerId } = await h.connect();
    const result = await api.startChat({
      scope: { groups: [0] },
      events: [
        { type: 'message', text: 'I need help with my order', customId: 'local-1' },
        { type: 'file', url: 'https://files.example.com/receipt.png', contentType: 'image/png', width: 10, height: 20 },
      ],
      properties: { source: { page: '/checkout', returning: true } },
    });
    expectTypeOf(result).toEqualTypeOf<StartChatResult>();
    expect(result.chat).toEqual(h.server.store.chat(result.chat.id));
    expect(result.thread).toEqual(h.server.store.thread(result.thread.id));
    expect(result.chat.users).toEqual([{ id: customerId, lastSeenTimestamp: null }]);
    expect(result.thread.events.map((e) => e.type)).toEqual(['message', 'file']);
    expect(result.thread.events[0]).toMatchObject({ customId: 'local-1', author: customerId, text: 'I need help with my order' });
    expect(result.chat.properties).toEqual({ source: { page: '/checkout', returning: true } });
    // An empty start_chat is fine too.
    const empty = await api.startChat();
    expect(empty.thread).toEqual(h.server.store.thread(empty.thread.id));
    expect(empty.thread.events).toEqual([]);
    cover('startChat');
  });

  it('sendEvent stores a message and a file and answers with the stored event', async () => {
    const { api, chat, thread } = await customerWithChat();
    const message = await api.sendEvent({ chat: chat.id, event: { type: 'message', text: 'Order 1234', customId: 'local-2' } });
    expectTypeOf(message).toEqualTypeOf<SendEventResult>();
    expect(message.event).toEqual(h.server.store.thread(thread.id).events.at(-1));
    expect(message.event).toMatchObject({ type: 'message', text: 'Order 1234', customId: 'local-2', chat: chat.id, thread: thread.id });
    const file = await api.sendEvent({ chat: chat.id, event: { type: 'file', url: 'https://files.example.com/cat.png', contentType: 'image/png', name: 'cat.png', size: 20_480 } });
    expect(file.event).toEqual(h.server.store.thread(thread.id).events.at(-1));
    expect(h.server.store.thread(thread.id).events).toHaveLength(3);
    cover('sendEvent');
  });

  it('getChatThreads returns the named threads with their events, in the order asked', async () => {
    const { api, chat, thread } = await customerWithChat();
    const agent = h.server.agent(AGENT_ID);
    agent.joinChat(chat.id);
    agent.sendMessage(chat.id, 'Hello from the agent');
    const second = agent.startThread(chat.id, { events: [{ type: 'message', text: 'new thread' }] });
    const result = await api.getChatThreads({ chat: chat.id, threads: [second.id, thread.id] });
    expectTypeOf(result).toEqualTypeOf<GetChatThreadsResult>();
    expect(result).toEqual({ threads: [h.server.store.thread(second.id), h.server.store.thread(thread.id)] });
    expect(result.threads.map((t) => [t.order, t.active])).toEqual([
      [2, true],
      [1, false],
    ]);
    cover('getChatThreads');
  });

  it('getChatThreadsSummary pages through the thread summaries, newest first', async () => {
    const { api, chat } = await customerWithChat();
    const agent = h.server.agent(AGENT_ID);
    agent.joinChat(chat.id);
    agent.startThread(chat.id);
    agent.startThread(chat.id, { events: [{ type: 'message', text: 'third' }] });
    const all = await api.getChatThreadsSummary({ chat: chat.id });
    expectTypeOf(all).toEqualTypeOf<GetChatThreadsSummaryResult>();
    expect(all).toEqual(h.server.store.threadsSummary(chat.id, 0, 25));
    expect(all.totalThreads).toBe(3);
    expect(all.threadsSummary.map((t) => t.order)).toEqual([3, 2, 1]);
    const page = await api.getChatThreadsSummary({ chat: chat.id, offset: 1, limit: 1 });
    expect(page).toEqual(h.server.store.threadsSummary(chat.id, 1, 1));
    expect(page.threadsSummary.map((t) => t.order)).toEqual([2]);
    cover('getChatThreadsSummary');
  });

  it('sendSneakPeek hands the server what the customer is typing', async () => {
    const { api, chat, customerId } = await customerWithChat();
    const ack = await api.sendSneakPeek({ chat: chat.id, text: 'I would like to ret' });
    expectTypeOf(ack).toEqualTypeOf<Acknowledgement>();
    expect(ack).toEqual({});
    expect(h.server.store.sneakPeeks(chat.id)[customerId]?.text).toBe('I would like to ret');
    cover('sendSneakPeek');
  });

  it('closeThread closes the active thread (and the customer hears thread_closed)', async () => {
    const { api, chat, thread, customerId, events } = await customerWithChat();
    const closed = events.next('thread_closed');
    const ack = await api.closeThread({ chat: chat.id });
    expect(ack).toEqual({});
    expect(h.server.store.thread(thread.id).active).toBe(false);
    expect(await closed).toEqual({ chat: chat.id, thread: thread.id, user: customerId });
    cover('closeThread');
  });

  it('updateChatProperties merges properties into the chat', async () => {
    const { api, chat, events } = await customerWithChat();
    const pushed = events.next('chat_properties_updated');
    expect(await api.updateChatProperties({ chat: chat.id, properties: { rating: { score: 5, comment: 'Great help' } } })).toEqual({});
    await api.updateChatProperties({ chat: chat.id, properties: { rating: { score: 4 } } });
    expect(h.server.store.chat(chat.id).properties).toEqual({ rating: { score: 4, comment: 'Great help' } });
    expect(await pushed).toEqual({ chat: chat.id, properties: { rating: { score: 5, comment: 'Great help' } } });
    cover('updateChatProperties');
  });

  it('updateChatThreadProperties merges properties into the thread', async () => {
    const { api, chat, thread } = await customerWithChat();
    expect(await api.updateChatThreadProperties({ chat: chat.id, thread: thread.id, properties: { routing: { topic: 'billing' } } })).toEqual({});
    await api.updateChatThreadProperties({ chat: chat.id, thread: thread.id, properties: { routing: { urgent: true }, other: { x: null } } });
    expect(h.server.store.thread(thread.id).properties).toEqual({ routing: { topic: 'billing', urgent: true }, other: { x: null } });
    cover('updateChatThreadProperties');
  });

  it('updateCustomer answers with the customer as stored', async () => {
    const { api, customerId } = await h.connect();
    const result = await api.updateCustomer({ name: 'Jane Doe', email: 'jane@example.com', fields: { plan: 'premium' } });
    expectTypeOf(result).toEqualTypeOf<UpdateCustomerResult>();
    expect(result).toEqual({ customer: h.server.store.customer(customerId) });
    const merged = await api.updateCustomer({ fields: { seats: '3' } });
    expect(merged.customer).toEqual({ id: customerId, type: 'customer', name: 'Jane Doe', email: 'jane@example.com', fields: { plan: 'premium', seats: '3' } });
    expect(merged.customer).toEqual(h.server.store.customer(customerId));
    cover('updateCustomer');
  });

  it('updateLastSeenTimestamp stores the later timestamp and answers with the stored one', async () => {
    const { api, chat, customerId } = await customerWithChat();
    const seen = () => h.server.store.chat(chat.id).users.find((u) => u.id === customerId)?.lastSeenTimestamp;
    const result = await api.updateLastSeenTimestamp({ chat: chat.id, timestamp: 1_700_000_001_000 });
    expectTypeOf(result).toEqualTypeOf<UpdateLastSeenTimestampResult>();
    expect(result).toEqual({ timestamp: 1_700_000_001_000 });
    expect(seen()).toBe(1_700_000_001_000);
    // An earlier timestamp does not move it back.
    expect(await api.updateLastSeenTimestamp({ chat: chat.id, timestamp: 5 })).toEqual({ timestamp: 1_700_000_001_000 });
    // Without one: the server's now.
    const before = Date.now();
    const now = await api.updateLastSeenTimestamp({ chat: chat.id });
    expect(now.timestamp).toBeGreaterThanOrEqual(before);
    expect(seen()).toBe(now.timestamp);
    cover('updateLastSeenTimestamp');
  });
});

describe('the SDK conveniences', () => {
  it('sendMessage sends a message and echoes customId', async () => {
    const { api, chat, thread, sent } = await customerWithChat();
    const { event } = await api.sendMessage(chat.id, 'Where is my parcel?', 'optimistic-42');
    expect(event).toEqual(h.server.store.thread(thread.id).events.at(-1));
    expect(event).toMatchObject({ type: 'message', text: 'Where is my parcel?', customId: 'optimistic-42' });
    const plain = await api.sendMessage(chat.id, 'no custom id');
    expect(plain.event).not.toHaveProperty('customId');
    expect(actionsOf(sent).filter((a) => a === 'send_event')).toHaveLength(2);
  });

  it('getChatHistory pages through the threads from the newest back, a page per step', async () => {
    const sent: string[] = [];
    const { api, customerId } = await h.connect({ historyPageSize: 2, WebSocket: recordingWebSocket(sent) });
    const { chat } = await api.startChat({ events: [{ type: 'message', text: 'thread 1' }] });
    const agent = h.server.agent(AGENT_ID);
    agent.joinChat(chat.id);
    for (let i = 2; i <= 5; i += 1) agent.startThread(chat.id, { events: [{ type: 'message', text: `thread ${i}` }] });
    const newestFirst = [...h.server.store.chat(chat.id).threads].reverse();
    expect(newestFirst).toHaveLength(5);

    const pages: Thread[][] = [];
    for await (const page of api.getChatHistory(chat.id)) pages.push(page);
    expect(pages.map((page) => page.map((t) => t.id))).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);
    expect(pages.flat()).toEqual(newestFirst.map((id) => h.server.store.thread(id)));
    expect(pages.flat().map((t) => t.order)).toEqual([5, 4, 3, 2, 1]);
    expect(pages.flat().every((t) => t.users.includes(customerId))).toBe(true);
    // Three summary pages, three thread loads: no request more.
    const actions = actionsOf(sent);
    expect(actions.filter((a) => a === 'get_chat_threads_summary')).toHaveLength(3);
    expect(actions.filter((a) => a === 'get_chat_threads')).toHaveLength(3);

    // Stopping early stops the requests.
    const before = sent.length;
    for await (const page of api.getChatHistory(chat.id)) {
      expect(page).toHaveLength(2);
      break;
    }
    expect(sent.length - before).toBe(2);
  });

  // Two: a whole page of threads already yielded, skipped (get_chat_threads takes no empty list).
  it.each([1, 2])('getChatHistory yields each thread once when %i thread(s) start while it pages', async (started) => {
    const { api } = await h.connect({ historyPageSize: 2 });
    const { chat } = await api.startChat({ events: [{ type: 'message', text: 'thread 1' }] });
    const agent = h.server.agent(AGENT_ID);
    agent.joinChat(chat.id);
    for (let i = 2; i <= 5; i += 1) agent.startThread(chat.id, { events: [{ type: 'message', text: `thread ${i}` }] });
    const newestFirst = [...h.server.store.chat(chat.id).threads].reverse();
    const yielded: string[] = [];
    for await (const page of api.getChatHistory(chat.id)) {
      // After the first page a new thread moves every older one back a place.
      for (let i = 0; yielded.length === 0 && i < started; i += 1) agent.startThread(chat.id, { events: [{ type: 'message', text: 'meanwhile' }] });
      yielded.push(...page.map((t) => t.id));
    }
    expect(h.server.store.chat(chat.id).threads).toHaveLength(5 + started);
    expect(yielded).toEqual(newestFirst);
  });

  it('setSneakPeek is throttled per chat: one frame at once, the latest text when the interval ends', async () => {
    const interval = 200;
    const { api, chat, customerId, sent, events } = await customerWithChat({ sneakPeekInterval: interval });
    const other = await api.startChat();
    const peeks = () =>
      sent
        .map((text) => JSON.parse(text) as { action: string; payload: { chat: string; text: string } })
        .filter((frame) => frame.action === 'send_sneak_peek')
        .map((frame) => frame.payload);

    const start = Date.now();
    for (const text of ['I', 'I w', 'I wo', 'I wou', 'I woul', 'I would']) api.setSneakPeek(chat.id, text);
    // The first goes out at once; the others wait for the interval, merged into the latest.
    expect(peeks()).toEqual([{ chat: chat.id, text: 'I' }]);
    // Another chat has its own interval.
    api.setSneakPeek(other.chat.id, 'elsewhere');
    expect(peeks()).toEqual([
      { chat: chat.id, text: 'I' },
      { chat: other.chat.id, text: 'elsewhere' },
    ]);
    await sleep(interval / 2);
    expect(peeks()).toHaveLength(2);
    await until('the trailing sneak peek', () => peeks().length === 3);
    expect(Date.now() - start).toBeGreaterThanOrEqual(interval - 5);
    expect(peeks()[2]).toEqual({ chat: chat.id, text: 'I would' });
    // The server took them in order: a request after them is answered after they were handled.
    await api.getChatsSummary();
    expect(h.server.store.sneakPeeks(chat.id)[customerId]?.text).toBe('I would');
    expect(h.server.store.sneakPeeks(other.chat.id)[customerId]?.text).toBe('elsewhere');

    // After a quiet interval, the next one goes out at once again.
    await sleep(interval + 20);
    api.setSneakPeek(chat.id, 'I would like');
    expect(peeks()).toHaveLength(4);
    // Seven calls on the first chat, three frames.
    expect(peeks().filter((p) => p.chat === chat.id)).toHaveLength(3);

    // No sneak peek for a chat whose thread is closed: nothing goes out.
    await api.closeThread({ chat: other.chat.id });
    await until('thread_closed', () => events.of('thread_closed').length > 0);
    await sleep(interval + 20);
    const before = peeks().length;
    api.setSneakPeek(other.chat.id, 'too late');
    await api.getChatsSummary();
    expect(peeks()).toHaveLength(before);
    expect(events.of('error')).toEqual([]);
    expect(api.state).toBe('connected');

    // Still none after the application removed every wildcard listener (the SDK keeps its own).
    api.off('*');
    api.setSneakPeek(other.chat.id, 'still too late');
    await api.getChatsSummary();
    expect(peeks()).toHaveLength(before);
  });
});

describe('setSneakPeek when a push does not name its chat', () => {
  it('a thread_metada or new_event without `chat` (the seed does not list it) lets sneak peeks go out again, as the chat is not known', async () => {
    const { api, chat, customerId, sent, events } = await customerWithChat({ sneakPeekInterval: 1 });
    const peeks = () => sent.filter((text) => (JSON.parse(text) as { action: string }).action === 'send_sneak_peek').length;
    for (const push of [
      { action: 'thread_metada', payload: { id: 'T2', order: 2, totalEvents: 0 } },
      { action: 'new_event', payload: { type: 'message' } },
    ]) {
      const closed = events.next('thread_closed');
      expect(h.server.faults.sendRaw(customerId, JSON.stringify({ action: 'thread_closed', type: 'push', payload: { chat: chat.id } }))).toBe(1);
      await closed;
      const before = peeks();
      api.setSneakPeek(chat.id, 'closed');
      await api.getChatsSummary();
      expect(peeks(), 'nothing for a closed chat').toBe(before);
      const arrived = events.next(push.action as 'thread_metada');
      expect(h.server.faults.sendRaw(customerId, JSON.stringify({ ...push, type: 'push' }))).toBe(1);
      await arrived;
      api.setSneakPeek(chat.id, 'again');
      await until('a sneak peek', () => peeks() === before + 1);
    }
    expect(events.of('error')).toEqual([]);
  });
});

describe('setSneakPeek and a server that closes threads of ever new chats', () => {
  it(`remembers the last ${MAX_INACTIVE_CHATS} closed chats: past that, the one closed longest ago is forgotten`, async () => {
    const { api, chat, customerId, sent, events } = await customerWithChat({ sneakPeekInterval: 1 });
    const peeksTo = (id: string) => sent.filter((text) => (JSON.parse(text) as { action: string; payload: { chat: string } }).action === 'send_sneak_peek' && JSON.parse(text).payload.chat === id).length;
    const close = (id: string) => h.server.faults.sendRaw(customerId, JSON.stringify({ action: 'thread_closed', type: 'push', payload: { chat: id } }));
    // The real chat first, then as many made-up chats as are remembered, the real one closed again
    // at the end of the first half: closing again moves it to the newest end.
    close(chat.id);
    const fakes = Array.from({ length: MAX_INACTIVE_CHATS }, (_, index) => `FAKE${index}`);
    for (const [index, id] of fakes.entries()) {
      close(id);
      if (index === MAX_INACTIVE_CHATS / 2) close(chat.id);
    }
    await until('every thread_closed', () => events.of('thread_closed').length === MAX_INACTIVE_CHATS + 2);
    // Remembered: the real chat (closed again lately) and the newest made-up chat. Forgotten: the oldest made-up chat.
    api.setSneakPeek(chat.id, 'closed');
    api.setSneakPeek(fakes.at(-1)!, 'closed too');
    api.setSneakPeek(fakes[0]!, 'forgotten');
    await api.getChatsSummary();
    expect(peeksTo(chat.id)).toBe(0);
    expect(peeksTo(fakes.at(-1)!)).toBe(0);
    expect(peeksTo(fakes[0]!)).toBe(1);
  });
});

describe('setSneakPeek while not connected', () => {
  it('is dropped, not queued: a message made after it takes the one offline queue slot, and no stale sneak peek goes out on the next session', async () => {
    const { api, chat, customerId, sent, events } = await customerWithChat({ offlineQueue: { max: 1 }, sneakPeekInterval: 100 });
    let message: Promise<SendEventResult> | undefined;
    // Made as the outage is announced, so certainly while reconnecting.
    api.once('connection_lost', () => {
      api.setSneakPeek(chat.id, 'typed while offline');
      message = api.sendMessage(chat.id, 'sent while offline');
    });
    const restored = events.next('connection_restored');
    h.server.faults.dropConnections(customerId);
    await restored;
    expect((await message)?.event).toMatchObject({ type: 'message', text: 'sent while offline' });
    // One whose interval ends after disconnect() (the second of two, so it waits for the
    // interval) is dropped too, and does not go out on the next connect().
    api.setSneakPeek(chat.id, 'typed while connected');
    api.setSneakPeek(chat.id, 'typed before disconnect()');
    api.disconnect();
    await sleep(200);
    await api.connect();
    await api.getChatsSummary();
    const peeks = sent.map((text) => JSON.parse(text) as { action: string; payload: { text?: string } }).filter((frame) => frame.action === 'send_sneak_peek');
    expect(peeks.map((frame) => frame.payload.text).filter((text) => text !== 'typed while connected')).toEqual([]);
  });
});

describe('setSneakPeek on a client the server destroys', () => {
  it('the sneak peek waiting for its interval is dropped, and later calls do nothing', async () => {
    const interval = 100;
    const { api, chat, customerId, events } = await customerWithChat({ sneakPeekInterval: interval });
    const sneakPeeks = vi.spyOn(api, 'sendSneakPeek');
    api.setSneakPeek(chat.id, 'I');
    api.setSneakPeek(chat.id, 'I would');
    expect(sneakPeeks).toHaveBeenCalledTimes(1);
    h.server.disconnectCustomer(customerId, 'customer_banned');
    await until('destroyed', () => api.state === 'destroyed');
    api.setSneakPeek(chat.id, 'after the ban');
    await sleep(interval * 2);
    expect(sneakPeeks).toHaveBeenCalledTimes(1);
    expect(events.of('disconnected')).toEqual(['customer_banned']);
  });
});

describe('server errors reject with the SDKError of the spec', () => {
  it.each([
    ['closeThread on an unknown chat', 'NOT_FOUND', 'not_found', (api: CustomerSDK) => api.closeThread({ chat: 'NO_SUCH_CHAT' })],
    ['getChatThreads of an unknown thread', 'NOT_FOUND', 'not_found', async (api: CustomerSDK) => {
      const { chat } = await api.startChat();
      return api.getChatThreads({ chat: chat.id, threads: ['NO_SUCH_THREAD'] });
    }],
    ['sendEvent to a closed chat', 'CHAT_INACTIVE', 'chat_inactive', async (api: CustomerSDK) => {
      const { chat } = await api.startChat();
      await api.closeThread({ chat: chat.id });
      return api.sendEvent({ chat: chat.id, event: { type: 'message', text: 'anyone?' } });
    }],
    ['closeThread of a closed chat', 'CHAT_INACTIVE', 'chat_inactive', async (api: CustomerSDK) => {
      const { chat } = await api.startChat();
      await api.closeThread({ chat: chat.id });
      return api.closeThread({ chat: chat.id });
    }],
    ['startChat for an unknown group', 'GROUP_NOT_FOUND', 'group_not_found', (api: CustomerSDK) => api.startChat({ scope: { groups: [42] } })],
  ] as const)('%s → %s', async (_, code, type, act) => {
    const { api } = await h.connect();
    const error = await rejectionOf(act(api));
    expect(error).toBeInstanceOf(SDKError);
    expect(error).toMatchObject({ name: 'SDKError', code, type });
    expect(api.state).toBe('connected');
  });

  it("a chat of another customer → AUTHORIZATION", async () => {
    const owner = await h.connect();
    const { chat } = await owner.api.startChat();
    const stranger = await h.connect();
    const error = await rejectionOf(stranger.api.sendMessage(chat.id, 'let me in'));
    expect(error).toBeInstanceOf(SDKError);
    expect(error).toMatchObject({ code: 'AUTHORIZATION', type: 'authorization' });
  });

  it('without client validation, arguments the server refuses → VALIDATION with the pointer', async () => {
    const { api } = await h.connect({ validate: false });
    const error = await rejectionOf(api.getChatsSummary({ limit: 26 }));
    expect(error).toBeInstanceOf(SDKError);
    expect(error).toMatchObject({ code: 'VALIDATION', type: 'validation', details: { error: { type: 'validation', pointer: '/payload/limit' } } });
  });
});

describe('invalid arguments reject with INVALID_ARGS before anything is sent', () => {
  it.each([
    ['an empty message', (api: CustomerSDK) => api.sendEvent({ chat: 'C', event: { type: 'message', text: '' } })],
    ['sendMessage with an empty text', (api: CustomerSDK) => api.sendMessage('C', '')],
    ['a page of more than 25 chats', (api: CustomerSDK) => api.getChatsSummary({ limit: 26 })],
    ['a negative offset', (api: CustomerSDK) => api.getChatThreadsSummary({ chat: 'C', offset: -1 })],
    ['no thread ids', (api: CustomerSDK) => api.getChatThreads({ chat: 'C', threads: [] })],
    ['duplicate thread ids', (api: CustomerSDK) => api.getChatThreads({ chat: 'C', threads: ['T', 'T'] })],
    ['an empty chat id', (api: CustomerSDK) => api.sendSneakPeek({ chat: '', text: 'x' })],
    ['a fractional timestamp', (api: CustomerSDK) => api.updateLastSeenTimestamp({ chat: 'C', timestamp: 1.5 })],
    ['an empty customer update', (api: CustomerSDK) => api.updateCustomer({})],
    ['a file of more than 10 MB', (api: CustomerSDK) => api.sendEvent({ chat: 'C', event: { type: 'file', url: 'https://x.example/f', contentType: 'a/b', size: 10_485_761 } })],
    ['an unknown field', (api: CustomerSDK) => api.closeThread({ chat: 'C', force: true } as unknown as CloseThreadArguments)],
    ['a wrong type', (api: CustomerSDK) => api.updateChatProperties({ chat: 'C', properties: { ns: { v: [1] } } } as unknown as Parameters<CustomerSDK['updateChatProperties']>[0])],
  ] as const)('%s', async (_, act) => {
    const sent: string[] = [];
    const { api } = await h.connect({ WebSocket: recordingWebSocket(sent) });
    const before = sent.length;
    const error = await rejectionOf(act(api));
    expect(error).toBeInstanceOf(SDKError);
    expect(error).toMatchObject({ code: 'INVALID_ARGS' });
    expect((error as SDKError).type).toBeUndefined();
    expect(Array.isArray((error as SDKError).details)).toBe(true);
    // Nothing went out, and the connection is fine.
    await api.getChatsSummary();
    expect(actionsOf(sent.slice(before))).toEqual(['get_chats_summary']);
  });
});

describe('coverage', () => {
  it('every request of the spec (but login) is a method of the client with a test above', async () => {
    const fromSpec = specRequestOperations();
    const login = protocol.lifecycle.login.operation;
    expect(login).toBe('login' satisfies keyof CustomerRequests);
    expect(Object.keys(protocol.requests).filter((op) => op !== login).sort()).toEqual(fromSpec);
    expect(Object.keys(REQUESTS).sort()).toEqual(fromSpec);
    const { api } = await h.connect({ autoConnect: false, noWait: true });
    for (const operation of fromSpec) expect(typeof Reflect.get(api, operation), operation).toBe('function');
    expect(fromSpec.filter((operation) => !covered.has(operation))).toEqual([]);
  });
});

describe('setSneakPeek and the application’s own new_event listeners', () => {
  const push = (customerId: string, action: string, payload: unknown) =>
    expect(h.server.faults.sendRaw(customerId, JSON.stringify({ action, type: 'push', payload }))).toBe(1);
  const message = (chat: string, id: string) => ({ id, type: 'message', chat, thread: 'T1', author: AGENT_ID, timestamp: 1, text: 'hi' });

  it('a new_event opening a closed chat again is seen by the SDK before the application’s listener, attached earlier, runs', async () => {
    const { api, chat, customerId, sent, events } = await customerWithChat({ sneakPeekInterval: 1 });
    const peeks = () => sent.filter((text) => (JSON.parse(text) as { action: string }).action === 'send_sneak_peek').length;
    // The application answers every new event with a sneak peek to its chat.
    api.on('new_event', (event) => {
      if (event.chat !== undefined) api.setSneakPeek(event.chat, 'typing back');
    });
    for (const round of [1, 2]) {
      const closed = events.next('thread_closed');
      push(customerId, 'thread_closed', { chat: chat.id });
      await closed;
      const before = peeks();
      const arrived = events.next('new_event');
      push(customerId, 'new_event', message(chat.id, `E${round}`));
      await arrived;
      // Sent from inside the listener: the chat was already active again when it ran.
      expect(peeks(), `round ${round}`).toBe(before + 1);
    }
    expect(events.of('error')).toEqual([]);
  });

  it('off("new_event") while a chat is closed removes the application’s listeners only: a new_event still opens the chat again', async () => {
    const { api, chat, customerId, sent, events } = await customerWithChat({ sneakPeekInterval: 1 });
    const peeks = () => sent.filter((text) => (JSON.parse(text) as { action: string }).action === 'send_sneak_peek').length;
    const closed = events.next('thread_closed');
    push(customerId, 'thread_closed', { chat: chat.id });
    await closed;
    api.off('new_event');
    const before = peeks();
    const arrived = events.next('thread_closed');
    // A new_event, then a push the test can wait for (the events helper no longer hears new_event).
    push(customerId, 'new_event', message(chat.id, 'E1'));
    push(customerId, 'thread_closed', { chat: 'OTHER' });
    await arrived;
    api.setSneakPeek(chat.id, 'open again');
    await until('a sneak peek', () => peeks() === before + 1);
  });
});
