// The guards plugin on small made-up models that use every keyword it supports, including what the
// real spec does not (object constants, uniqueItems over objects, maps beside properties, untyped
// keywords, a union whose branches take non-objects): each guard is compiled in memory and must give
// ajv's verdict (compiled from the same schemas with the validators' options) on odd values and on
// fast-check values. Then the refusals: a keyword, format or pattern it cannot compile, a union it
// cannot dispatch and a name clash stop generation with the schema's pointer.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildModel, generatorInfo, ownedDirectories, plugins, REPOSITORY_ROOT, type ProtocolModel } from '../src/index.js';
import { checkOutput, writeOutput } from '../src/output.js';
import { guardsPlugin } from '../src/plugins/guards/index.js';
import { loadCleanSpec } from '@customer-chat/spec-loader';
import { pascalCase, type Discriminator, type JsonSchema, type MessageModel, type NamedSchema } from '@customer-chat/spec-model';

const require = createRequire(import.meta.url);
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void;
const ucs2length = (require('ajv/dist/runtime/ucs2length') as { default: (s: string) => number }).default;

type Guard = (value: unknown) => boolean;
const SOURCE = 'fixtures/guards.yaml';
const context = { generator: { name: '@customer-chat/codegen', version: '0', source: SOURCE } };

function named(schemas: Record<string, JsonSchema>): NamedSchema[] {
  return Object.entries(schemas).map(([name, schema]) => ({ name, pointer: `/components/schemas/${name}`, description: undefined, schema }));
}

function message(name: string, ref: string | undefined): MessageModel {
  return { key: name, name, kind: 'push', pointer: `/components/messages/${name}`, payload: ref === undefined ? undefined : { ref } } as MessageModel;
}

function modelOf(schemas: Record<string, JsonSchema>, discriminators: Discriminator[] = [], messages: MessageModel[] = []): ProtocolModel {
  return { schemas: named(schemas), discriminators, messages } as unknown as ProtocolModel;
}

async function emit(model: ProtocolModel): Promise<string> {
  const [file] = await guardsPlugin.emit(model, context);
  return file!.content;
}

/** The generated module, transpiled and evaluated here, its runtime import answered with ajv's own ucs2length. */
async function load(model: ProtocolModel): Promise<Record<string, Guard>> {
  const source = await emit(model);
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const exports: Record<string, Guard> = {};
  const requireShim = (specifier: string) => {
    if (specifier === '#runtime/ajv-runtime') return { ucs2length };
    throw new Error(`the guards import ${specifier}`);
  };
  new Function('exports', 'require', outputText)(exports, requireShim);
  return exports;
}

/** What ajv says, compiled from the same schemas as the validators compile theirs (ownProperties, union types, full formats). */
function ajvFor(schemas: Record<string, JsonSchema>): (name: string, value: unknown) => boolean | 'throws' {
  // strict mode would refuse some of these schemas; its strictNumbers (NaN and Infinity are no numbers) stays on, as in the validators.
  const ajv = new Ajv({ allErrors: true, strict: false, strictNumbers: true, allowUnionTypes: true, ownProperties: true });
  addFormats(ajv);
  const plain = JSON.parse(JSON.stringify({ $id: 'urn:customer-chat:guards-test', definitions: schemas }, (key, value: unknown) => (key === 'discriminator' ? undefined : value))) as object;
  ajv.addSchema(plain);
  return (name, value) => {
    const validate = ajv.getSchema(`urn:customer-chat:guards-test#/definitions/${name}`)!;
    try {
      return validate(value) as boolean;
    } catch {
      return 'throws';
    }
  };
}

// ---- a model that uses every keyword --------------------------------------------------------------

class Instance {
  a = 'ab';
  b = true;
}
const cyclic: Record<string, unknown> = { a: 'ab', b: true };
cyclic.self = cyclic;
const cyclicList: unknown[] = [];
cyclicList.push(cyclicList);
const otherCyclicList: unknown[] = [];
otherCyclicList.push(otherCyclicList);

