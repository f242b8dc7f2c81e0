// The runtime's small shared pieces: JSON pointers (RFC 6901) into payloads, own-key lookups, and
// the texts of errors and validation issues.
import { describe, expect, it } from 'vitest';
import { describe as describeError, own, summarize } from '../../src/runtime/helpers.js';
import { readPointer } from '../../src/runtime/json-pointer.js';

describe('readPointer', () => {
  const document = { reason: 'inactivity_timeout', 'a/b': { 'c~d': 1 }, list: [10, 20, { x: null }], '': 'empty key', nested: { deep: { value: false } } };

  it.each([
    ['', document],
    ['/reason', 'inactivity_timeout'],
    ['/a~1b/c~0d', 1],
    ['/list/0', 10],
    ['/list/2/x', null],
    ['/', 'empty key'],
    ['/nested/deep/value', false],
  ])('%j designates its value', (pointer, expected) => {
    expect(readPointer(document, pointer)).toEqual(expected);
  });

  it.each([
    ['reason', 'no leading slash'],
    ['x', 'no leading slash, though its rest would name the empty key'],
    ['/missing', 'an absent key'],
    ['/list/3', 'past the end'],
    ['/list/01', 'a leading zero'],
    ['/list/-1', 'a negative index'],
    ['/list/x', 'a word as an index'],
    ['/reason/length', 'inside a string'],
    ['/list/2/x/y', 'inside null'],
    ['/constructor', 'an inherited property'],
    ['/__proto__', 'the prototype'],
    ['/list/length', 'an array property'],
  ])('%j designates nothing (%s)', (pointer) => {
    expect(readPointer(document, pointer)).toBeUndefined();
  });

  it('reads indexes of one, two and three digits', () => {
    const long = Array.from({ length: 120 }, (_, i) => i * 10);
    expect([readPointer(long, '/5'), readPointer(long, '/11'), readPointer(long, '/119')]).toEqual([50, 110, 1190]);
    expect(readPointer(long, '/0')).toBe(0);
    expect(readPointer(long, '/007')).toBeUndefined();
  });

  it('decodes ~1 before ~0, as RFC 6901 says (~01 is "~1", not "/")', () => {
    expect(readPointer({ '~1': 'tilde-one', '/': 'slash' }, '/~01')).toBe('tilde-one');
  });
});

describe('own', () => {
  const table = { login: 1, toString: 2 };
  it('finds own keys only', () => {
    expect(own(table, 'login')).toBe(1);
    expect(own(table, 'toString')).toBe(2);
    expect(own({ a: 1 }, 'toString')).toBeUndefined();
    expect(own({ a: 1 }, 'constructor')).toBeUndefined();
    expect(own({ a: 1 }, '__proto__')).toBeUndefined();
  });
});

describe('error and issue texts', () => {
  it('describe gives an error its message and anything else its string', () => {
    expect(describeError(new TypeError('bad input'))).toBe('bad input');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(42)).toBe('42');
    expect(describeError(undefined)).toBe('undefined');
  });

  it('summarize joins issues as "<pointer> <message>", the root as (root)', () => {
    expect(summarize([])).toBe('');
    expect(
      summarize([
        { path: '', message: 'must be object', keyword: 'type' },
        { path: '/chat', message: 'must be string', keyword: 'type' },
      ]),
    ).toBe('(root) must be object; /chat must be string');
  });
});
