// How the SDK copes with a bad network and a misbehaving server, against the real reference server
// and its fault injection: dropped links, a stalled server, garbage frames (and a fuzz of them),
// the server ending the session for each disconnection reason, throwing listeners, and the
// stream views of the events.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCodes, protocol } from '../../src/gen/protocol.js';
import { type InteropObservable, observableKey } from '../../src/runtime/observable.js';
import { SDKError, type ClientErrorCode } from '../../src/node.js';
import {
  rejectionOf,
  sleep,
  specReactions,
  summaryPage,
  until,
  useHarness,
  type Connected,
  type SDKEventTuple,
} from './harness.js';

const h = useHarness();
const AGENT_ID = 'sam@example.com';
/** Longer than the longest back-off delay (maxDelay 100 ms): a reconnection would have happened. */
const LONGER_THAN_BACKOFF = 300;

/** A connected customer with a chat an agent joined (so the agent API can push to it). */
async function customerWithAgent(connected?: Connected) {
  const customer = connected ?? (await h.connect());
  const { chat, thread } = await customer.api.startChat({ events: [{ type: 'message', text: 'hello' }] });
  const agent = h.server.agent(AGENT_ID);
  const joined = customer.events.next('user_joined_chat');
  agent.joinChat(chat.id);
  await joined;
  return { ...customer, chat, thread, agent };
}

/** What `obj[Symbol.observable ?? '@@observable']()` returns (the key as the runtime chose it). */
function observableOf<T>(target: object): InteropObservable<T> {
  const method: unknown = (target as Record<PropertyKey, unknown>)[observableKey];
  if (typeof method !== 'function') throw new Error(`no observable interop method under ${String(observableKey)}`);
  return (method as (this: object) => InteropObservable<T>).call(target);
}

/** Checks that a push caused through the agent API still arrives, as stored. */
async function validPushStillArrives(customer: Awaited<ReturnType<typeof customerWithAgent>>): Promise<void> {
  const arrived = customer.events.next('new_event');
  const sent = customer.agent.sendMessage(customer.chat.id, `still there? ${Date.now()}`);
  expect(await arrived).toEqual(sent);
  expect(sent).toEqual(h.server.store.thread(customer.thread.id).events.at(-1));
}

describe('a dropped link', () => {
  it('rejects the pending requests with CONNECTION_LOST, emits connection_lost, then connection_restored after the back-off', async () => {
    const { api, customerId, events } = await h.connect();
    const { chat } = await api.startChat();
    h.server.faults.setReplyDelay(2_000);
    const pending = [api.getChatsSummary(), api.sendMessage(chat.id, 'lost in transit'), api.updateCustomer({ name: 'X' })];
    const lost = events.next('connection_lost');
    const restored = events.next('connection_restored');
    // When each event is emitted (not when this test gets to look): the back-off lies between them.
    let lostAt = 0;
    let restoredAt = 0;
    api.once('connection_lost', () => (lostAt = Date.now()));
    api.once('connection_restored', () => (restoredAt = Date.now()));
    // The requests are on the wire, their replies held back by the server: drop the link.
    await sleep(20);
    expect(h.server.faults.dropConnections(customerId)).toBe(1);
    h.server.faults.setReplyDelay(0);
    const errors = await Promise.all(pending.map(rejectionOf));
    for (const error of errors) {
      expect(error).toBeInstanceOf(SDKError);
      expect(error).toMatchObject({ code: 'CONNECTION_LOST' satisfies ClientErrorCode });
    }
    await lost;
    expect(api.state).toBe('reconnecting');
    // A request made while reconnecting fails at once, unsent (unless `offlineQueue` queues it).
    expect(await rejectionOf(api.getChatsSummary())).toMatchObject({ code: 'CONNECTION_LOST', message: 'not sent: the client is not connected (reconnecting)' });
    const page = await restored;
    // The first back-off delay is at least initialDelay * (1 - jitter) = 10 ms.
    expect(restoredAt - lostAt).toBeGreaterThanOrEqual(9);
    expect(page).toEqual(summaryPage(h.server, customerId));
    expect(await api.getChatsSummary()).toEqual(summaryPage(h.server, customerId));
    expect(api.state).toBe('connected');
    expect(h.server.connections(customerId)).toBe(1);
    expect(events.of('connection_lost')).toHaveLength(1);
    expect(events.of('connection_restored')).toHaveLength(1);
    expect(events.of('connected')).toHaveLength(1);
  });

  it('keeps reconnecting when the link drops again during the handshake, and is restored once', async () => {
    const { api, customerId, events } = await h.connect();
    const restored = events.next('connection_restored');
    // Every reply (the login's too) is held back, so the next connection is still logging in...
    h.server.faults.setReplyDelay(400);
    h.server.faults.dropConnections(customerId);
    await events.next('connection_lost');
    await until('the SDK to connect again', () => h.server.connections() === 1);
    // ...when it drops too (connections are bound to the customer once logged in: drop them all).
    expect(h.server.faults.dropConnections()).toBe(1);
    h.server.faults.setReplyDelay(0);
    expect(await restored).toEqual(summaryPage(h.server, customerId));
    expect(api.state).toBe('connected');
    expect(h.server.connections(customerId)).toBe(1);
    // One lost link from the application's point of view, one restoration.
    expect(events.of('connection_lost')).toHaveLength(1);
    expect(events.of('connection_restored')).toHaveLength(1);
  });
});

