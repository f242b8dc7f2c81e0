// The explainer as the JSON Schema engine its header says it is, not only for the spec's schemas:
// on schema sets fast-check draws from every keyword it supports (several types, const, enum, not,
// if/then/else, $ref, the bounds of numbers, strings, arrays and objects, pattern, format,
// uniqueItems over primitive and structured items, annotations), and on values drawn near them
// (strings around each length limit in code points, duplicates, `undefined` properties, escaped
// keys), it must list exactly ajv's errors, in ajv's order. The spec uses a few of these
// combinations; a change to the spec must not find the explainer wrong in one it did not use yet.
// Also: what it says about schemas it cannot take.
import { Ajv, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schemaSet } from '../src/gen/schema-set.js';
import { explain, type Schema, type SchemaSet } from '../src/runtime/explain.js';

const SCALE = Number(process.env.GUARD_RUNS ?? 1);

const TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'] as const;
/** Property names, one with both characters a JSON pointer escapes. */
const NAMES = ['a', 'b', 'c~/d'] as const;
const PATTERNS = ['^a', 'a$', '^[0-9]+$', '\\p{L}', '^.{2}$'] as const;
/** The formats of the validators' own set, given to ajv too: both sides test the same expressions. */
const FORMATS = schemaSet().formats;
const DEFINITION_COUNT = 3;

/** Present about one time in `1 + absent`. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, absent = 3): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: absent, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

const scalar = fc.constantFrom<unknown>(0, -0, 1, 1.5, 3, -2, '', 'a', '1', 'ab', '😀', true, false, null);
// Not -0 in a schema: ajv prints its constants into code, so it reports a -0 it was given as 0 (the
// explainer reports the schema's own value; both messages read the same).
const constantValue = fc.oneof(scalar.filter((v) => !Object.is(v, -0)), fc.constant<unknown>([1, 'a']), fc.constant<unknown>({ a: 1 }), fc.constant<unknown>([]));

/** A schema of depth at most `depth`, referring only to `refs` (definitions later in the set: no cycles). */
function schemaOf(depth: number, refs: readonly string[]): fc.Arbitrary<Schema> {
  const sub = depth === 0 ? fc.constantFrom<Schema>({}, { type: 'string' }, { type: 'integer', minimum: 0 }) : schemaOf(depth - 1, refs);
  const bound = fc.integer({ min: 0, max: 4 });
  return fc
    .record(
      {
        type: sometimes(fc.oneof(fc.constantFrom(...TYPES), fc.uniqueArray(fc.constantFrom(...TYPES), { minLength: 2, maxLength: 3 })), 1),
        $ref: refs.length === 0 ? fc.constant(undefined) : sometimes(fc.constantFrom(...refs), 4),
        const: sometimes(constantValue, 8),
        enum: sometimes(fc.uniqueArray(constantValue, { minLength: 1, maxLength: 3, selector: (v) => JSON.stringify(v) }), 6),
        not: sometimes(sub, 8),
        if: sometimes(sub, 6),
        then: sometimes(sub, 3),
        else: sometimes(sub, 3),
        maximum: sometimes(fc.integer({ min: -2, max: 3 })),
        minimum: sometimes(fc.integer({ min: -2, max: 3 })),
        maxLength: sometimes(bound),
        minLength: sometimes(bound),
        pattern: sometimes(fc.constantFrom(...PATTERNS), 4),
        format: sometimes(fc.constantFrom(...Object.keys(FORMATS)), 6),
        maxItems: sometimes(bound),
        minItems: sometimes(bound),
        items: sometimes(sub, 2),
        uniqueItems: sometimes(fc.boolean(), 2),
        maxProperties: sometimes(bound),
        minProperties: sometimes(bound),
        required: sometimes(fc.subarray([...NAMES], { minLength: 1 }), 2),
        properties: sometimes(fc.dictionary(fc.constantFrom(...NAMES), sub, { maxKeys: 3 }), 1),
        additionalProperties: sometimes(fc.oneof(fc.boolean(), sub), 2),
        title: sometimes(fc.constant('A title'), 8),
        description: sometimes(fc.constant('What it is'), 8),
        $comment: sometimes(fc.constant('why'), 8),
        default: sometimes(constantValue, 8),
        examples: sometimes(fc.constant([1]), 8),
      },
      { requiredKeys: [] },
    )
    .map((schema) => Object.fromEntries(Object.entries(schema).filter(([, value]) => value !== undefined)) as Schema);
}

/** A set of definitions d0..d2 (each may refer to the later ones) and a root that may only refer on. */
const schemaSetOf = fc
  .tuple(
    ...Array.from({ length: DEFINITION_COUNT }, (_, i) =>
      schemaOf(1, Array.from({ length: DEFINITION_COUNT - 1 - i }, (_, j) => `#/definitions/d${i + 1 + j}`)),
    ),
    fc.oneof(schemaOf(2, ['#/definitions/d0', '#/definitions/d1']), fc.constantFrom<Schema>({ $ref: '#/definitions/d0' }, { $ref: '#/definitions/alias' })),
  )
  .map(([d0, d1, d2, root]) => ({ root: root!, d0: d0!, d1: d1!, d2: d2!, alias: { $ref: '#/definitions/d1' } }) as Record<string, Schema>);