const SCHEMAS: Record<string, JsonSchema> = JSON.parse(
  JSON.stringify({
    Short: { type: 'string', minLength: 2, maxLength: 3 },
    Long: { type: 'string', minLength: 3, maxLength: 5, pattern: '^[a-z\\u{1F600}]*$' },
    Email: { type: 'string', format: 'email', maxLength: 20 },
    Uri: { type: 'string', format: 'uri' },
    Count: { type: 'integer', minimum: -2, maximum: 7 },
    Ratio: { type: 'number', minimum: 0.5, maximum: 2.5 },
    Mixed: { type: ['integer', 'null', 'string'], minimum: 0, maxLength: 2 },
    NumberOrInteger: { type: ['number', 'integer'], maximum: 3 },
    Untyped: { minimum: 1, maxLength: 1, minProperties: 1, maxItems: 1 },
    UntypedObject: { required: ['a'], properties: { a: { type: 'integer' } } },
    Constant: { const: 'a' },
    Enumerated: { enum: ['a', 1, null, true] },
    EnumTyped: { type: 'string', enum: ['a', 'b', 1] },
    EnumConstBoth: { type: 'integer', const: 2, enum: [1, 2] },
    ObjectConstant: { const: { a: [1, { b: null }], __proto__: 1 } },
    ObjectEnum: { enum: [{ a: 1 }, [1, 2], 'x'] },
    NotEnum: { type: 'string', not: { enum: ['x', 'y'] } },
    Never: { not: {} },
    Anything: {},
    Closed: {
      type: 'object',
      required: ['a', 'b', 'constructor'],
      additionalProperties: false,
      properties: { a: { $ref: '#/definitions/Short' }, b: { type: 'boolean' }, c: { $ref: '#/definitions/Count' }, constructor: { type: 'string' }, __proto__: { type: 'integer' }, gone: { not: {} } },
    },
    Map: { type: 'object', additionalProperties: { type: 'integer' }, minProperties: 1, maxProperties: 3 },
    MapOfObjects: { type: 'object', additionalProperties: { type: 'object', required: ['x'], properties: { x: { type: 'string' } } } },
    MapBesideProperties: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'number' } },
    MapOfNothing: { type: 'object', additionalProperties: { not: {} } },
    List: { type: 'array', items: { $ref: '#/definitions/Short' }, minItems: 1, maxItems: 3, uniqueItems: true },
    UniqueStrings: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    UniqueNullableStrings: { type: 'array', items: { type: ['string', 'null'] }, uniqueItems: true },
    UniqueAnything: { type: 'array', uniqueItems: true },
    UniqueObjects: { type: 'array', items: { type: 'object' }, uniqueItems: true },
    UniqueEnum: { type: 'array', items: { $ref: '#/definitions/Enumerated' }, uniqueItems: true },
    ObjectOrList: { type: ['object', 'array', 'null'], required: ['a'], properties: { a: { type: 'string' } }, items: { type: 'integer' }, maxItems: 2 },
    Cat: { type: 'object', required: ['kind'], properties: { kind: { type: 'string', const: 'cat' }, lives: { type: 'integer', maximum: 9 } } },
    Dog: { type: 'object', required: ['kind', 'name'], additionalProperties: false, properties: { kind: { type: 'string', const: 'dog' }, name: { $ref: '#/definitions/Short' } } },
    OtherAnimal: { type: 'object', properties: { kind: { type: 'string', not: { enum: ['cat', 'dog'] } }, name: { type: 'string' } } },
    Animal: { discriminator: 'kind', oneOf: [{ $ref: '#/definitions/Cat' }, { $ref: '#/definitions/Dog' }, { $ref: '#/definitions/OtherAnimal' }] },
    Circle: { type: 'object', required: ['kind', 'r'], properties: { kind: { type: 'string', const: 'circle' }, r: { type: 'number' } } },
    Square: { type: 'object', required: ['kind'], properties: { kind: { type: 'string', const: 'square' }, side: { type: 'number' } } },
    Shape: { discriminator: 'kind', oneOf: [{ $ref: '#/definitions/Circle' }, { $ref: '#/definitions/Square' }] },
    Loose: { required: ['kind'], properties: { kind: { const: 'loose' } } },
    LooseOrShape: { discriminator: 'kind', oneOf: [{ $ref: '#/definitions/Loose' }, { $ref: '#/definitions/Circle' }] },
    Holder: {
      type: 'object',
      required: ['animal'],
      properties: {
        animal: { $ref: '#/definitions/Animal' },
        animals: { type: 'array', items: { $ref: '#/definitions/Animal' } },
        tags: { type: 'object', additionalProperties: { $ref: '#/definitions/Short' } },
        shape: { $ref: '#/definitions/Shape' },
        nested: { type: 'object', required: ['list'], properties: { list: { $ref: '#/definitions/List' } } },
      },
    },
  }),
) as Record<string, JsonSchema>;
const DISCRIMINATORS: Discriminator[] = [
  { union: 'Animal', property: 'kind', branches: [{ value: 'cat', schema: 'Cat' }, { value: 'dog', schema: 'Dog' }], fallback: 'OtherAnimal' },
  { union: 'Shape', property: 'kind', branches: [{ value: 'circle', schema: 'Circle' }, { value: 'square', schema: 'Square' }], fallback: undefined },
  { union: 'LooseOrShape', property: 'kind', branches: [{ value: 'loose', schema: 'Loose' }, { value: 'circle', schema: 'Circle' }], fallback: undefined },
];
const MESSAGES = [message('animal_seen', 'Animal'), message('nothing_happened', undefined)];
const model = modelOf(SCHEMAS, DISCRIMINATORS, MESSAGES);
const guards = await load(model);
const ajv = ajvFor(SCHEMAS);

