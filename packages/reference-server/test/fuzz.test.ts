// Fuzzing over real sockets: more than 10,000 random frames (garbage text, random JSON, wrong types,
// deep nesting, huge strings, `__proto__` / `constructor` keys, valid requests in the wrong order)
// spread over four connections. The server must answer every frame with exactly one valid response
// or error frame, in order, never crash, never pollute a prototype, and still serve valid requests
// correctly afterwards. (A connection not logged in may have only four frames waiting: the frames
// past them are refused with pending_requests_limit_reached at once, ahead of the others.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requests } from '../src/gen/protocol.js';
import { startChat, useServer, type Frame, type TestClient } from './helpers.js';

const h = useServer();

const RUNS = 41;
const FRAMES_PER_RUN = 250; // 10,250 frames in all
const MAX_FRAME_CHARS = 60_000; // under the 64 KiB limit: these frames must be answered, not refused
const ACTIONS = Object.keys(requests);

const weirdKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'polluted', '__defineGetter__');
const key = fc.oneof(weirdKey, fc.string({ maxLength: 8 }));
/** Objects with own keys such as `__proto__` (Object.fromEntries defines them; literals would not). */
const objectOf = <T>(value: fc.Arbitrary<T>, maxLength = 4) => fc.array(fc.tuple(key, value), { maxLength }).map((entries) => Object.fromEntries(entries));
const anyJson = fc.jsonValue({ maxDepth: 4 });
const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const properties = objectOf(objectOf(scalar));