const text = fc.string({ unit: fc.constantFrom('a', 'b', '1', '😀', '\ud800', '\udc00', '~', '/'), maxLength: 5 });
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    text,
    fc.constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53 + 1, new Date(0), new Map(), undefined),
    fc.array(fc.oneof(scalar, tie('value')), { maxLength: 5 }),
    fc.dictionary(fc.constantFrom(...NAMES, 'e'), tie('value'), { maxKeys: 4 }),
  ),
}));

/** The validators' ajv options, with the set's formats; strict about numbers only (that is a semantic option; the others reject keyword combinations that drawn schemas make freely). */
const ajv = new Ajv({ allErrors: true, strict: false, strictNumbers: true, ownProperties: true });
for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
let sets = 0;

/** ajv's validators of one drawn set (each under an id of its own: one ajv serves every run). */
function ajvFor(definitions: Record<string, Schema>): (name: string) => ValidateFunction {
  const ID = `urn:customer-chat:explain-generic:${++sets}`;
  ajv.addSchema({ $id: ID, definitions });
  const compiled = new Map<string, ValidateFunction>();
  return (name) => {
    let validate = compiled.get(name);
    if (validate === undefined) compiled.set(name, (validate = ajv.getSchema(`${ID}#/definitions/${name}`)!));
    return validate;
  };
}

function ajvErrors(validate: ValidateFunction, data: unknown) {
  validate(data);
  return (validate.errors ?? []).map(({ instancePath, keyword, message, params }) => ({ instancePath, keyword, message, params }));
}

/**
 * The explainer lists ajv's errors. Where ajv throws (its deep equality calls `valueOf`, which an
 * object without a prototype lacks), it answers without throwing: under uniqueItems with the
 * duplicate it then assumes, which `not` may turn into no error at all (validate() then says
 * "does not match the schema").
 */
function expectAjvErrors(set: SchemaSet, validate: ValidateFunction, data: unknown): void {
  let expected: ReturnType<typeof ajvErrors>;
  try {
    expected = ajvErrors(validate, data);
  } catch {
    expect(() => explain(set, 'root', data)).not.toThrow();
    return;
  }
  expect(explain(set, 'root', data)).toEqual(expected);
}