describe('login', () => {
  it('a token the server refuses is replaced by a fresh one from getToken', async () => {
    const { token, customerId } = h.server.issueToken();
    let calls = 0;
    const { api, events } = await h.connect({ customerId, getToken: () => (++calls === 1 ? 'an-expired-token' : token) });
    expect(calls).toBe(2);
    expect(api.state).toBe('connected');
    expect(events.of('customer_id')).toEqual([customerId]);
    expect(events.of('error')).toEqual([]);
  });
});

describe('a stalled server', () => {
  it('rejects a request with REQUEST_TIMEOUT; its late answer is dropped as INVALID_FRAME and the connection kept', async () => {
    const requestTimeout = 400;
    const { api, events } = await h.connect({ requestTimeout });
    h.server.faults.setReplyDelay(1_200);
    const started = Date.now();
    const late = events.next('error', (e) => e.code === 'INVALID_FRAME');
    const error = await rejectionOf(api.getChatsSummary());
    expect(error).toBeInstanceOf(SDKError);
    expect(error).toMatchObject({ code: 'REQUEST_TIMEOUT' satisfies ClientErrorCode });
    expect(Date.now() - started).toBeGreaterThanOrEqual(requestTimeout - 5);
    h.server.faults.setReplyDelay(0);
    const report = await late;
    expect(report.message).toMatch(/unknown request/);
    expect(JSON.parse(report.frame ?? 'null')).toMatchObject({ action: 'get_chats_summary', type: 'response', success: true });
    expect(api.state).toBe('connected');
    expect(await api.getChatsSummary()).toEqual({ chatsSummary: [], totalChats: 0 });
    expect(events.of('connection_lost')).toEqual([]);
  });
});