function frameArbitrary(chat: string, thread: string): fc.Arbitrary<string> {
  const id = fc.oneof(fc.constantFrom(chat, thread, 'NOPE', ''), fc.string({ maxLength: 12 }));
  const requestId = fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), fc.constant(''), fc.string({ minLength: 65, maxLength: 70 }), anyJson);
  const message = fc.record({ type: fc.constant('message'), text: fc.string({ maxLength: 30 }), customId: fc.string({ minLength: 1, maxLength: 5 }) }, { requiredKeys: ['type', 'text'] });
  const file = fc.record({ type: fc.constant('file'), url: fc.constantFrom('https://files.example.com/a.png', 'nope'), contentType: fc.constantFrom('image/png', '') }, { requiredKeys: ['type', 'url', 'contentType'] });
  const payloads: Record<string, fc.Arbitrary<unknown>> = {
    login: fc.record({ token: fc.string({ minLength: 1, maxLength: 40 }) }),
    get_chats_summary: fc.record({ offset: fc.nat(30), limit: fc.integer({ min: 1, max: 25 }) }, { requiredKeys: [] }),
    get_chat_threads: fc.record({ chat: id, threads: fc.uniqueArray(id, { minLength: 1, maxLength: 3 }) }),
    get_chat_threads_summary: fc.record({ chat: id, offset: fc.nat(5), limit: fc.integer({ min: 1, max: 1000 }) }, { requiredKeys: ['chat'] }),
    start_chat: fc.record({ events: fc.array(fc.oneof(message, file), { maxLength: 2 }), properties }, { requiredKeys: [] }),
    send_event: fc.record({ chat: id, event: fc.oneof(message, file) }),
    send_sneak_peek: fc.record({ chat: id, text: fc.string({ maxLength: 20 }) }),
    close_thread: fc.record({ chat: id }),
    update_chat_properties: fc.record({ chat: id, properties }),
    update_chat_thread_properties: fc.record({ chat: id, thread: id, properties }),
    update_customer: fc.record({ name: fc.string({ maxLength: 10 }), fields: objectOf(fc.string({ maxLength: 10 })) }, { requiredKeys: [] }),
    update_last_seen_timestamp: fc.record({ chat: id, timestamp: fc.nat() }, { requiredKeys: ['chat'] }),
  };
  const validish = fc.constantFrom(...ACTIONS).chain((action) =>
    fc.record({ requestId: fc.string({ minLength: 1, maxLength: 64 }), action: fc.constant(action), payload: payloads[action] ?? fc.constant({}) }),
  );
  const mutated = fc.tuple(validish, anyJson, fc.nat(), fc.boolean()).map(([frame, junk, n, top]) => {
    if (top) {
      const fields = ['requestId', 'action', 'payload', 'extra'];
      return { ...frame, [fields[n % fields.length] as string]: junk };
    }
    const payload = frame.payload as Record<string, unknown>;
    const keys = Object.keys(payload);
    return { ...frame, payload: keys.length === 0 ? junk : { ...payload, [keys[n % keys.length] as string]: junk } };
  });
  const randomShape = fc
    .record({ requestId, action: fc.oneof(fc.constantFrom(...ACTIONS), weirdKey, fc.string({ maxLength: 12 }), anyJson), payload: anyJson, extra: objectOf(anyJson, 2) }, { requiredKeys: [] })
    .map(({ extra, ...frame }) => ({ ...frame, ...(extra ?? {}) }));
  const deep = fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom('[', '{"a":'), fc.constantFrom(...ACTIONS)).map(([depth, open, action]) => {
    const close = open === '[' ? ']' : '}';
    const nested = `${open.repeat(depth)}${open === '[' ? '' : '1'}${close.repeat(depth)}`;
    return `{"requestId":"deep","action":"${action}","payload":{"chat":${JSON.stringify(chat)},"properties":{"ns":${nested}},"fields":${nested}}}`;
  });
  const huge = fc.tuple(fc.integer({ min: 1_000, max: 50_000 }), fc.constantFrom('requestId', 'action', 'text', 'token', 'chat')).map(([size, where]) => {
    const big = 'x'.repeat(size);
    if (where === 'requestId') return JSON.stringify({ requestId: big, action: 'login', payload: { token: 't' } });
    if (where === 'action') return JSON.stringify({ requestId: 'h', action: big, payload: {} });
    if (where === 'token') return JSON.stringify({ requestId: 'h', action: 'login', payload: { token: big } });
    if (where === 'chat') return JSON.stringify({ requestId: 'h', action: 'close_thread', payload: { chat: big } });
    return JSON.stringify({ requestId: 'h', action: 'send_event', payload: { chat, event: { type: 'message', text: big } } });
  });
  const pollution = fc.constantFrom(
    '{"__proto__":{"polluted":"top"},"requestId":"p1","action":"login","payload":{"token":"t"}}',
    `{"requestId":"p2","action":"update_chat_properties","payload":{"chat":${JSON.stringify(chat)},"properties":{"__proto__":{"polluted":"props"}}}}`,
    `{"requestId":"p3","action":"update_chat_properties","payload":{"chat":${JSON.stringify(chat)},"properties":{"constructor":{"prototype":"x"},"prototype":{"polluted":true}}}}`,
    `{"requestId":"p4","action":"update_chat_thread_properties","payload":{"chat":${JSON.stringify(chat)},"thread":${JSON.stringify(thread)},"properties":{"__proto__":{"polluted":1}}}}`,
    '{"requestId":"p5","action":"update_customer","payload":{"fields":{"__proto__":"polluted","constructor":"x"}}}',
    '{"requestId":"p6","action":"start_chat","payload":{"properties":{"__proto__":{"polluted":null}}}}',
    '{"requestId":"p7","action":"__proto__","payload":{"__proto__":{"polluted":1}}}',
    '{"requestId":"p8","action":"constructor","payload":{"constructor":{"prototype":{"polluted":1}}}}',
    '{"requestId":"p9","action":"get_chats_summary","payload":{"__proto__":{"limit":5}}}',
  );
  return fc
    .oneof(
      { arbitrary: fc.string({ maxLength: 200, unit: 'binary' }), weight: 2 },
      { arbitrary: fc.string({ maxLength: 60 }), weight: 1 },
      { arbitrary: anyJson.map((v) => JSON.stringify(v)), weight: 2 },
      { arbitrary: randomShape.map((v) => JSON.stringify(v)), weight: 3 },
      { arbitrary: validish.map((v) => JSON.stringify(v)), weight: 4 },
      { arbitrary: mutated.map((v) => JSON.stringify(v)), weight: 3 },
      { arbitrary: deep, weight: 1 },
      { arbitrary: huge, weight: 1 },
      { arbitrary: pollution, weight: 2 },
    )
    .map((text) => (text.length > MAX_FRAME_CHARS ? text.slice(0, MAX_FRAME_CHARS) : text));
}