describe('the explainer on schemas drawn from every keyword it supports', () => {
  it("lists ajv's errors in ajv's order, with the definitions' guards and without", () => {
    fc.assert(
      fc.property(schemaSetOf, fc.array(value, { minLength: 1, maxLength: 6 }), fc.boolean(), (definitions, values, guarded) => {
        const validatorOf = ajvFor(definitions);
        // A guard that passes a subtree lets the explainer skip it; one that never passes makes it
        // walk everything. Where ajv throws, a generated guard says no (guards-differential.test.ts).
        const guardOf = (name: string) => (data: unknown) => {
          try {
            return validatorOf(name)(data);
          } catch {
            return false;
          }
        };
        const guards = Object.fromEntries(Object.keys(definitions).map((name) => [name, guarded ? guardOf(name) : () => false]));
        const set: SchemaSet = { definitions, formats: FORMATS, guards };
        for (const data of values) expectAjvErrors(set, validatorOf('root'), data);
      }),
      { numRuns: Math.max(20, Math.round(1500 * SCALE)) },
    );
  });

  it('reports ajv\'s uniqueItems pair over items of primitive types, one type or several', () => {
    const items = fc.array(fc.constantFrom<unknown>(1, 1.5, '1', 'a', '', true, 'true', false, null, 'null', 0, -0, [1], { a: 1 }), { maxLength: 7 });
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom('string', 'number', 'integer', 'boolean', 'null'), { minLength: 1, maxLength: 3 }), items, (types, data) => {
        const definitions = { root: { type: 'array', uniqueItems: true, items: { type: types.length === 1 ? types[0] : types } } };
        const set: SchemaSet = { definitions, formats: FORMATS, guards: {} };
        expectAjvErrors(set, ajvFor(definitions)('root'), data);
      }),
      { numRuns: Math.max(50, Math.round(1000 * SCALE)) },
    );
  });

  it("keeps ajv's keys for primitive items of several types, and compares objects and arrays among them deeply", () => {
    const cases: Array<[types: string[], data: unknown[]]> = [
      // Several types: ajv keys a string with a suffix, so 1 and '1' differ (one type: no suffix needed).
      [['number', 'string'], [1, '1']],
      [['boolean', 'string'], [true, 'true']],
      [['null', 'string'], [null, 'null']],
      [['number', 'string'], ['1', 1, '1']],
      [['number', 'string'], [1, '1_']],
      [['boolean', 'string'], [true, 'true_']],
      [['string'], ['1', '1']],
      // Objects or arrays among the types: compared deeply, not keyed by their text.
      [['object', 'string'], [{ a: 1 }, { b: 2 }]],
      [['array', 'string'], [[1], [2], 'x']],
      [['array', 'number'], [[1], [1]]],
    ];
    for (const [types, data] of cases) {
      const definitions = { root: { type: 'array', uniqueItems: true, items: { type: types.length === 1 ? types[0] : types } } };
      const set: SchemaSet = { definitions, formats: FORMATS, guards: {} };
      expect(explain(set, 'root', data), `${types.join(',')}: ${JSON.stringify(data)}`).toEqual(ajvErrors(ajvFor(definitions)('root'), data));
    }
  });

  it("takes items with accessors and non-JSON values to ajv's pairwise comparison", () => {
    const definitions = { root: { type: 'array', uniqueItems: true } };
    const set: SchemaSet = { definitions, formats: FORMATS, guards: {} };
    const validate = ajvFor(definitions)('root');
    const withGetter = () => Object.defineProperty({}, 'a', { enumerable: true, get: () => 1 });
    for (const data of [
      [withGetter(), withGetter()],
      [withGetter(), { a: 1 }],
      [{ a: 1 }, withGetter(), { a: 2 }],
      [[Number.NaN], [Number.NaN]],
      [{ a: undefined }, {}],
      [[, 1], [undefined, 1]],
      // Arrays holding what JSON cannot: never the same text for different items.
      [[Number.NaN], []],
      [[Number.NaN], [Number.POSITIVE_INFINITY]],
    ]) {
      expectAjvErrors(set, validate, data);
    }
  });

  it('follows a root that only refers on, through aliases, and a definition that refers to itself', () => {
    const definitions: Record<string, Schema> = {
      root: { $ref: '#/definitions/alias' },
      alias: { $ref: '#/definitions/tree' },
      tree: { type: 'object', required: ['label'], properties: { label: { type: 'string', minLength: 1 }, children: { type: 'array', items: { $ref: '#/definitions/tree' } } } },
    };
    const set: SchemaSet = { definitions, formats: FORMATS, guards: {} };
    const validate = ajvFor(definitions)('root');
    const data = { label: 'a', children: [{ label: '' }, { children: [{ label: 1 }] }] };
    expect(explain(set, 'root', data)).toEqual(ajvErrors(validate, data));
    expect(explain(set, 'root', data).map((e) => `${e.instancePath} ${e.keyword}`)).toEqual([
      '/children/0/label minLength',
      '/children/1 required',
      '/children/1/children/0/label type',
    ]);
  });
});

describe('the explainer on schemas it cannot take', () => {
  const explainWith = (definitions: Record<string, Schema>, name = 'root') => () => explain({ definitions, formats: FORMATS, guards: {} }, name, { a: 'x' });

  it('names the keyword, type, format or reference it does not know', () => {
    expect(explainWith({ root: { oneOf: [{ type: 'string' }] } })).toThrow('schema keyword "oneOf" is not supported');
    expect(explainWith({ root: { type: 'date' } })).toThrow('unknown type "date"');
    expect(explainWith({ root: { type: 'string', format: 'hostname' } })).toThrow('unknown format "hostname"');
    expect(explainWith({ root: { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } } })).toThrow('cannot resolve $ref #/definitions/missing');
    expect(explainWith({ root: { type: 'object', properties: { a: { $ref: 'other.json#/definitions/a' } } } })).toThrow('cannot resolve $ref other.json#/definitions/a');
    expect(explainWith({ root: { type: 'object', properties: { a: { $ref: '#/definitions/toString' } } } })).toThrow('cannot resolve $ref #/definitions/toString');
  });

  it("answers where ajv's deep equality throws on a constant (an own valueOf that is no function)", () => {
    const definitions = { root: { const: { a: 1 } } };
    const data = JSON.parse('{"valueOf":"x"}') as unknown;
    expect(() => ajvErrors(ajvFor(definitions)('root'), data)).toThrow(TypeError);
    expect(explain({ definitions, formats: FORMATS, guards: {} }, 'root', data)).toEqual([{ instancePath: '', keyword: 'const', message: 'must be equal to constant', params: { allowedValue: { a: 1 } } }]);
  });

  it('names a root that is not defined, or that refers on to nothing', () => {
    expect(explainWith({}, 'root')).toThrow('no definition root');
    expect(explainWith({}, 'toString')).toThrow('no definition toString');
    expect(explainWith({ root: { $ref: '#/definitions/gone' } })).toThrow('cannot resolve $ref #/definitions/gone');
    expect(explainWith({ root: { $ref: '#/definitions/constructor' } })).toThrow('cannot resolve $ref #/definitions/constructor');
  });
});