describe('garbage frames from the server', () => {
  const longText = `not json ${'x'.repeat(200_000)}`;
  it.each([
    ['not JSON', '{"action":"new_event","type":"push",', /not JSON/],
    ['a huge frame that is not JSON', longText, /not JSON/],
    ['a JSON array', '[1,2,3]', /no known kind/],
    ['a JSON string', '"push"', /no known kind/],
    ['null', 'null', /no known kind/],
    ['an empty object', '{}', /no known kind/],
    ['a response without requestId', '{"action":"login","type":"response","success":true,"payload":{}}', /no known kind/],
    ['an unknown push', '{"action":"rich_message_pushed","type":"push","payload":{}}', /unknown push/],
    ['a push named __proto__', '{"action":"__proto__","type":"push","payload":{}}', /unknown push/],
    ['a push named constructor', '{"action":"constructor","type":"push","payload":{}}', /unknown push/],
    ['a push named like a request', '{"action":"send_event","type":"push","payload":{}}', /unknown push/],
    ['a push missing a field', '{"action":"user_is_typing","type":"push","payload":{"chat":"C"}}', /invalid "user_is_typing" push/],
    ['a push with wrong types', '{"action":"new_event","type":"push","payload":{"id":"E","type":"message","chat":"C","thread":"T","author":"a","timestamp":-1,"text":5}}', /invalid "new_event" push/],
    ['a user_data of a known type with a wrong field', '{"action":"user_data","type":"push","payload":{"id":"u","type":"agent","email":5}}', /invalid "user_data" push/],
    ['a response for an unknown id', '{"requestId":"nobody-1","action":"get_chats_summary","type":"response","success":true,"payload":{"chatsSummary":[],"totalChats":0}}', /unknown request "nobody-1"/],
  ] as const)('%s → error INVALID_FRAME, frame dropped, connection kept', async (_, text, message) => {
    const customer = await customerWithAgent();
    const { api, customerId, events } = customer;
    const before = events.log.length;
    const reported = events.next('error');
    expect(h.server.faults.sendRaw(customerId, text)).toBe(1);
    const error = await reported;
    expect(error.code).toBe('INVALID_FRAME' satisfies ClientErrorCode);
    expect(error.message).toMatch(message);
    // The frame as received, cut to a readable excerpt when long.
    if (text.length <= 1_000) expect(error.frame).toBe(text);
    else expect(error.frame).toBe(`${text.slice(0, 1_000)}… (${text.length} characters)`);
    await validPushStillArrives(customer);
    // Nothing but the report and the valid push was emitted: the frame was dropped.
    expect(events.names().slice(before)).toEqual(['error', 'new_event']);
    expect(api.state).toBe('connected');
    expect(h.server.connections(customerId)).toBe(1);
  });

  it('a disconnection for a reason the spec does not have: reported, and the session ends all the same, cautiously (no reconnection)', async () => {
    const { api, customerId, events } = await customerWithAgent();
    const before = events.log.length;
    const reported = events.next('error');
    expect(h.server.faults.sendRaw(customerId, '{"action":"customer_disconnected","type":"push","payload":{"reason":"gremlins"}}')).toBe(1);
    expect(await reported).toMatchObject({ code: 'INVALID_FRAME', message: expect.stringMatching(/invalid "customer_disconnected" push/) });
    expect(api.state).toBe('disconnected');
    expect(events.log.slice(before)).toContainEqual(['disconnected', undefined]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(api.state).toBe('disconnected');
    expect(h.server.connections(customerId)).toBe(0);
  });

  it('an error response about no request of ours is reported with the server code', async () => {
    const customer = await customerWithAgent();
    const reported = customer.events.next('error');
    h.server.faults.sendRaw(customer.customerId, '{"requestId":null,"action":"","type":"response","success":false,"payload":{"error":{"type":"validation","message":"the frame is not JSON"}}}');
    expect(await reported).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/the frame is not JSON/) });
    await validPushStillArrives(customer);
    expect(customer.api.state).toBe('connected');
  });
});