const withProto = (value: Record<string, unknown>, proto: object | null) => Object.assign(Object.create(proto) as object, value);
const own = (value: Record<string, unknown>, key: string, v: unknown, enumerable = true) => Object.defineProperty({ ...value }, key, { value: v, enumerable, writable: true, configurable: true });

/** Values a guard must get right: every shape the schemas above care about, and what JSON cannot say. */
const ODD_VALUES: unknown[] = [
  undefined, null, true, false, 0, -0, 1, -1, -2, -3, 2, 3, 7, 8, 9, 10, 0.5, 0.4, 2.5, 2.6, 1.5, NaN, Infinity, -Infinity, 2 ** 53 + 1, -(2 ** 53) - 1, 1e300,
  '', 'a', 'ab', 'abc', 'abcd', 'abcdef', 'x', 'y', 'loose', 'cat', '__proto__', 'constructor',
  '\u{1F600}', '\u{1F600}\u{1F600}', '\u{1F600}\u{1F600}\u{1F600}', 'a\u{1F600}\u{1F600}', '\uD83D', '\uDE00', 'a\uD83D', '\uD83Da\uD83D', 'ab\uDE00c',
  'jane@example.com', 'jane@@example.com', 'a@b.co', 'https://example.com/a', 'urn:x', '//x', 'not a uri',
  Symbol('s'), () => true, 10n, new Date(0), new Map([['a', 1]]), new Set([1]), /re/, new Instance(), new String('ab'), new Number(1), Object.create(null),
  [], [1], [1, 2], [1, 2, 3], ['ab'], ['ab', 'ab'], ['ab', 'cd', 'ef'], ['ab', 'cd', 'ef', 'gh'], ['__proto__', '__proto__'], ['__proto__', null, null], ['a', 1, 'a'],
  [{ a: 1 }, { a: 1 }], [{ a: 1 }, { a: 2 }], [[1], [1]], [new Date(1), new Date(1)], [new Date(1), new Date(2)], [{ valueOf: 1 }, { valueOf: 1 }], [/a/, /a/], [/a/g, /a/],
  [cyclicList, otherCyclicList], [cyclicList, cyclicList], [NaN, NaN], [0, -0], [1, '1'], [true, 'true'], [null, 'null'],
  cyclic, cyclicList,
  {}, { a: 1 }, { a: 'ab' }, { a: 'ab', b: true }, { a: 'ab', b: true, constructor: 'c' }, { a: 'ab', b: true, constructor: 'c', c: 7 }, { a: 'ab', b: true, constructor: 'c', c: 8 },
  { a: 'ab', b: true, constructor: 'c', d: 1 }, { a: 'ab', b: true, constructor: 'c', gone: 1 }, { a: 'ab', b: true, constructor: 'c', gone: undefined },
  own({ a: 'ab', b: true, constructor: 'c' }, '__proto__', 5), own({ a: 'ab', b: true, constructor: 'c' }, '__proto__', 'x'), own({ a: 'ab', b: true, constructor: 'c' }, 'extra', 1, false),
  withProto({ b: true, constructor: 'c' }, { a: 'ab' }), withProto({ a: 'ab', b: true, constructor: 'c' }, { extra: 1 }), withProto({ a: 'ab', b: true, constructor: 'c' }, null),
  { a: undefined, b: true, constructor: 'c' }, { a: 'abcd', b: true, constructor: 'c' }, Object.assign(new Instance(), { constructor: 'c' }),
  { k: 1 }, { k: 1, l: 2, m: 3 }, { k: 1, l: 2, m: 3, n: 4 }, { k: 1.5 }, { k: undefined }, own({}, '__proto__', 1), own({}, '__proto__', 'x'), own({}, 'constructor', 1),
  { k: { x: 'a' } }, { k: { y: 'a' } }, { k: [] }, { a: 'x', b: 1 }, { a: 1, b: 1 }, { a: 'x', b: 'y' },
  { x: { a: [1, { b: null }] } }, { a: [1, { b: null }] }, own({ a: [1, { b: null }] }, '__proto__', 1), JSON.parse('{"a":[1,{"b":null}],"__proto__":1}'), { a: [1, { b: null }], __proto__: null },
  { a: 1 }, [1, 2], { kind: 'cat' }, { kind: 'cat', lives: 9 }, { kind: 'cat', lives: 10 }, { kind: 'dog', name: 'ab' }, { kind: 'dog', name: 'ab', x: 1 }, { kind: 'dog' },
  { kind: 'bird' }, { kind: 7 }, {}, { name: 'x' }, withProto({}, { kind: 'cat' }), withProto({ name: 'ab' }, { kind: 'dog' }), withProto({ kind: 'cat' }, { kind: 'dog' }),
  { kind: undefined }, { kind: 'circle', r: 1 }, { kind: 'circle' }, { kind: 'square' }, { kind: 'square', side: NaN }, { kind: 'loose' }, { kind: 'triangle' },
  { animal: { kind: 'cat' } }, { animal: { kind: 'dog' } }, { animal: { kind: 'cat' }, animals: [{ kind: 'dog', name: 'ab' }, {}], tags: { a: 'ab' }, shape: { kind: 'square' } },
  { animal: { kind: 'cat' }, animals: [{ kind: 'dog' }] }, { animal: { kind: 'cat' }, tags: { a: 'a' } }, { animal: {}, nested: { list: ['ab'] } }, { animal: {}, nested: { list: [] } },
  { animal: {}, nested: {} }, withProto({}, { animal: { kind: 'cat' } }), { animal: { kind: 'cat' }, shape: { kind: 'hexagon' } },
];

