// uniqueItems in the explainer: items that JSON.parse could give are told apart in one pass (so a
// 64 KB frame of distinct strings costs a pass, not n² comparisons), and the pair it reports is
// ajv's, whatever the items: strings, numbers (0 and -0), objects with their keys in any order,
// nested arrays, an own `valueOf` key (which ajv's equality calls), a cycle.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schemaSet } from '../src/gen/schema-set.js';
import { explain } from '../src/runtime/explain.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, ownProperties: true });
// ajv-formats is CommonJS: under NodeNext types its function may sit on `default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => void;
addFormats(ajv);
ajv.addSchema({ $id: 'urn:customer-chat:unique-items', definitions: schemaSet().definitions });
// `threads`: uniqueItems over items that are a $ref with no type of their own (the pairwise case).
const DEFINITION = 'GetChatThreadsArguments';
const reference = ajv.getSchema(`urn:customer-chat:unique-items#/definitions/${DEFINITION}`)!;

function ajvErrors(value: unknown) {
  reference(value);
  return (reference.errors ?? []).map(({ instancePath, keyword, message, params }) => ({ instancePath, keyword, message, params }));
}

/** The explainer lists ajv's errors; where ajv's equality throws (an own `valueOf`), it answers with a uniqueItems error instead. */
function agreeWithAjv(threads: unknown[]): void {
  const explained = explain(schemaSet(), DEFINITION, { chat: 'C', threads });
  let expected: ReturnType<typeof ajvErrors>;
  try {
    expected = ajvErrors({ chat: 'C', threads });
  } catch {
    expect(explained.map((e) => e.keyword)).toContain('uniqueItems');
    return;
  }
  expect(explained).toEqual(expected);
}

describe('uniqueItems in the explainer', () => {
  it('reports the pair ajv reports, over generated JSON values with duplicates put in', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 4 }), (items, picks) => {
        const threads = [...items];
        // Copies (not the same object) of earlier items, at the end and in the middle.
        for (const pick of picks) threads.splice(pick % (threads.length + 1), 0, structuredClone(items[pick % items.length]!));
        agreeWithAjv(threads);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees on the cases where JSON text and ajv could part ways', () => {
    agreeWithAjv(['a', 'b', 'a', 'b']);
    agreeWithAjv([0, -0]);
    agreeWithAjv([1, '1', true, 'true', null, 'null']);
    agreeWithAjv([{ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }]);
    agreeWithAjv([{ a: 1 }, { a: 1, b: 2 }, [1, 2], [2, 1], { 0: 1, 1: 2 }]);
    // ajv's equality throws on an own `valueOf` that is no function; the explainer answers instead.
    const valueOf = [JSON.parse('{"valueOf":"x"}'), JSON.parse('{"valueOf":"y"}')];
    expect(() => ajvErrors({ chat: 'C', threads: valueOf })).toThrow(TypeError);
    expect(explain(schemaSet(), DEFINITION, { chat: 'C', threads: valueOf }).map((e) => e.keyword)).toContain('uniqueItems');
    agreeWithAjv([JSON.parse('{"__proto__":1}'), JSON.parse('{"__proto__":1}')]);
    agreeWithAjv(['\udc00', '\ud800', '\udc00']);
  });

  it('takes a large array of distinct strings, and one with a duplicate at each end', () => {
    const distinct = Array.from({ length: 5000 }, (_, i) => `thread-${i}`);
    agreeWithAjv(distinct);
    agreeWithAjv([...distinct, 'thread-0']);
    agreeWithAjv(['thread-4999', ...distinct]);
  });
});
