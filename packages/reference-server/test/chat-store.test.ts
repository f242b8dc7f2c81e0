// The in-memory store on its own: ids, ordering, merges, timestamps, and keys that must stay data.
import { describe, expect, it } from 'vitest';
import { ChatStore, ProtocolError } from '../src/index.js';

function store(start = 1_000) {
  let clock = start;
  let id = 0;
  const s = new ChatStore({ now: () => clock, newId: () => `ID${++id}` });
  return { s, tick: (ms = 1) => (clock += ms), setClock: (ms: number) => (clock = ms) };
}

const message = (text: string, customId?: string) => ({ type: 'message', text, ...(customId === undefined ? {} : { customId }) });

describe('ChatStore', () => {
  it('numbers events per chat as <chat>_<n> and stamps them, never going back in time', () => {
    const { s, setClock } = store(5_000);
    const { chat, thread } = s.startChat('cust', { events: [message('a', 'c1')] });
    setClock(4_000); // the clock goes back
    const second = s.addEvent(chat.id, 'cust', message('b'));
    expect(thread.events[0]).toEqual({ id: 'ID1_1', type: 'message', chat: 'ID1', thread: 'ID2', author: 'cust', timestamp: 5_000, text: 'a', customId: 'c1' });
    expect(second).toMatchObject({ id: 'ID1_2', timestamp: 5_000 });
  });

  it('lets server fields win over the draft', () => {
    const { s } = store();
    const { chat } = s.startChat('cust');
    const event = s.addEvent(chat.id, 'cust', { type: 'message', text: 'x', id: 'mine', author: 'someone', timestamp: 1 } as never);
    expect(event).toMatchObject({ id: `${chat.id}_1`, author: 'cust', timestamp: 1_000 });
  });

  it('orders a user’s chats by latest activity', () => {
    const { s } = store();
    const a = s.startChat('cust').chat.id;
    const b = s.startChat('cust').chat.id;
    expect(s.chatIdsOf('cust')).toEqual([b, a]);
    s.addEvent(a, 'cust', message('bump'));
    expect(s.chatIdsOf('cust')).toEqual([a, b]);
    expect(s.chatIdsOf('nobody')).toEqual([]);
  });

  it('keeps the later last seen timestamp', () => {
    const { s, tick } = store();
    const { chat } = s.startChat('cust');
    expect(s.markSeen(chat.id, 'cust', 50)).toEqual({ timestamp: 50, changed: true });
    expect(s.markSeen(chat.id, 'cust', 40)).toEqual({ timestamp: 50, changed: false });
    expect(s.markSeen(chat.id, 'cust', 50)).toEqual({ timestamp: 50, changed: false });
    tick();
    expect(s.markSeen(chat.id, 'cust')).toEqual({ timestamp: 1_001, changed: true });
    expect(s.chatSummary(chat.id).lastSeenTimestamps).toEqual({ cust: 1_001 });
    expect(() => s.markSeen(chat.id, 'stranger', 1)).toThrow(ProtocolError);
  });

  it('merges properties by namespace', () => {
    const { s } = store();
    const { chat, thread } = s.startChat('cust', { properties: { a: { x: 1, y: 'keep' } } });
    s.updateChatProperties(chat.id, { a: { x: 2 }, b: { z: null } });
    s.updateThreadProperties(chat.id, thread.id, { t: { on: true } });
    expect(s.chat(chat.id).properties).toEqual({ a: { x: 2, y: 'keep' }, b: { z: null } });
    expect(s.thread(thread.id).properties).toEqual({ t: { on: true } });
  });

  it('keeps client-chosen keys such as __proto__ as data', () => {
    const { s } = store();
    const properties = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":1}}');
    const { chat, thread } = s.startChat('cust', { properties });
    s.updateThreadProperties(chat.id, thread.id, properties);
    s.updateCustomer('cust', { fields: JSON.parse('{"__proto__":"x","toString":"y"}') });
    s.addEvent(chat.id, 'cust', JSON.parse('{"type":"__proto__","text":"x"}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(s.chat(chat.id).properties)).toBe(Object.prototype);
    expect(Object.keys(s.chat(chat.id).properties)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(s.customer('cust').fields)).toBe('{"__proto__":"x","toString":"y"}');
    expect(Object.keys(s.chatSummary(chat.id).lastEventsPerType)).toEqual(['__proto__']);
  });

  it('tracks active threads: close, chat_inactive, a new thread', () => {
    const { s } = store();
    const { chat, thread } = s.startChat('cust');
    expect(s.closeThread(chat.id)).toBe(thread.id);
    expect(() => s.closeThread(chat.id)).toThrow(expect.objectContaining({ type: 'chat_inactive' }));
    expect(() => s.addEvent(chat.id, 'cust', message('x'))).toThrow(expect.objectContaining({ type: 'chat_inactive' }));
    const next = s.startThread(chat.id, 'agent', [message('hi')]);
    expect(next).toMatchObject({ order: 2, active: true, users: ['cust'] });
    expect(() => s.startThread(chat.id, 'agent')).toThrow(ProtocolError);
    expect(s.threadsSummary(chat.id, 0, 25)).toEqual({
      threadsSummary: [
        { id: next.id, chat: chat.id, order: 2, totalEvents: 1 },
        { id: thread.id, chat: chat.id, order: 1, totalEvents: 0 },
      ],
      totalThreads: 2,
    });
  });

  it('adds and removes users; a joining user enters the active thread', () => {
    const { s } = store();
    const { chat, thread } = s.startChat('cust');
    expect(s.addUser(chat.id, 'agent')).toBe(true);
    expect(s.addUser(chat.id, 'agent')).toBe(false);
    expect(s.thread(thread.id).users).toEqual(['cust', 'agent']);
    expect(s.chatIdsOf('agent')).toEqual([chat.id]);
    expect(s.removeUser(chat.id, 'agent')).toBe(true);
    expect(s.removeUser(chat.id, 'agent')).toBe(false);
    expect(s.chatUsers(chat.id)).toEqual(['cust']);
    expect(s.chatIdsOf('agent')).toEqual([]);
  });

  it('answers not_found for unknown chats and threads, and for threads of another chat', () => {
    const { s } = store();
    const a = s.startChat('cust');
    const b = s.startChat('cust');
    expect(() => s.chat('nope')).toThrow(expect.objectContaining({ type: 'not_found' }));
    expect(() => s.threads(a.chat.id, [b.thread.id])).toThrow(expect.objectContaining({ type: 'not_found' }));
    expect(() => s.updateThreadProperties(a.chat.id, 'nope', {})).toThrow(expect.objectContaining({ type: 'not_found' }));
  });

  it('keeps customers and agents apart', () => {
    const { s } = store();
    s.ensureCustomer('jane');
    s.upsertAgent({ id: 'sam', type: 'agent', name: 'Sam', email: 'sam@example.com', avatar: '' });
    expect(() => s.ensureCustomer('sam')).toThrow(ProtocolError);
    expect(() => s.upsertAgent({ id: 'jane', type: 'agent', name: 'J', email: 'j@example.com', avatar: '' })).toThrow(ProtocolError);
    expect(s.user('sam')?.type).toBe('agent');
    expect(s.user('jane')?.type).toBe('customer');
    expect(s.user('system')).toBeUndefined();
    expect(s.ensureCustomer().id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('returns copies: changing a result does not change the store', () => {
    const { s } = store();
    const { chat } = s.startChat('cust', { properties: { a: { x: 1 } } });
    const view = s.chat(chat.id);
    view.users.push({ id: 'intruder', lastSeenTimestamp: null });
    (view.properties.a as Record<string, unknown>).x = 2;
    expect(s.chat(chat.id)).toEqual({ id: chat.id, users: [{ id: 'cust', lastSeenTimestamp: null }], threads: chat.threads, properties: { a: { x: 1 } } });
  });
});

// Pinned by mutation testing (bench/mutation.md): each assertion fails under a change Stryker made
// to src/chat-store.ts that the tests above let through.
describe('ChatStore details', () => {
  const errorOf = (fn: () => unknown): { type: string; message: string } => {
    try {
      fn();
    } catch (error) {
      return error as ProtocolError;
    }
    throw new Error('did not throw');
  };

  it('makes ids of 10 upper-case letters and digits by default', () => {
    const { chat, thread } = new ChatStore().startChat('cust');
    expect(chat.id).toMatch(/^[A-Z0-9]{10}$/);
    expect(thread.id).toMatch(/^[A-Z0-9]{10}$/);
  });

  it('skips ids already taken by a chat or by a thread, and gives up after 1000 tries', () => {
    const ids = ['X', 'Y', 'X', 'Y', 'Z', 'Y', 'W'];
    const s = new ChatStore({ newId: () => ids.shift() ?? 'X' });
    const first = s.startChat('cust');
    const second = s.startChat('cust');
    expect([first.chat.id, first.thread.id, second.chat.id, second.thread.id]).toEqual(['X', 'Y', 'Z', 'W']);
    let calls = 0;
    const stuck = new ChatStore({ newId: () => (calls++, 'SAME') });
    // The chat takes SAME; its thread then tries 1000 times.
    expect(() => stuck.startChat('cust')).toThrow(/keeps returning ids already in use/);
    expect(calls).toBe(1 + 1000);
  });

  it('leaves out the name, email and lastEvent it does not have, and keeps them on a partial update', () => {
    const { s } = store();
    expect(Object.keys(s.ensureCustomer('cust'))).toEqual(['id', 'type', 'fields']);
    s.updateCustomer('cust', { name: 'Jane', email: 'jane@example.com' });
    expect(s.updateCustomer('cust', { fields: { plan: 'pro' } })).toStrictEqual({ id: 'cust', type: 'customer', name: 'Jane', email: 'jane@example.com', fields: { plan: 'pro' } });
    const { chat } = s.startChat('cust');
    expect(Object.keys(s.chatSummary(chat.id))).not.toContain('lastEvent');
  });

  it('answers not_found, naming the id, for an unknown customer or thread', () => {
    const { s } = store();
    expect(errorOf(() => s.customer('ghost'))).toMatchObject({ type: 'not_found', message: 'no customer "ghost"' });
    expect(errorOf(() => s.updateCustomer('ghost', { name: 'x' }))).toMatchObject({ type: 'not_found', message: 'no customer "ghost"' });
    expect(errorOf(() => s.thread('nope'))).toMatchObject({ type: 'not_found', message: 'no thread nope' });
    expect(errorOf(() => s.threadSummary('nope'))).toMatchObject({ type: 'not_found', message: 'no thread nope' });
    expect(errorOf(() => s.chat('nope'))).toMatchObject({ type: 'not_found', message: 'no chat nope' });
    const { chat } = s.startChat('cust');
    expect(errorOf(() => s.threads(chat.id, ['T']))).toMatchObject({ type: 'not_found', message: `chat ${chat.id} has no thread T` });
  });

  it('explains the other errors in their messages', () => {
    const { s } = store();
    s.upsertAgent({ id: 'sam', type: 'agent', name: 'Sam', email: 'sam@example.com', avatar: '' });
    expect(errorOf(() => s.ensureCustomer('sam')).message).toBe(`"sam" is an agent's id, not a customer's`);
    s.ensureCustomer('jane');
    expect(errorOf(() => s.upsertAgent({ id: 'jane', type: 'agent', name: 'J', email: 'j@example.com', avatar: '' })).message).toBe(`"jane" is a customer's id, not an agent's`);
    const { chat } = s.startChat('jane');
    expect(errorOf(() => s.markSeen(chat.id, 'stranger', 1))).toMatchObject({ type: 'authorization', message: `"stranger" is not a user of chat ${chat.id}` });
    expect(errorOf(() => s.startThread(chat.id, 'sam')).message).toMatch(/already has an active thread/);
    s.closeThread(chat.id);
    expect(errorOf(() => s.closeThread(chat.id)).message).toMatch(/has no active thread to close/);
    expect(errorOf(() => s.requireActiveThread(chat.id)).message).toMatch(/has no active thread; start a new chat or thread first/);
  });

  it('tells a new agent, a changed one and an unchanged one apart', () => {
    const { s } = store();
    const sam = { id: 'sam', type: 'agent' as const, name: 'Sam', email: 'sam@example.com', avatar: 'https://cdn.example.com/a.png' };
    expect(s.upsertAgent(sam)).toEqual({ agent: sam, created: true, changed: true });
    expect(s.upsertAgent(sam)).toEqual({ agent: sam, created: false, changed: false });
    expect(s.upsertAgent({ ...sam, email: 'sam@example.org' })).toMatchObject({ created: false, changed: true });
    expect(s.upsertAgent({ ...sam, email: 'sam@example.org', avatar: 'https://cdn.example.com/b.png' })).toMatchObject({ created: false, changed: true });
  });

  it('isChatUser is false for an unknown chat; a user joins a chat without an active thread, and enters a thread once', () => {
    const { s } = store();
    expect(s.isChatUser('nope', 'cust')).toBe(false);
    const { chat, thread } = s.startChat('cust');
    s.addUser(chat.id, 'agent');
    s.removeUser(chat.id, 'agent');
    s.addUser(chat.id, 'agent');
    expect(s.thread(thread.id).users).toEqual(['cust', 'agent']);
    s.closeThread(chat.id);
    expect(s.addUser(chat.id, 'other')).toBe(true);
    expect(s.thread(thread.id).users).toEqual(['cust', 'agent']);
    expect(s.startThread(chat.id, 'agent').events).toEqual([]);
  });

  it('takes a first last seen timestamp of 0', () => {
    const { s } = store();
    const { chat } = s.startChat('cust');
    expect(s.markSeen(chat.id, 'cust', 0)).toEqual({ timestamp: 0, changed: true });
  });
});