describe('the server ends the session: each disconnection reason gets the reaction of the spec', () => {
  const reactions = Object.entries(specReactions());

  it('the spec and the generated protocol agree, and every reaction is used', () => {
    expect(Object.fromEntries(reactions)).toEqual(protocol.reactions);
    expect(new Set(reactions.map(([, reaction]) => reaction))).toEqual(new Set(['reconnect', 'stay_disconnected', 'destroy']));
  });

  it.each(reactions)('%s → %s', async (reason, reaction) => {
    const { api, customerId, events, tokenCalls } = await h.connect();
    let stateAtEvent: string | undefined;
    api.once('disconnected', () => {
      stateAtEvent = api.state;
    });
    const disconnected = events.next('disconnected');
    expect(h.server.disconnectCustomer(customerId, reason as Parameters<typeof h.server.disconnectCustomer>[1])).toBe(1);
    expect(await disconnected).toBe(reason);
    // A session the server ended is not a lost link.
    expect(events.of('connection_lost')).toEqual([]);

    if (reaction === 'reconnect') {
      expect(stateAtEvent).toBe('reconnecting');
      const page = await events.next('connection_restored');
      expect(page).toEqual(summaryPage(h.server, customerId));
      expect(api.state).toBe('connected');
      expect(h.server.connections(customerId)).toBe(1);
      // A fresh token for the new login.
      expect(tokenCalls()).toBe(2);
      expect(await api.getChatsSummary()).toEqual(page);
    } else if (reaction === 'stay_disconnected') {
      expect(stateAtEvent).toBe('disconnected');
      await sleep(LONGER_THAN_BACKOFF);
      expect(api.state).toBe('disconnected');
      expect(h.server.connections(customerId)).toBe(0);
      expect(tokenCalls()).toBe(1);
      // A request made now fails at once, unsent; once the application connects again, requests go out.
      expect(await rejectionOf(api.getChatsSummary())).toMatchObject({ code: 'CONNECTION_LOST', message: 'not sent: the client is not connected (disconnected)' });
      const connected = events.next('connected');
      await api.connect();
      expect(await connected).toEqual(summaryPage(h.server, customerId));
      expect(await api.getChatsSummary()).toEqual(summaryPage(h.server, customerId));
      expect(api.state).toBe('connected');
      expect(h.server.connections(customerId)).toBe(1);
    } else {
      expect(reaction).toBe('destroy');
      expect(stateAtEvent).toBe('destroyed');
      expect(api.state).toBe('destroyed');
      for (const later of [api.getChatsSummary(), api.connect(), api.sendMessage('C', 'hello?')]) {
        const error = await rejectionOf(later);
        expect(error).toBeInstanceOf(SDKError);
        expect(error).toMatchObject({ code: 'DESTROYED' satisfies ClientErrorCode });
      }
      // The event streams have ended.
      expect(await api.events().next()).toEqual({ value: undefined, done: true });
      await sleep(LONGER_THAN_BACKOFF);
      expect(api.state).toBe('destroyed');
      expect(h.server.connections(customerId)).toBe(0);
      expect(tokenCalls()).toBe(1);
    }
  });

  it('a request pending when the server ends the session rejects with CONNECTION_LOST and the reason', async () => {
    const { api, customerId, events } = await h.connect();
    h.server.faults.setReplyDelay(1_000);
    const pending = api.getChatsSummary();
    await sleep(20);
    const disconnected = events.next('disconnected');
    h.server.disconnectCustomer(customerId, 'too_many_connections');
    const error = await rejectionOf(pending);
    expect(error).toBeInstanceOf(SDKError);
    expect(error).toMatchObject({ code: 'CONNECTION_LOST' satisfies ClientErrorCode, message: expect.stringContaining('too_many_connections') });
    expect(await disconnected).toBe('too_many_connections');
    h.server.faults.setReplyDelay(0);
  });

  it('the async iterator delivers the last event, disconnected, then ends when the reaction destroys the client', async () => {
    const { api, customerId } = await h.connect();
    const iterated: SDKEventTuple[] = [];
    const done = (async () => {
      for await (const event of api.events()) iterated.push(event);
    })();
    h.server.disconnectCustomer(customerId, 'customer_banned');
    await done;
    expect(iterated).toEqual([['disconnected', 'customer_banned']]);
    expect(api.state).toBe('destroyed');
    // The server banned the customer: a new instance cannot log in.
    expect(h.server.store.isBanned(customerId)).toBe(true);
  });
});