/** Odd values and JSON-like ones over the keys and constants the schemas use. */
const valueArbitrary: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...ODD_VALUES.filter((v) => typeof v !== 'object' || v === null)),
    fc.string({ unit: fc.constantFrom('a', 'b', 'x', '@', '.', ':', '/', '\u{1F600}', '\uD83D', '\uDE00', 'é'), maxLength: 7 }),
    fc.integer({ min: -3, max: 11 }),
    fc.double({ min: -3, max: 11 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'constructor', '__proto__', 'gone', 'kind', 'name', 'lives', 'r', 'side', 'x', 'k', 'animal', 'animals', 'tags', 'shape', 'nested', 'list'), tie('value')), { maxLength: 5 })
      .chain((entries) =>
        fc.constantFrom('plain', 'null-proto', 'inherited', 'instance').map((kind) => {
          const target: Record<string, unknown> = kind === 'null-proto' ? (Object.create(null) as Record<string, unknown>) : kind === 'instance' ? (new Instance() as unknown as Record<string, unknown>) : {};
          for (const [key, value] of entries) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
          return kind === 'inherited' ? withProto({}, target) : target;
        }),
      ),
  ),
})).value;

describe('guards on a model that uses every keyword', () => {
  it('emits one guard per named schema and per message, and the payload table', () => {
    for (const name of Object.keys(SCHEMAS)) expect(typeof guards[`is${name}`], name).toBe('function');
    expect(guards.isAnimalSeen?.({ kind: 'cat' })).toBe(true);
    // A message that carries nothing: no argument in the SDK, `null` in JSON; nothing else.
    expect(guards.isNothingHappened?.(null)).toBe(true);
    expect(guards.isNothingHappened?.(undefined)).toBe(true);
    expect(guards.isNothingHappened?.({})).toBe(false);
    expect(guards.isNothingHappened?.(0)).toBe(false);
    expect(Object.keys((guards as unknown as { payloadGuards: object }).payloadGuards)).toEqual(['animal_seen', 'nothing_happened']);
  });

  it.each(Object.keys(SCHEMAS))('is%s gives ajv\'s verdict on odd values (false where ajv throws) and never throws', (name) => {
    const guard = guards[`is${name}`]!;
    for (const value of ODD_VALUES) {
      const expected = ajv(name, value);
      let actual: boolean | string;
      try {
        actual = guard(value);
      } catch (error) {
        actual = `throws ${(error as Error).message}`;
      }
      expect(actual, `${name} on ${String(fc.stringify(value))}`).toBe(expected === 'throws' ? false : expected);
    }
  });

  it.each(Object.keys(SCHEMAS))('is%s gives ajv\'s verdict on fast-check values', (name) => {
    const guard = guards[`is${name}`]!;
    fc.assert(
      fc.property(valueArbitrary, (value) => {
        const expected = ajv(name, value);
        expect(guard(value)).toBe(expected === 'throws' ? false : expected);
      }),
      { numRuns: 400 },
    );
  });

  it('knows where ajv is odd: a second "__proto__" string, a `valueOf` key, cyclic items', () => {
    expect(guards.isUniqueStrings!(['__proto__', '__proto__'])).toBe(true);
    expect(guards.isUniqueNullableStrings!(['__proto__', '__proto__'])).toBe(false);
    expect(guards.isUniqueAnything!(['__proto__', '__proto__'])).toBe(false);
    expect(ajv('UniqueAnything', [{ valueOf: 1 }, { valueOf: 1 }])).toBe('throws');
    expect(guards.isUniqueAnything!([{ valueOf: 1 }, { valueOf: 1 }])).toBe(false);
    expect(ajv('UniqueAnything', [cyclicList, otherCyclicList])).toBe('throws');
    expect(guards.isUniqueAnything!([cyclicList, otherCyclicList])).toBe(false);
    // A union whose branch takes non-objects: counted as oneOf counts, not dispatched.
    expect(guards.isLooseOrShape!('text')).toBe(true);
    expect(ajv('LooseOrShape', 'text')).toBe(true);
  });

  it('inlines small named schemas and dispatches unions on their constant', async () => {
    const source = await emit(model);
    const holder = source.slice(source.indexOf('export function isDog('), source.indexOf('export function isOtherAnimal('));
    expect(holder).toContain("_name.length < 2"); // Short, inlined
    expect(holder).not.toContain('isShort(');
    expect(source).toMatch(/switch \(_object\.kind\) \{\n\s+case 'cat': return isCat\(value\) \|\| \(!hasOwn\.call\(_object, 'kind'\) && isOtherAnimal\(value\)\);/);
    expect(source).toMatch(/default: return isOtherAnimal\(value\);/);
    expect(source).toMatch(/const PATTERN = \/\*#__PURE__\*\/ new RegExp\('\^\[a-z\\\\u\{1F600\}\]\*\$', 'u'\);/);
  });
});

// ---- refusals --------------------------------------------------------------------------------------

describe('what the guards refuse, with the schema pointer', () => {
  const refusal = (schemas: Record<string, JsonSchema>, discriminators: Discriminator[] = [], messages: MessageModel[] = []) => emit(modelOf(schemas, discriminators, messages));

  it('a keyword it does not support, anywhere in a schema', async () => {
    await expect(refusal({ A: { type: 'object', properties: { 'a/b': { type: 'integer', exclusiveMinimum: 0 } } } })).rejects.toThrow(
      `guards: /components/schemas/A/properties/a~1b/exclusiveMinimum: schema keyword "exclusiveMinimum" is not supported`,
    );
    await expect(refusal({ A: { type: 'array', items: { allOf: [] } } })).rejects.toThrow(`guards: /components/schemas/A/items/allOf: schema keyword "allOf"`);
    await expect(refusal({ A: { type: 'array', items: [{ type: 'string' }] } })).rejects.toThrow(`guards: /components/schemas/A/items: items must be one schema`);
    await expect(refusal({ A: { type: 'text' } })).rejects.toThrow(`guards: /components/schemas/A/type: unknown type "text"`);
    await expect(refusal({ A: { type: 'string', maxLength: -1 } })).rejects.toThrow(`guards: /components/schemas/A/maxLength: maxLength must be a non-negative integer`);
  });

  it('a format without a regular expression, a pattern ajv could not compile', async () => {
    await expect(refusal({ A: { type: 'string', format: 'date-time' } })).rejects.toThrow(`guards: /components/schemas/A/format: format "date-time" has no regular expression`);
    await expect(refusal({ A: { type: 'string', pattern: '\\p' } })).rejects.toThrow(`guards: /components/schemas/A/pattern: pattern is not a regular expression with the u flag`);
  });

  it('a union it cannot dispatch', async () => {
    const branch = (kind: string) => ({ type: 'object', required: ['kind'], properties: { kind: { const: kind } } });
    await expect(refusal({ U: { oneOf: [{ $ref: '#/definitions/A' }] }, A: branch('a') })).rejects.toThrow(`guards: /components/schemas/U/oneOf: a oneOf is supported only as a discriminated union`);
    await expect(refusal({ A: { type: 'object', properties: { x: { oneOf: [] } } } })).rejects.toThrow(`guards: /components/schemas/A/properties/x/oneOf: a oneOf is supported only on a named schema`);
    const optional = { type: 'object', properties: { kind: { const: 'a' } } };
    await expect(
      refusal({ U: { discriminator: 'kind', oneOf: [{ $ref: '#/definitions/A' }] }, A: optional }, [{ union: 'U', property: 'kind', branches: [{ value: 'a', schema: 'A' }], fallback: undefined }]),
    ).rejects.toThrow(`guards: /components/schemas/A: branch A of U must require "kind" with const "a"`);
    const fallback = { type: 'object', properties: { kind: { type: 'string', not: { enum: ['b'] } } } };
    await expect(
      refusal({ U: { discriminator: 'kind', oneOf: [{ $ref: '#/definitions/A' }, { $ref: '#/definitions/F' }] }, A: branch('a'), F: fallback }, [
        { union: 'U', property: 'kind', branches: [{ value: 'a', schema: 'A' }], fallback: 'F' },
      ]),
    ).rejects.toThrow(`guards: /components/schemas/F: fallback F of U must exclude a from "kind"`);
  });

  it('a message guard that would clash with a schema guard', async () => {
    await expect(refusal({ UserSeen: { type: 'string' } }, [], [message('user_seen', 'UserSeen')])).rejects.toThrow(
      `guards: /components/messages/user_seen: message user_seen would declare isUserSeen, already declared by schema UserSeen`,
    );
  });
});

// ---- the real spec -------------------------------------------------------------------------------

describe('guards of spec/asyncapi.yaml', async () => {
  const spec = await loadCleanSpec(join(REPOSITORY_ROOT, 'spec/asyncapi.yaml'));
  const real = buildModel(spec, REPOSITORY_ROOT);
  const [file] = await guardsPlugin.emit(real, { generator: generatorInfo(real) });
  const source = file!.content;

  it('declares one guard per named schema, per message and per wire frame', () => {
    for (const schema of real.schemas) expect(source).toContain(`export function is${schema.name}(value: unknown): value is ${schema.name} {`);
    const wire = real.messages.filter((m) => m.kind !== 'client');
    for (const message of wire) expect(source).toMatch(new RegExp(`^export function is${pascalCase(message.name)}Frame\\(value: unknown\\): value is ${pascalCase(message.name)}Frame \\{`, 'm'));
    expect(source.match(/^export function is\w+\(/gm)).toHaveLength(real.schemas.length + real.messages.length + wire.length);
  });

  it('allocates nothing in a guard: no literals, closures, `new` or key lists inside functions', () => {
    // Inside functions (indented), TypeScript's `as T[]` left out.
    const bodies = source.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.replace(/ as [\w<>, []+\]/g, ''));
    const allocating = bodies.filter((line) => /\bnew \w|=>|Object\.(keys|entries|values)\(|\[\]|\{\}|`|\.\.\.|\.(map|filter|slice|concat|split)\(/.test(line));
    expect(allocating).toEqual([]);
  });
});

// ---- where the files go ------------------------------------------------------------------------

describe("the guards' folder", () => {
  it('lies inside the validators\' folder, which owns it: a file left there is reported and removed, once', async () => {
    // Declared `owns: false`: owning a folder inside an owned folder would list such a file twice.
    expect(guardsPlugin.output).toEqual({ dir: 'packages/validators/src/gen/guards', owns: false });
    expect(ownedDirectories(plugins).filter((dir) => guardsPlugin.output.dir.startsWith(`${dir}/`))).toEqual(['packages/validators/src/gen']);
    const root = await mkdtemp(join(tmpdir(), 'guards-folder-'));
    try {
      await mkdir(join(root, guardsPlugin.output.dir), { recursive: true });
      const stale = `${guardsPlugin.output.dir}/stale.ts`;
      await writeFile(join(root, stale), '// left over\n');
      const plan = { files: [], ownedDirectories: ownedDirectories(plugins) };
      expect(await checkOutput(root, plan)).toEqual([`${stale}: not generated any more (remove it, or run pnpm generate)\n`]);
      expect(await writeOutput(root, plan)).toEqual({ written: [], removed: [stale] });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
