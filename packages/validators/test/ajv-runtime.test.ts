// The runtime's ESM copies of ajv's two helpers (src/runtime/ajv-runtime.ts) against ajv's own, on
// generated inputs: the code-point count on strings full of lone and paired surrogates, and the deep
// equality on JSON values and on what JSON cannot hold (Date, RegExp, boxed values, class
// instances, NaN, -0, sparse arrays). Where ajv's equality throws, the copy must throw too.
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equal, ucs2length } from '../src/runtime/ajv-runtime.js';

const require = createRequire(import.meta.url);
const ajvUcs2length = (require('ajv/dist/runtime/ucs2length') as { default: (s: string) => number }).default;
const ajvEqual = (require('ajv/dist/runtime/equal') as { default: (a: unknown, b: unknown) => boolean }).default;

/** Strings made of surrogate halves, BMP and astral characters, so every pairing case comes up. */
const surrogateHeavy = fc
  .array(fc.oneof(fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D\uDE00', 'a', '\u00e9', '\uFFFF'), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 12 })
  .map((parts) => parts.join(''));

class Thing {
  constructor(readonly id: unknown) {}
}

/** Values ajv's equality meets: JSON, and what JSON cannot hold. */
const leaf = fc.oneof(
  fc.jsonValue({ maxDepth: 1 }),
  fc.constantFrom(NaN, -0, 0, Infinity, null, undefined, '', 'x'),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(/a/g, /a/i, /b/g, new Number(1), new String('x'), new Boolean(false)),
  fc.integer({ min: 0, max: 2 }).map((id) => new Thing(id)),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'valueOf', 'toString', '__proto__'), tie('node'), { maxKeys: 3 })),
})).node;

/** ajv's verdict, or 'throws'. */
function outcome(f: (a: unknown, b: unknown) => boolean, a: unknown, b: unknown): boolean | 'throws' {
  try {
    return f(a, b);
  } catch {
    return 'throws';
  }
}

describe("the runtime's copies of ajv's helpers", () => {
  it('ucs2length counts code points as ajv does, on every pairing of surrogates', () => {
    fc.assert(fc.property(surrogateHeavy, (s) => {
      expect(ucs2length(s)).toBe(ajvUcs2length(s));
    }), { numRuns: 5000 });
    // The cases by hand: a pair is one, a lone half is one, a half at the end is one.
    expect([ucs2length('\uD83D\uDE00'), ucs2length('\uD83D'), ucs2length('a\uD83D'), ucs2length('\uDE00\uD83D'), ucs2length('\uD83D\uD83D\uDE00')]).toEqual([1, 1, 2, 2, 2]);
  });

  it('equal gives ajv’s verdict on pairs of values, and on a value and its copy', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(outcome(equal, a, b)).toBe(outcome(ajvEqual, a, b));
        const copy = structuredCloneOrSelf(a);
        expect(outcome(equal, a, copy)).toBe(outcome(ajvEqual, a, copy));
      }),
      { numRuns: 5000 },
    );
  });

  it('equal tells apart what ajv tells apart, case by case', () => {
    const cases: Array<[unknown, unknown]> = [
      [[1, 2], [1, 2]],
      [[1, 2], [2, 1]],
      [[1], [1, 1]],
      [{ a: 1, b: 2 }, { b: 2, a: 1 }],
      [{ a: 1 }, { a: 1, b: undefined }],
      [{ a: 1, c: 1 }, { a: 1, b: 1 }],
      [/a/g, /a/g],
      [/a/g, /a/i],
      [/a/g, /b/g],
      [new Date(1), new Date(1)],
      [new Date(1), new Date(2)],
      [new String('x'), new String('x')],
      [{ toString: () => 'x' }, { toString: () => 'x' }],
      [new Thing(1), new Thing(1)],
      [new Thing(1), { id: 1 }],
      [NaN, NaN],
      [NaN, 0],
      [[NaN], [NaN]],
      [null, {}],
      [[], {}],
    ];
    for (const [a, b] of cases) expect(outcome(equal, a, b), `${String(a)} vs ${String(b)}`).toBe(outcome(ajvEqual, a, b));
  });
});

/** A structural copy where the value allows one (same verdicts expected), else the value itself. */
function structuredCloneOrSelf(v: unknown): unknown {
  try {
    return structuredClone(v);
  } catch {
    return v;
  }
}
