// The introduction rule's parts: where the generated table says responses name users, reading
// values at those patterns, and finding a response that names a user before their introduction.
import { describe, expect, it } from 'vitest';
import type { ReceivedFrame } from '../src/connection.js';
import { checkServerFrame, protocol } from '../src/index.js';
import { firstUnintroduced, introducedUser, valuesAt } from '../src/introductions.js';

const received = (frame: Record<string, unknown>): ReceivedFrame => ({ frame, verdict: checkServerFrame(frame, () => 'get_chats_summary') });
const introduce = (id: string) => received({ action: 'user_data', type: 'push', payload: { id, type: 'agent' } });
const summary = (users: string[], requestId = 'r1') =>
  received({ requestId, action: 'get_chats_summary', type: 'response', success: true, payload: { chatsSummary: [{ id: 'C1', users, lastEventsPerType: {} }], totalChats: 1 } });

describe('the table, from the spec', () => {
  it('says whom the introduction push introduces, and where responses name users (chat members, event authors)', () => {
    expect(protocol.introduction).toEqual({ push: 'user_data', user: '/id' });
    const patterns = (action: string) => protocol.requests.find((r) => r.action === action)!.userIds;
    expect(patterns('login')).toEqual(['/customerId']);
    expect(patterns('get_chats_summary')).toEqual(['/chatsSummary/*/users/*', '/chatsSummary/*/lastEvent/author', '/chatsSummary/*/lastEventsPerType/*/author']);
    expect(patterns('get_chat_threads')).toEqual(['/threads/*/users/*', '/threads/*/events/*/author']);
    expect(patterns('send_sneak_peek')).toEqual([]);
  });
});

describe('valuesAt', () => {
  const value = { a: [{ b: 'x' }, { b: 'y' }, { c: 'z' }], 'm/n': { k1: { b: 'p' }, k2: { b: 'q' } } };
  it('reads every array item and every member of an object at a *, with each pointer', () => {
    expect(valuesAt(value, '/a/*/b')).toEqual([{ pointer: '/a/0/b', value: 'x' }, { pointer: '/a/1/b', value: 'y' }]);
    expect(valuesAt(value, '/m~1n/*/b')).toEqual([{ pointer: '/m~1n/k1/b', value: 'p' }, { pointer: '/m~1n/k2/b', value: 'q' }]);
  });
  it('finds nothing where the pattern leads nowhere, or through an inherited key', () => {
    expect(valuesAt(value, '/a/*/d')).toEqual([]);
    expect(valuesAt('text', '/a')).toEqual([]);
    expect(valuesAt({}, '/constructor')).toEqual([]);
    expect(valuesAt(value, '')).toEqual([{ pointer: '', value }]);
  });
});

describe('firstUnintroduced', () => {
  it('finds a response naming a known user before their introduction on the connection, with the pointer', () => {
    const frames = [summary(['c1', 'a1']), introduce('a1')];
    expect(firstUnintroduced(frames, new Set(['a1']))).toEqual({ entry: frames[0], user: 'a1', pointer: '/payload/chatsSummary/0/users/1' });
  });
  it('passes a response after the introduction, and names no one has been introduced to (a system author)', () => {
    expect(firstUnintroduced([introduce('a1'), summary(['c1', 'a1'])], new Set(['a1']))).toBeUndefined();
    expect(firstUnintroduced([summary(['system'])], new Set(['a1']))).toBeUndefined();
  });
  it('leaves broken frames to the check of what breaks the spec', () => {
    const broken = summary([42 as unknown as string, 'a1']);
    expect(broken.verdict.issues.length).toBeGreaterThan(0);
    expect(firstUnintroduced([broken], new Set(['a1']))).toBeUndefined();
    expect(introducedUser(received({ action: 'user_data', type: 'push', payload: { id: 42 } }))).toBeUndefined();
    expect(introducedUser(introduce('a1'))).toBe('a1');
  });
});