/** The request id the server must echo: a string of 1 to 64 characters, own property of an object frame. */
function expectedRequestId(text: string): string | null {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame) || !Object.hasOwn(frame, 'requestId')) return null;
  const id = (frame as { requestId: unknown }).requestId;
  return typeof id === 'string' && id.length >= 1 && id.length <= 64 ? id : null;
}

/** A frame refused because its connection had too many waiting (answered at once, ahead of those it overtook). */
function refused(reply: Frame): boolean {
  return reply.success === false && reply.payload?.error?.type === 'pending_requests_limit_reached';
}

/** The same ids, counted: order aside. */
function sortedIds(ids: readonly (string | null)[]): string[] {
  return ids.map((id) => JSON.stringify(id)).sort();
}

/** Whether `part` is `whole` with some items left out, in the same order. */
function isSubsequence(part: readonly (string | null)[], whole: readonly (string | null)[]): boolean {
  let i = 0;
  for (const item of whole) if (i < part.length && part[i] === item) i++;
  return i === part.length;
}

function responsesSince(client: TestClient, since: number) {
  return client.frames.slice(since).filter((f) => f.type === 'response');
}

async function allAnswered(client: TestClient, since: number, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (responsesSince(client, since).length < count) {
    if (Date.now() > deadline) throw new Error(`only ${responsesSince(client, since).length} of ${count} frames were answered`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const prototypeKeys = () => ({
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
  func: Object.getOwnPropertyNames(Function.prototype).sort(),
});

describe('fuzz', () => {
  it(`answers ${RUNS * FRAMES_PER_RUN} random frames correctly and survives them`, { timeout: 60_000 }, async () => {
    const before = prototypeKeys();
    const anonymous = [await h.connect(), await h.connect()];
    const customer = await h.customer();
    const second = await h.connect();
    await second.login(customer.token);
    const { chat, thread } = await startChat(customer.client);
    const clients = [...anonymous, customer.client, second];
    let sent = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(frameArbitrary(chat, thread), fc.nat(clients.length - 1)), { minLength: FRAMES_PER_RUN, maxLength: FRAMES_PER_RUN }), async (batch) => {
        const marks = clients.map((c) => c.mark());
        const expected: (string | null)[][] = clients.map(() => []);
        for (const [text, target] of batch) {
          clients[target]?.socket.send(text);
          expected[target]?.push(expectedRequestId(text));
          sent++;
        }
        for (const [i, client] of clients.entries()) {
          await allAnswered(client, marks[i] ?? 0, expected[i]?.length ?? 0);
          const replies = responsesSince(client, marks[i] ?? 0);
          const ids = replies.map((r) => r.requestId ?? null);
          if (anonymous.includes(client)) {
            // Not logged in: one reply per frame, echoing the request id when there is a valid one;
            // those not refused for too many waiting in the order sent.
            expect(sortedIds(ids)).toEqual(sortedIds(expected[i] ?? []));
            expect(isSubsequence(replies.filter((r) => !refused(r)).map((r) => r.requestId ?? null), expected[i] ?? [])).toBe(true);
          } else {
            // One reply per frame, in the order sent, echoing the request id when there is a valid one.
            expect(ids).toEqual(expected[i]);
          }
          for (const reply of replies) if (reply.success === true) expect(ACTIONS).toContain(reply.action);
          expect(client.invalid).toEqual([]);
        }
        expect(h.server.violations).toEqual([]);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: RUNS },
    );

    expect(sent).toBeGreaterThanOrEqual(10_000);
    // No prototype was touched.
    expect(prototypeKeys()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);

    // Every connection still serves a valid request correctly.
    for (const client of anonymous) {
      const { token, customerId } = h.server.issueToken();
      expect((await client.login(token)).payload).toEqual({ customerId });
    }
    const page = await customer.client.call('get_chats_summary', { limit: 25 });
    const ids = h.server.store.chatIdsOf(customer.customerId);
    expect(page.totalChats).toBe(ids.length);
    expect(page.chatsSummary.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 25));
    expect((await second.call('get_chat_threads', { chat, threads: [thread] })).threads[0].id).toBe(thread);
    // And a new connection is served as usual.
    const fresh = await h.customer();
    expect(await fresh.client.call('get_chats_summary', {})).toEqual({ chatsSummary: [], totalChats: 0 });
  });
});