describe('listeners', () => {
  it('a listener that throws does not stop the others; it surfaces as error LISTENER_ERROR', async () => {
    const customer = await customerWithAgent();
    const { api, chat, agent, events } = customer;
    const calls: string[] = [];
    const boom = new Error('boom');
    api.on('user_is_typing', () => {
      calls.push('first');
      throw boom;
    });
    api.on('user_is_typing', () => calls.push('second'));
    api.on('*', (...[name]) => {
      if (name === 'user_is_typing') calls.push('wildcard');
    });
    // A throwing `error` listener is dropped, never reported in a loop.
    api.on('error', () => {
      calls.push('error listener');
      throw new Error('the error listener fails too');
    });
    const reported = events.next('error');
    const typing = events.next('user_is_typing');
    agent.startTyping(chat.id);
    expect(await typing).toEqual({ chat: chat.id, user: AGENT_ID });
    const error = await reported;
    expect(error).toMatchObject({ code: 'LISTENER_ERROR' satisfies ClientErrorCode, cause: boom });
    expect(error.message).toMatch(/user_is_typing/);
    expect(calls).toEqual(['first', 'error listener', 'second', 'wildcard']);
    expect(events.of('error')).toHaveLength(1);
    // Later events still arrive, to every listener.
    const stopped = events.next('user_stopped_typing');
    agent.stopTyping(chat.id);
    expect(await stopped).toEqual({ chat: chat.id, user: AGENT_ID });
    await validPushStillArrives(customer);
    expect(api.state).toBe('connected');
  });
});

describe('validation of incoming frames', () => {
  it('validate: false lets a push that breaks its schema through; a validating client drops it', async () => {
    const loose = await h.connect({ validate: false });
    const strict = await h.connect({ customerId: loose.customerId });
    const invalid = { action: 'user_is_typing', type: 'push', payload: { chat: 42, user: ['not', 'a', 'string'] } };
    const arrived = loose.events.next('user_is_typing');
    const dropped = strict.events.next('error');
    expect(h.server.faults.sendRaw(loose.customerId, JSON.stringify(invalid))).toBe(2);
    expect(await arrived).toEqual(invalid.payload);
    expect(await dropped).toMatchObject({ code: 'INVALID_FRAME' satisfies ClientErrorCode });
    expect(loose.events.of('error')).toEqual([]);
    expect(strict.events.of('user_is_typing')).toEqual([]);
    // What is not a frame at all is still dropped.
    const notJson = loose.events.next('error');
    h.server.faults.sendRaw(loose.customerId, 'not json');
    expect(await notJson).toMatchObject({ code: 'INVALID_FRAME' });
    expect(loose.api.state).toBe('connected');
  });
});

describe('the stream views of the events', () => {
  it('the async iterator and the observable deliver the same events as the listeners, and end at destroy()', async () => {
    const customer = await customerWithAgent();
    const { api, chat, agent, customerId, events } = customer;
    const listened: SDKEventTuple[] = [];
    api.on('*', (...event) => listened.push(event));

    const iterated: SDKEventTuple[] = [];
    const iterating = (async () => {
      for await (const event of api.events()) iterated.push(event);
    })();

    // The interop key: `Symbol.observable` when defined, else '@@observable' (here: no polyfill).
    expect(observableKey).toBe((Symbol as { observable?: symbol }).observable ?? '@@observable');
    const interop = observableOf<SDKEventTuple>(api);
    expect(observableOf<SDKEventTuple>(interop)).toBe(interop);
    const observed: SDKEventTuple[] = [];
    let completed = false;
    interop.subscribe({ next: (event) => observed.push(event), complete: () => (completed = true) });

    // A bit of everything: pushes, an invalid frame, a lost and restored link.
    agent.startTyping(chat.id);
    agent.sendMessage(chat.id, 'one moment');
    agent.stopTyping(chat.id);
    agent.updateChatProperties(chat.id, { routing: { queue: 'vip' } });
    h.server.faults.sendRaw(customerId, 'garbage');
    await events.next('chat_properties_updated');
    const restored = events.next('connection_restored');
    h.server.faults.dropConnections(customerId);
    await restored;
    agent.readChat(chat.id);
    await events.next('last_seen_timestamp_updated');
    api.destroy();
    await iterating;

    expect(listened.map(([name]) => name)).toEqual([
      'user_is_typing',
      'new_event',
      'user_stopped_typing',
      'chat_properties_updated',
      'error',
      'connection_lost',
      // The new connection meets the customer, then (with the chats summary) the agent again.
      'customer_id',
      'user_data',
      'user_data',
      'connection_restored',
      'last_seen_timestamp_updated',
    ]);
    expect(iterated).toEqual(listened);
    expect(observed).toEqual(listened);
    expect(completed).toBe(true);
  });
});

