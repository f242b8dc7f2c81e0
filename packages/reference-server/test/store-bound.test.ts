// The bound on what the chat store keeps (`maxStoredChatBytes`): every change is counted before it
// is made, a change past the bound is refused with service_unavailable and stores nothing (a chat
// with its events all or nothing), replaced values count only what they add, and sneak peeks give
// their bytes back when their thread closes. Over random sequences of changes too: a refused one
// leaves the store exactly as it was, and the count never goes past the bound nor below zero.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatStore, ProtocolError } from '../src/index.js';
import { OVERHEAD_BYTES } from '../src/chat-store.js';

const message = (text: string) => ({ type: 'message', text });

function store(maxBytes?: number): ChatStore {
  let id = 0;
  return new ChatStore({ now: () => 1_000, newId: () => `ID${++id}`, ...(maxBytes === undefined ? {} : { maxBytes }) });
}

/** Everything a client or agent can read of the store, to compare before and after a change. */
function snapshot(s: ChatStore): unknown {
  const chatIds = [...new Set(s.customers().flatMap((customer) => s.chatIdsOf(customer.id)))];
  return {
    customers: s.customers(),
    chats: chatIds.map((id) => ({ chat: s.chat(id), summary: s.chatSummary(id), threads: s.threads(id, s.chat(id).threads), sneakPeeks: s.sneakPeeks(id) })),
    storedBytes: s.storedBytes,
  };
}

