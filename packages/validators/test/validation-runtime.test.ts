// The glue of validate() (src/runtime/validation.ts) on a schema set of its own, where each rule can
// be seen alone: how the explainer's errors become issues (paths to the missing or extra property,
// escaped; expected constants named; `if` summaries and repeats left out), what a guard that throws
// or a walk that finds nothing turns into, and what ValidationError, assertValid and lookup say.
import { describe, expect, it } from 'vitest';
import type { SchemaSet } from '../src/runtime/explain.js';
import { assertValid, checkNothing, invalid, issuesOf, lookup, passes, ValidationError } from '../src/runtime/validation.js';

const set: SchemaSet = {
  definitions: {
    Thing: {
      type: 'object',
      required: ['id', 'a~/b'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', minLength: 1 },
        'a~/b': { type: 'integer' },
        kind: { enum: ['x', 'y'] },
        version: { const: 2 },
        tagged: { $ref: '#/definitions/Tagged' },
      },
    },
    // A union as the generated set writes it: an if/then on its tag.
    Tagged: { type: 'object', required: ['tag'], properties: { tag: { type: 'string' } }, if: { properties: { tag: { const: 'n' } } }, then: { required: ['n'], properties: { n: { type: 'number' } } } },
  },
  formats: {},
  guards: {},
};

describe('issuesOf', () => {
  it('points at the missing and the extra property, its name escaped', () => {
    expect(issuesOf(set, 'Thing', { 'c/d~': 1 })).toEqual([
      { path: '/id', keyword: 'required', message: "must have required property 'id'" },
      { path: '/a~0~1b', keyword: 'required', message: "must have required property 'a~/b'" },
      { path: '/c~1d~0', keyword: 'additionalProperties', message: 'must NOT have additional properties' },
    ]);
  });

  it('names the expected constant and values, JSON-quoted', () => {
    expect(issuesOf(set, 'Thing', { id: 'i', 'a~/b': 1, kind: 'z', version: '2' })).toEqual([
      { path: '/kind', keyword: 'enum', message: 'must be one of "x", "y"' },
      { path: '/version', keyword: 'const', message: 'must be equal to constant 2' },
    ]);
  });

  it("leaves out an `if` summary, keeping its branch's errors", () => {
    expect(issuesOf(set, 'Thing', { id: 'i', 'a~/b': 1, tagged: { tag: 'n', n: 'one' } })).toEqual([{ path: '/tagged/n', keyword: 'type', message: 'must be number' }]);
    expect(issuesOf(set, 'Tagged', { tag: 'n' })).toEqual([{ path: '/n', keyword: 'required', message: "must have required property 'n'" }]);
  });

  it('says an issue found twice once', () => {
    const twice: SchemaSet = { definitions: { Twice: { type: 'object', required: ['a'], properties: { a: { type: 'string' } }, if: { type: 'object' }, then: { required: ['a'] } } }, formats: {}, guards: {} };
    expect(issuesOf(twice, 'Twice', {})).toEqual([{ path: '/a', keyword: 'required', message: "must have required property 'a'" }]);
    // Same path and keyword, other messages: both stay (the `then` branch's first, in ajv's order).
    const both: SchemaSet = { definitions: { Both: { type: 'string', minLength: 3, if: { type: 'string' }, then: { minLength: 2 } } }, formats: {}, guards: {} };
    expect(issuesOf(both, 'Both', 'a').map((i) => i.message)).toEqual(['must NOT have fewer than 2 characters', 'must NOT have fewer than 3 characters']);
  });

  it('none for a valid value; a value the walk cannot take apart says so, without throwing', () => {
    expect(issuesOf(set, 'Thing', { id: 'i', 'a~/b': 1 })).toEqual([]);
    const getter = Object.defineProperty({ 'a~/b': 1 }, 'id', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(issuesOf(set, 'Thing', getter)).toEqual([{ path: '', keyword: 'type', message: 'cannot be checked: boom' }]);
  });
});

describe('invalid', () => {
  it('carries the issues of the value', () => {
    const value = { id: '', 'a~/b': 1 };
    expect(invalid(issuesOf(set, 'Thing', value), value)).toEqual({ ok: false, errors: [{ path: '/id', keyword: 'minLength', message: 'must NOT have fewer than 1 characters' }] });
  });

  it('never answers "invalid" with no reason, even where the walk finds none', () => {
    const value = { id: 'i', 'a~/b': 1 };
    expect(invalid(issuesOf(set, 'Thing', value), value)).toEqual({ ok: false, errors: [{ path: '', keyword: 'type', message: 'does not match the schema' }] });
  });
});

describe('passes', () => {
  const isString = (data: unknown): data is string => typeof data === 'string';
  it("is the guard's verdict, and false where the guard throws", () => {
    expect(passes(isString, 'a')).toBe(true);
    expect(passes(isString, 1)).toBe(false);
    const throwing = (data: unknown): data is string => {
      throw new Error(`cannot read ${String(data)}`);
    };
    expect(passes(throwing, 'a')).toBe(false);
  });
});

describe('checkNothing', () => {
  it('takes undefined and null only', () => {
    expect(checkNothing(undefined)).toEqual({ ok: true, value: undefined });
    expect(checkNothing(null)).toEqual({ ok: true, value: undefined });
    for (const data of [0, '', false, {}, []]) expect(checkNothing(data)).toEqual({ ok: false, errors: [{ path: '', message: 'must carry no payload', keyword: 'type' }] });
  });
});

describe('ValidationError and assertValid', () => {
  it('lists each problem once, the root named', () => {
    const errors = [
      { path: '', message: 'must be object', keyword: 'type' },
      { path: '/a', message: 'must be string', keyword: 'type' },
      { path: '/a', message: 'must be string', keyword: 'type' },
    ];
    const error = new ValidationError('thing', errors);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('invalid thing: (root) must be object; /a must be string');
    expect(error.messageName).toBe('thing');
    expect(error.errors).toBe(errors);
  });

  it('assertValid throws for a failed result only', () => {
    expect(() => assertValid('thing', { ok: true, value: 1 })).not.toThrow();
    const failed = { ok: false as const, errors: [{ path: '/id', message: 'must be string', keyword: 'type' }] };
    expect(() => assertValid('thing', failed)).toThrow(new ValidationError('thing', failed.errors));
    expect(() => assertValid('thing', failed)).toThrow('invalid thing: /id must be string');
  });
});

describe('lookup', () => {
  const table = { start_chat: 1, send_event: 2 };
  it('finds own names only', () => {
    expect(lookup(table, 'send_event', 'message')).toBe(2);
    for (const name of ['toString', '__proto__', 'constructor', 'nope']) {
      expect(() => lookup(table, name as keyof typeof table, 'message')).toThrow(new TypeError(`unknown message "${name}"; known: start_chat, send_event`));
    }
  });

  it('refuses a name that is not a string, saying what it was', () => {
    expect(() => lookup(table, Symbol('start_chat') as unknown as keyof typeof table, 'frame')).toThrow('unknown frame "Symbol(start_chat)"; known: start_chat, send_event');
    expect(() => lookup(table, 1 as unknown as keyof typeof table, 'frame')).toThrow(TypeError);
  });
});
