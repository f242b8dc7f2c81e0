import { describe, expect, it } from 'vitest';
import { appendPointer, escapePointerSegment, formatPointer, getAtPointer, parsePointer, unescapePointerSegment } from '../src/json-pointer.js';

describe('JSON pointers (RFC 6901)', () => {
  it('escapes ~ before /, and unescapes ~1 before ~0', () => {
    expect(escapePointerSegment('a/b~c')).toBe('a~1b~0c');
    expect(escapePointerSegment(0)).toBe('0');
    expect(unescapePointerSegment('a~1b~0c')).toBe('a/b~c');
    // `~01` is an escaped `~` followed by `1`, not an escaped `/`.
    expect(unescapePointerSegment('~01')).toBe('~1');
    expect(escapePointerSegment('~1')).toBe('~01');
  });

  it('formats and parses paths, the whole document being the empty pointer', () => {
    expect(formatPointer(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0');
    expect(formatPointer([])).toBe('');
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/a~1b/c~0d/0')).toEqual(['a/b', 'c~d', '0']);
    expect(parsePointer('/')).toEqual(['']);
    for (const path of [['components', 'schemas', 'Event'], ['x', '', '~', '/', '~1', 'é']]) expect(parsePointer(formatPointer(path))).toEqual(path);
  });

  it('reads the URI fragment form of a $ref', () => {
    expect(parsePointer('#/definitions/Event')).toEqual(['definitions', 'Event']);
    expect(parsePointer('#/a%20b/c~1d')).toEqual(['a b', 'c/d']);
    expect(parsePointer('#')).toEqual([]);
  });

  it('rejects what is not a pointer', () => {
    expect(() => parsePointer('components/schemas')).toThrow(/not a JSON pointer/);
  });

  it('appends escaped segments to a pointer', () => {
    expect(appendPointer('/components/schemas', 'Event', 'properties', 'a/b')).toBe('/components/schemas/Event/properties/a~1b');
    expect(appendPointer('', 'oneOf', 2)).toBe('/oneOf/2');
  });

  it('gets the value at a pointer or path, own properties only', () => {
    const document = { a: { 'b/c': [10, { d: null }] }, '': 'empty key' };
    expect(getAtPointer(document, '')).toBe(document);
    expect(getAtPointer(document, '/a/b~1c/0')).toBe(10);
    expect(getAtPointer(document, '/a/b~1c/1/d')).toBeNull();
    expect(getAtPointer(document, ['a', 'b/c', 1])).toEqual({ d: null });
    expect(getAtPointer(document, '/')).toBe('empty key');
    expect(getAtPointer(document, '/a/missing/deeper')).toBeUndefined();
    expect(getAtPointer(document, '/a/b~1c/0/length')).toBeUndefined();
    expect(getAtPointer(document, '/__proto__')).toBeUndefined();
    expect(getAtPointer(document, '/a/toString')).toBeUndefined();
  });
});