function refusal(change: () => unknown): ProtocolError {
  try {
    change();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('the change was not refused');
}

describe('the store bound', () => {
  it('counts each record with its text, and refuses the change that would pass the bound, naming the figures', () => {
    const s = store(10_000);
    s.ensureCustomer('cust');
    expect(s.storedBytes).toBe(OVERHEAD_BYTES.customer + 2 * JSON.stringify('cust').length);
    const { chat } = s.startChat('cust', { events: [message('hello')] });
    const afterChat = s.storedBytes;
    expect(afterChat - OVERHEAD_BYTES.customer - 12).toBe(OVERHEAD_BYTES.chat + OVERHEAD_BYTES.thread + OVERHEAD_BYTES.event + 2 * JSON.stringify(message('hello')).length);
    const before = snapshot(s);
    const error = refusal(() => s.addEvent(chat.id, 'cust', message('x'.repeat(5_000))));
    expect(error.type).toBe('service_unavailable');
    expect(error.message).toBe(`the server stores no more chat content now: it keeps ${afterChat} of its 10000 bytes (maxStoredChatBytes) and this would take ${OVERHEAD_BYTES.event + 2 * JSON.stringify(message('x'.repeat(5_000))).length} more`);
    expect(snapshot(s)).toEqual(before);
    // A smaller change still fits.
    s.addEvent(chat.id, 'cust', message('short'));
    expect(s.chat(chat.id).threads).toHaveLength(1);
  });

  it('stores a chat with its events and properties all or nothing', () => {
    const s = store(5_000);
    s.ensureCustomer('cust');
    const before = snapshot(s);
    const events = [message('a'), message('b'), message('c'.repeat(1_000))];
    expect(refusal(() => s.startChat('cust', { events, properties: { p: { k: 'v' } } })).type).toBe('service_unavailable');
    expect(snapshot(s)).toEqual(before);
    expect(s.chatIdsOf('cust')).toEqual([]);
  });

  it('counts what a replaced value adds, not the whole value again: the same rating set a thousand times takes nothing more', () => {
    const s = store(20_000);
    const { chat } = s.startChat('cust');
    s.updateChatProperties(chat.id, { rating: { score: 5, comment: 'good' } });
    const once = s.storedBytes;
    for (let i = 0; i < 1_000; i++) s.updateChatProperties(chat.id, { rating: { score: 5, comment: 'good' } });
    expect(s.storedBytes).toBe(once);
    // A shorter value gives back the difference; a new name costs its entry.
    s.updateChatProperties(chat.id, { rating: { comment: 'ok' } });
    expect(s.storedBytes).toBe(once - 2 * ('"good"'.length - '"ok"'.length));
    s.updateChatProperties(chat.id, { rating: { extra: true } });
    expect(s.storedBytes).toBe(once - 4 + OVERHEAD_BYTES.entry + 2 * ('"extra"'.length + 'true'.length));
    const customer = s.storedBytes;
    s.updateCustomer('cust', { name: 'Ann', fields: { plan: 'pro' } });
    s.updateCustomer('cust', { name: 'Ann', fields: { plan: 'pro' } });
    expect(s.storedBytes).toBe(customer + 2 * '"Ann"'.length + OVERHEAD_BYTES.entry + 2 * ('"plan"'.length + '"pro"'.length));
  });

  it('gives back a sneak peek\'s bytes when its thread closes: typing in chats that close takes nothing for ever', () => {
    const s = store(200_000);
    const { chat } = s.startChat('cust');
    const base = s.storedBytes;
    for (let round = 0; round < 100; round++) {
      s.setSneakPeek(chat.id, 'cust', 'typing...');
      s.setSneakPeek(chat.id, 'cust', 'typing a longer text');
      s.closeThread(chat.id);
      s.startThread(chat.id, 'cust');
      // Each round keeps one more thread; the sneak peeks are gone with theirs.
      expect(s.storedBytes).toBe(base + (round + 1) * OVERHEAD_BYTES.thread);
    }
  });

  it('counts each kind of change exactly: a record its overhead and text, a replaced value the difference', () => {
    const s = store();
    const json = (value: unknown) => 2 * JSON.stringify(value).length;
    const cost = (change: () => unknown): number => {
      const before = s.storedBytes;
      change();
      return s.storedBytes - before;
    };
    expect(cost(() => s.ensureCustomer('cust'))).toBe(OVERHEAD_BYTES.customer + json('cust'));
    expect(cost(() => s.ensureCustomer('cust'))).toBe(0);
    expect(cost(() => s.updateCustomer('cust', { name: 'Ann' }))).toBe(json('Ann'));
    expect(cost(() => s.updateCustomer('cust', { name: 'Bo' }))).toBe(json('Bo') - json('Ann'));
    expect(cost(() => s.updateCustomer('cust', { email: 'a@b.example' }))).toBe(json('a@b.example'));
    expect(cost(() => s.updateCustomer('cust', { email: 'a@bb.example', name: 'Bob' }))).toBe(2 + 2);
    expect(cost(() => s.updateCustomer('cust', { fields: { plan: 'pro' } }))).toBe(OVERHEAD_BYTES.entry + json('plan') + json('pro'));
    const agent = { id: 'sam', type: 'agent', name: 'Sam', email: 'sam@example.com', avatar: 'https://example.com/sam.png' } as const;
    expect(cost(() => s.upsertAgent(agent))).toBe(OVERHEAD_BYTES.agent + json(agent));
    expect(cost(() => s.upsertAgent({ ...agent, name: 'Samuel' }))).toBe(json('Samuel') - json('Sam'));
    let chat = '';
    expect(cost(() => (chat = s.startChat('cust', { properties: { ns: { k: 'v' } } }).chat.id))).toBe(
      OVERHEAD_BYTES.chat + OVERHEAD_BYTES.thread + OVERHEAD_BYTES.entry + json('ns') + OVERHEAD_BYTES.entry + json('k') + json('v'),
    );
    expect(cost(() => s.updateChatProperties(chat, { other: {} }))).toBe(OVERHEAD_BYTES.entry + json('other'));
    expect(cost(() => s.addUser(chat, 'sam'))).toBe(OVERHEAD_BYTES.chatUser + json('sam'));
    expect(cost(() => s.addUser(chat, 'sam'))).toBe(0);
    expect(cost(() => s.closeThread(chat))).toBe(0);
    expect(cost(() => s.startThread(chat, 'cust', [message('again')]))).toBe(OVERHEAD_BYTES.thread + OVERHEAD_BYTES.event + json(message('again')));
    const thread = s.chat(chat).threads.at(-1)!;
    expect(cost(() => s.updateThreadProperties(chat, thread, { t: { a: 1 } }))).toBe(2 * OVERHEAD_BYTES.entry + json('t') + json('a') + json(1));
    expect(cost(() => s.setSneakPeek(chat, 'cust', 'hi'))).toBe(OVERHEAD_BYTES.sneakPeek + json('cust') + json('hi'));
    expect(cost(() => s.setSneakPeek(chat, 'cust', 'hello'))).toBe(json('hello') - json('hi'));
    expect(cost(() => s.closeThread(chat))).toBe(-(OVERHEAD_BYTES.sneakPeek + json('cust') + json('hello')));
  });

  it('takes a change that fills the bound exactly, and refuses one byte more', () => {
    const fill = store();
    fill.ensureCustomer('cust');
    const exact = fill.storedBytes;
    expect(() => store(exact).ensureCustomer('cust')).not.toThrow();
    expect(refusal(() => store(exact - 1).ensureCustomer('cust')).type).toBe('service_unavailable');
  });

  it('has no bound by default', () => {
    const s = store();
    const { chat } = s.startChat('cust');
    for (let i = 0; i < 100; i++) s.addEvent(chat.id, 'cust', message('x'.repeat(10_000)));
    expect(s.storedBytes).toBeGreaterThan(100 * 20_000);
  });
});

describe('the store bound over random sequences of changes', () => {
  type Change =
    | { kind: 'customer'; id: number }
    | { kind: 'customerUpdate'; name: string; field: string; value: string }
    | { kind: 'startChat'; texts: string[]; property: string }
    | { kind: 'event'; chat: number; text: string }
    | { kind: 'properties'; chat: number; namespace: string; name: string; value: string | number | null }
    | { kind: 'threadProperties'; chat: number; name: string; value: string }
    | { kind: 'user'; chat: number; user: number }
    | { kind: 'sneakPeek'; chat: number; text: string }
    | { kind: 'close'; chat: number }
    | { kind: 'startThread'; chat: number; texts: string[] }
    | { kind: 'agent'; id: number; name: string };

  const text = fc.string({ maxLength: 300 });
  const small = fc.nat({ max: 5 });
  const change: fc.Arbitrary<Change> = fc.oneof(
    fc.record({ kind: fc.constant('customer' as const), id: small }),
    fc.record({ kind: fc.constant('customerUpdate' as const), name: text, field: fc.constantFrom('a', 'b', 'c'), value: text }),
    { arbitrary: fc.record({ kind: fc.constant('startChat' as const), texts: fc.array(text, { maxLength: 4 }), property: text }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('event' as const), chat: small, text }), weight: 4 },
    fc.record({ kind: fc.constant('properties' as const), chat: small, namespace: fc.constantFrom('rating', 'page', '__proto__'), name: fc.constantFrom('a', 'b', 'constructor'), value: fc.oneof(text, fc.integer(), fc.constant(null)) }),
    fc.record({ kind: fc.constant('threadProperties' as const), chat: small, name: fc.constantFrom('x', 'y'), value: text }),
    fc.record({ kind: fc.constant('user' as const), chat: small, user: small }),
    fc.record({ kind: fc.constant('sneakPeek' as const), chat: small, text }),
    fc.record({ kind: fc.constant('close' as const), chat: small }),
    fc.record({ kind: fc.constant('startThread' as const), chat: small, texts: fc.array(text, { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('agent' as const), id: small, name: text }),
  );

  function apply(s: ChatStore, chats: string[], c: Change): void {
    const chat = (n: number) => chats[n % Math.max(chats.length, 1)] ?? 'none';
    switch (c.kind) {
      case 'customer':
        s.ensureCustomer(`customer-${c.id}`);
        return;
      case 'customerUpdate':
        s.updateCustomer('cust', { name: c.name, fields: { [c.field]: c.value } });
        return;
      case 'startChat':
        chats.push(s.startChat('cust', { events: c.texts.map(message), properties: { start: { p: c.property } } }).chat.id);
        return;
      case 'event':
        s.addEvent(chat(c.chat), 'cust', message(c.text));
        return;
      case 'properties':
        s.updateChatProperties(chat(c.chat), { [c.namespace]: { [c.name]: c.value } });
        return;
      case 'threadProperties': {
        const id = chat(c.chat);
        s.updateThreadProperties(id, s.chat(id).threads.at(-1)!, { ns: { [c.name]: c.value } });
        return;
      }
      case 'user':
        s.addUser(chat(c.chat), `user-${c.user}`);
        return;
      case 'sneakPeek':
        s.setSneakPeek(chat(c.chat), 'cust', c.text);
        return;
      case 'close':
        s.closeThread(chat(c.chat));
        return;
      case 'startThread':
        s.startThread(chat(c.chat), 'cust', c.texts.map(message));
        return;
      case 'agent':
        s.upsertAgent({ id: `agent-${c.id}`, type: 'agent', name: c.name, email: 'a@example.com', avatar: 'https://example.com/a.png' } as never);
        return;
    }
  }

  it('a refused change leaves the store as it was; the count stays within the bound and never goes below zero', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2_000, max: 20_000 }), fc.array(change, { maxLength: 60 }), (maxBytes, changes) => {
        const s = store(maxBytes);
        const chats: string[] = [];
        try {
          s.ensureCustomer('cust');
        } catch {
          return; // a bound too small for one customer: nothing else to check
        }
        for (const c of changes) {
          const before = snapshot(s);
          try {
            apply(s, chats, c);
          } catch (error) {
            if (!(error instanceof ProtocolError)) throw error;
            // Refused for any reason (not_found, chat_inactive, the bound): nothing changed.
            expect(snapshot(s)).toEqual(before);
          }
          expect(s.storedBytes).toBeGreaterThanOrEqual(0);
          expect(s.storedBytes).toBeLessThanOrEqual(maxBytes);
        }
      }),
      { numRuns: 300 },
    );
  });
});