describe('fuzz: random and hostile frames from the server', () => {
  const unhandled: unknown[] = [];
  const uncaught: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const onUncaught = (error: unknown) => uncaught.push(error);
  beforeEach(() => {
    unhandled.length = 0;
    uncaught.length = 0;
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUncaught);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUncaught);
  });

  const prototypes = { Object: Object.prototype, Array: Array.prototype, Function: Function.prototype, String: String.prototype };
  const snapshot = () => Object.fromEntries(Object.entries(prototypes).map(([name, proto]) => [name, Object.getOwnPropertyNames(proto).sort()]));

  // customer_disconnected is left out of the random frames: one without a `reason` is valid (the
  // reason is optional) and ends the session; the session-ending pushes have tests of their own.
  const pushActions = Object.keys(protocol.pushes).filter((action) => action !== 'customer_disconnected');
  const requestActions = Object.values(protocol.requests).map((request) => request.action);
  const hostileKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
  const fieldNames = ['id', 'type', 'chat', 'thread', 'user', 'author', 'timestamp', 'text', 'reason', 'properties', 'chatsSummary', 'totalChats', 'fields', 'name', 'email', 'avatar', 'order', 'totalEvents', 'url', 'contentType', 'error', 'customId', ...hostileKeys];

  const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.string(),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...fieldNames), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  );
  const payload = fc.oneof(wrongValue, fc.dictionary(fc.constantFrom(...fieldNames), wrongValue, { maxKeys: 8 }));
  /** Frame-shaped objects: known and hostile actions, wrong types everywhere. */
  const frameLike = fc
    .record(
      {
        action: fc.oneof(fc.constantFrom(...pushActions, ...requestActions, ...hostileKeys, ''), fc.string(), wrongValue),
        type: fc.oneof(fc.constantFrom('push', 'response', 'request', ''), wrongValue),
        success: fc.oneof(fc.boolean(), wrongValue),
        requestId: fc.oneof(fc.string({ minLength: 1, maxLength: 70 }), fc.constant(null), wrongValue),
        payload,
      },
      { requiredKeys: [] },
    )
    .map((frame) => JSON.stringify(frame));
  /** Valid push payloads (no session-ending one) with one field replaced by something else. */
  const validPushes: [string, Record<string, unknown>][] = [
    ['new_event', { id: 'C_1', type: 'message', chat: 'C', thread: 'T', author: 'a', timestamp: 1, text: 'hi' }],
    ['user_data', { id: 'a', type: 'agent', name: 'A', email: 'a@example.com', avatar: 'https://x.example/a.png' }],
    ['user_is_typing', { chat: 'C', user: 'a' }],
    ['thread_metada', { id: 'T', chat: 'C', order: 1, totalEvents: 0 }],
    ['chat_properties_updated', { chat: 'C', properties: { ns: { k: 1 } } }],
    ['last_seen_timestamp_updated', { chat: 'C', user: 'a', timestamp: 5 }],
    ['customer_id', { id: 'not a string' }],
  ];
  const mutated = fc
    .tuple(fc.constantFrom(...validPushes), fc.constantFrom(...fieldNames), wrongValue)
    .map(([[action, valid], field, value]) => JSON.stringify({ action, type: 'push', payload: { ...valid, [field]: value } }));
  /** Raw text with own `__proto__` / `constructor` keys (JSON.parse makes them own properties). */
  const pollution = fc
    .tuple(fc.constantFrom(...pushActions, 'x'), fc.constantFrom('__proto__', 'constructor', 'prototype'))
    .map(
      ([action, key]) =>
        `{"${key}":{"polluted":"yes","prototype":{"polluted":"yes"}},"action":"${action}","type":"push","payload":{"${key}":{"polluted":"yes","prototype":{"polluted":"yes"}},"chat":"C","user":"u","properties":{"__proto__":{"polluted":"yes"}},"fields":{"constructor":"x"}}}`,
    );
  const deep = fc.tuple(fc.integer({ min: 10, max: 5_000 }), fc.constantFrom('[', '{"a":'), fc.boolean()).map(([depth, open, balanced]) => {
    const close = open === '[' ? ']' : '}';
    const inner = `${open.repeat(depth)}1${balanced ? close.repeat(depth) : ''}`;
    return `{"action":"new_event","type":"push","payload":${inner}}`;
  });
  const huge = fc.tuple(fc.integer({ min: 10_000, max: 100_000 }), fc.constantFrom('text', 'chat', 'type', 'id')).map(
    ([size, field]) => JSON.stringify({ action: 'new_event', type: 'push', payload: { id: 'E', type: 'message', chat: 'C', thread: 'T', author: 'a', timestamp: 1, text: 't', [field]: 'x'.repeat(size), extra: { [field]: 7 } } }),
  );
  const garbage: fc.Arbitrary<string> = fc.oneof(
    { arbitrary: fc.string({ unit: 'binary', maxLength: 300 }), weight: 3 },
    { arbitrary: fc.json({ maxDepth: 4 }), weight: 3 },
    { arbitrary: frameLike, weight: 6 },
    { arbitrary: mutated, weight: 5 },
    { arbitrary: pollution, weight: 2 },
    { arbitrary: deep, weight: 1 },
    { arbitrary: huge, weight: 1 },
  );

  it('≥ 10,000 frames: no crash, no unhandled rejection, no prototype pollution, one outcome per frame, the connection kept', async () => {
    const customer = await customerWithAgent();
    const { api, customerId, events } = customer;
    const before = snapshot();
    const BATCH = 100;
    let frames = 0;
    let sentinel = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(garbage, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const start = events.log.length;
        for (const text of batch) expect(h.server.faults.sendRaw(customerId, text)).toBe(1);
        frames += batch.length;
        // Frames arrive in order: once this valid push is emitted, the whole batch was handled.
        const marker = `sentinel-${(sentinel += 1)}`;
        const arrived = events.next('user_is_typing', (p) => p.chat === marker);
        h.server.faults.sendRaw(customerId, JSON.stringify({ action: 'user_is_typing', type: 'push', payload: { chat: marker, user: AGENT_ID } }));
        expect(await arrived).toEqual({ chat: marker, user: AGENT_ID });
        // Every frame had exactly one outcome (an event or an `error` report), plus the sentinel.
        expect(events.log.length - start).toBe(batch.length + 1);
        expect(api.state).toBe('connected');
        expect(h.server.connections(customerId)).toBe(1);
        expect(snapshot()).toEqual(before);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: 100, seed: Number(process.env['FUZZ_SEED'] ?? 0x5eed), endOnFailure: true },
    );

    expect(frames).toBeGreaterThanOrEqual(10_000);
    // Each report is one of the spec's client codes or a server error code.
    const codes = new Set<string>([...Object.values(errorCodes), 'INVALID_FRAME', 'INVALID_RESPONSE']);
    expect(events.of('error').filter((e) => !codes.has(e.code))).toEqual([]);
    expect(events.of('error').length).toBeGreaterThan(frames / 2);
    expect(events.of('disconnected')).toEqual([]);
    expect(events.of('connection_lost')).toEqual([]);
    // Give stray promise rejections a chance to surface before checking.
    await sleep(50);
    expect(unhandled).toEqual([]);
    expect(uncaught).toEqual([]);
    expect(snapshot()).toEqual(before);
    // After all that, a real message still arrives, as stored.
    await validPushStillArrives(customer);
    expect(await api.getChatsSummary()).toEqual(summaryPage(h.server, customerId));
  });
});
