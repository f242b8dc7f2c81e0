// Differential tests of the generated guards (src/gen/guards): each must give the verdict of ajv
// compiled at run time from the exported JSON Schemas (schemas/<message>.json, schemas/bundle.json)
// with the validators' options and ajv-formats, on
//   - every example of the spec (each message's payloads, and every value inside them that a named
//     schema governs, against that schema's guard),
//   - values fast-check draws from each schema (mostly valid: lengths at and around their limits in
//     code points, astral characters and lone surrogates, map keys such as `__proto__`),
//   - mutants of both: a value replaced by one JSON cannot hold (NaN, ±Infinity, -0, 2^53+1, Date,
//     Map, a class instance, a function, a symbol, a cycle) or by an array where an object belongs
//     (and the reverse), a string exactly at and one past a length limit, a number at and past a
//     bound, a property dropped, added (`__proto__`, `constructor`...), set to undefined, made
//     non-enumerable or moved to the prototype, a polluted prototype, an unknown discriminator,
//     an array at and past maxItems, a duplicate item.
// Where ajv throws (its deep equality recursing through a cycle) the guard must say false; a guard
// must never throw. A disagreement names the message, the deepest named schema where guard and ajv
// disagree (its pointer in the spec and the instance path), the mutation and the value.
// Every case the guard rejects is also explained: the explainer (src/runtime/explain.ts walking
// src/gen/schema-set.ts) must list exactly ajv's errors (instance path, keyword, message, params, in
// ajv's order) for the validators' schema set, which must itself give the exported schemas' verdict.
// The wire frames' guards (header fields and payload) are held to schemas/frames/<message>.json the same way.
// The last tests sabotage copies of the generated module and show the harness catches each one.
// GUARD_RUNS=<n> scales the random runs (default 1).
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as handWrittenOwnFirst from '../bench/hand-written-own-first.js';
import * as handWritten from '../bench/hand-written.js';
import * as generated from '../src/gen/guards/index.js';
import { schemaSet } from '../src/gen/schema-set.js';
import { ucs2length } from '../src/runtime/ajv-runtime.js';
import { explain } from '../src/runtime/explain.js';
import { FORMAT_SAMPLES } from './support/json-schema.js';
import { isObject, loadBundle, loadProtocol, PACKAGE_DIR, pascalCase, readJson, type Message, type Path, type Schema } from './support/protocol.js';
import { definitionName, escapePointerSegment, formatPointer, type Discriminator } from '@customer-chat/spec-model';

type Guard = (value: unknown) => boolean;
type GuardModule = Record<string, unknown>;

const SCALE = Number(process.env.GUARD_RUNS ?? 1);
/** Per message: values drawn from its schema, and mutants (of examples and drawn values). */
const GENERATED_RUNS = Math.round(700 * SCALE);
const MUTANT_RUNS = Math.round(1800 * SCALE);
/** Per named schema, besides the messages. */
const NAMED_RUNS = Math.round(300 * SCALE);
/** Per wire frame (its payload is drawn and mutated with the messages already). */
const FRAME_RUNS = Math.round(300 * SCALE);

const { model } = await loadProtocol();
const definitions = loadBundle().definitions;
const unions = new Map(model.discriminators.map((d) => [d.union, d]));

// ---- ajv, as the validators configure it --------------------------------------------------------

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => void;
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, ownProperties: true });
addFormats(ajv);
ajv.addSchema(readJson('schemas/bundle.json') as object);
const bundleValidator = (name: string): ValidateFunction => ajv.getSchema(`urn:customer-chat:bundle#/definitions/${name}`)!;

// ---- the explainer's reference: ajv on the schema set the explainer walks -------------------------

const explainedAjv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, ownProperties: true });
addFormats(explainedAjv);
explainedAjv.addSchema({ $id: 'urn:customer-chat:explained', definitions: schemaSet().definitions });
const explainedValidator = (definition: string): ValidateFunction => explainedAjv.getSchema(`urn:customer-chat:explained#/definitions/${definition}`)!;
const withoutSchemaPath = (errors: ErrorObject[] | null | undefined) => (errors ?? []).map(({ instancePath, keyword, message, params }) => ({ instancePath, keyword, message, params }));
let explainedCases = 0;

/** The explainer lists ajv's errors for `definition`, and that definition has the exported schema's verdict. */
type Explainer = (definition: string, value: unknown) => unknown;
const realExplainer: Explainer = (definition, value) => explain(schemaSet(), definition, value);

function checkExplanation(subject: Subject, definition: string, item: Case, exported: Verdict, explainer: Explainer = realExplainer): void {
  const reference = explainedValidator(definition);
  const verdict = ajvVerdict(reference, item.value);
  if (verdict !== exported) throw new Error(`the schema set's ${definition} says ${String(verdict)}, the exported schema ${String(exported)} for ${subject.id} (${item.origin}): ${render(item.value)}`);
  if (verdict !== false) return;
  explainedCases += 1;
  const expected = withoutSchemaPath(reference.errors);
  let actual: unknown;
  try {
    actual = explainer(definition, item.value);
  } catch (error) {
    actual = `throws ${String(error)}`;
  }
  try {
    expect(actual).toEqual(expected);
  } catch {
    throw new Error(
      [
        `the explainer disagrees with ajv on ${definition} for ${subject.id} (${item.origin})`,
        `  explainer: ${JSON.stringify(actual)}`,
        `  ajv:       ${JSON.stringify(expected)}`,
        `  value: ${render(item.value)}`,
      ].join('\n'),
    );
  }
}

type Verdict = boolean | 'throws';
function ajvVerdict(validate: ValidateFunction, value: unknown): Verdict {
  try {
    return validate(value);
  } catch {
    return 'throws';
  }
}
function guardVerdict(guard: Guard, value: unknown): Verdict {
  try {
    return guard(value);
  } catch {
    return 'throws';
  }
}
/** Where ajv throws, the guard must reject. */
const agrees = (guard: Verdict, reference: Verdict) => guard !== 'throws' && guard === (reference === 'throws' ? false : reference);

// ---- schemas ---------------------------------------------------------------------------------------

const specPointer = (name: string) => `/components/schemas/${escapePointerSegment(name)}`;

interface Resolved {
  schema: Schema;
  pointer: string;
  /** The named schema the last `$ref` led to. */
  name: string | undefined;
}

function deref(schema: Schema, pointer: string): Resolved {
  let current = schema;
  let at = pointer;
  let name: string | undefined;
  for (let hops = 0; typeof current.$ref === 'string'; hops += 1) {
    if (hops > 16) throw new Error(`reference loop at ${at}`);
    name = definitionName(current.$ref);
    if (name === undefined || definitions[name] === undefined) throw new Error(`unresolved ${String(current.$ref)} at ${at}`);
    current = definitions[name]!;
    at = specPointer(name);
  }
  return { schema: current, pointer: at, name };
}

const typesOf = (schema: Schema): string[] | undefined => (typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? (schema.type as string[]) : undefined);
const num = (schema: Schema, keyword: string) => (typeof schema[keyword] === 'number' ? (schema[keyword] as number) : undefined);
const has = (o: object, key: PropertyKey) => Object.prototype.hasOwnProperty.call(o, key);
const propertiesOf = (schema: Schema) => (isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {});

/** A non-array object, as ajv's `type: object` sees it (Date, Map and class instances included). */
const isObjectValue = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Sets an own enumerable property, `__proto__` included, without touching any prototype. */
function defineOwn(target: object, key: string, value: unknown, enumerable = true): void {
  Object.defineProperty(target, key, { value, enumerable, writable: true, configurable: true });
}

function objectOf(entries: ReadonlyArray<readonly [string, unknown]>, prototype: object | null = Object.prototype): Record<string, unknown> {
  const target = Object.create(prototype) as Record<string, unknown>;
  for (const [key, value] of entries) defineOwn(target, key, value);
  return target;
}

// ---- values drawn from a schema --------------------------------------------------------------------

/** One code point each: ASCII, two-byte, BMP and astral (two UTF-16 units). */
const CODE_POINTS = ['a', '~', 'é', '中', '\u{1F600}', '\u{10FFFF}'];
const codePoint = fc.constantFrom(...CODE_POINTS);

/**
 * A string of exactly `n` code points as ajv counts them: runs of two kinds of characters, sometimes
 * with a lone surrogate (a high one last, or a low one first: each counts as one).
 */
function exactCodePoints(n: number): fc.Arbitrary<string> {
  if (n <= 0) return fc.constant('');
  return fc.tuple(codePoint, codePoint, fc.nat(n), fc.constantFrom('none', 'none', 'high-last', 'low-first')).map(([a, b, k, lone]) => {
    if (lone === 'high-last') return k > 0 ? a.repeat(k - 1) + b.repeat(n - k) + '\uD800' : b.repeat(n - 1) + '\uD800';
    if (lone === 'low-first') return '\uDC00' + (k > 0 ? a.repeat(k - 1) + b.repeat(n - k) : b.repeat(n - 1));
    return a.repeat(k) + b.repeat(n - k);
  });
}

/** Keys of maps and open objects: random ones, and those that touch prototypes. */
const keyArbitrary = fc.oneof(
  fc.string({ unit: codePoint, maxLength: 6 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', 'a/b', '~0', 'type', 'id', '0'),
);

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const not = isObject(schema.not) && Array.isArray(schema.not.enum) ? (schema.not.enum as string[]) : undefined;
  const examples = Array.isArray(schema.examples) ? (schema.examples as unknown[]).filter((e): e is string => typeof e === 'string') : [];
  const options: Array<fc.WeightedArbitrary<string>> = [];
  if (not !== undefined) {
    // A fallback's discriminant: other values, and now and then an excluded one.
    options.push({ weight: 4, arbitrary: fc.oneof(fc.constantFrom('bot', 'rich_message', 'AGENT', 'Message', ''), fc.string({ maxLength: 8 })) });
    options.push({ weight: 1, arbitrary: fc.constantFrom(...not) });
  }
  const format = typeof schema.format === 'string' ? FORMAT_SAMPLES[schema.format] : undefined;
  if (typeof schema.format === 'string' && format === undefined) throw new Error(`no samples for format ${schema.format}`);
  if (format !== undefined || schema.pattern !== undefined || examples.length > 0) {
    const valid = [...(format?.valid ?? []), ...examples];
    if (valid.length > 0) options.push({ weight: 6, arbitrary: fc.constantFrom(...valid) });
    if (format !== undefined) options.push({ weight: 1, arbitrary: fc.constantFrom(...format.invalid) });
  }
  const min = num(schema, 'minLength') ?? 0;
  const max = num(schema, 'maxLength');
  options.push({ weight: 4, arbitrary: fc.string({ unit: codePoint, minLength: min, maxLength: Math.min(max ?? min + 12, min + 12) }) });
  options.push({ weight: 1, arbitrary: exactCodePoints(min) });
  if (min > 0) options.push({ weight: 1, arbitrary: exactCodePoints(min - 1) });
  if (max !== undefined) options.push({ weight: 1, arbitrary: exactCodePoints(max) }, { weight: 1, arbitrary: exactCodePoints(max + 1) });
  return fc.oneof(...options);
}

function numberArbitrary(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = num(schema, 'minimum');
  const max = num(schema, 'maximum');
  const low = min ?? -1000;
  const high = max ?? low + 1_000_000;
  const edges = [low, high, low - 1, high + 1, -0, ...(integer ? [] : [low + 0.5])];
  const inRange = integer ? fc.integer({ min: low, max: high }) : fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true });
  return fc.oneof({ weight: 4, arbitrary: inRange }, { weight: 1, arbitrary: fc.constantFrom(...edges) });
}

const arbitraries = new Map<string, fc.Arbitrary<unknown>>();

/** Values of a schema, valid most of the time, often at its limits. */
function arbitraryOf(schema: Schema, pointer: string): fc.Arbitrary<unknown> {
  if (typeof schema.$ref === 'string') {
    const { schema: target, pointer: at, name } = deref(schema, pointer);
    const known = arbitraries.get(name!);
    if (known !== undefined) return known;
    const made = arbitraryOf(target, at);
    arbitraries.set(name!, made);
    return made;
  }
  if (Array.isArray(schema.oneOf)) return fc.oneof(...(schema.oneOf as Schema[]).map((branch, i) => arbitraryOf(branch, `${pointer}/oneOf/${i}`)));
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const types = typesOf(schema);
  if (types === undefined) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'string':
          return stringArbitrary(schema);
        case 'integer':
          return numberArbitrary(schema, true);
        case 'number':
          return numberArbitrary(schema, false);
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array':
          return arrayArbitrary(schema, pointer);
        case 'object':
          return objectArbitrary(schema, pointer);
        default:
          throw new Error(`unknown type ${type} at ${pointer}`);
      }
    }),
  );
}

function arrayArbitrary(schema: Schema, pointer: string): fc.Arbitrary<unknown[]> {
  const items = isObject(schema.items) ? arbitraryOf(schema.items as Schema, `${pointer}/items`) : fc.jsonValue({ maxDepth: 1 });
  const min = num(schema, 'minItems') ?? 0;
  const max = num(schema, 'maxItems');
  const upTo = Math.min(max ?? min + 3, min + 3);
  const options: Array<fc.WeightedArbitrary<unknown[]>> = [
    { weight: 5, arbitrary: schema.uniqueItems === true ? fc.uniqueArray(items, { minLength: min, maxLength: upTo }) : fc.array(items, { minLength: min, maxLength: upTo }) },
  ];
  if (max !== undefined) {
    options.push({ weight: 1, arbitrary: fc.uniqueArray(items, { minLength: max, maxLength: max }) });
    options.push({ weight: 1, arbitrary: fc.array(items, { minLength: max + 1, maxLength: max + 1 }) });
  }
  if (schema.uniqueItems === true) options.push({ weight: 1, arbitrary: fc.array(items, { minLength: 1, maxLength: 3 }).map((list) => [...list, list[0]]) });
  return fc.oneof(...options);
}

function objectArbitrary(schema: Schema, pointer: string): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set((schema.required ?? []) as string[]);
  const declared = Object.entries(propertiesOf(schema)).map(([key, sub]) => {
    const value = arbitraryOf(sub, `${pointer}/properties/${escapePointerSegment(key)}`);
    return required.has(key) ? value.map((v) => [[key, v] as const]) : fc.option(value.map((v) => [[key, v] as const]), { nil: [], freq: 2 });
  });
  const additional = schema.additionalProperties;
  const minProperties = num(schema, 'minProperties') ?? 0;
  const maxProperties = num(schema, 'maxProperties');
  let extra: fc.Arbitrary<Array<readonly [string, unknown]>>;
  if (isObject(additional)) {
    const entry = fc.tuple(keyArbitrary, arbitraryOf(additional, `${pointer}/additionalProperties`));
    const options: Array<fc.WeightedArbitrary<Array<readonly [string, unknown]>>> = [{ weight: 5, arbitrary: fc.array(entry, { minLength: minProperties, maxLength: Math.max(minProperties, 3) }) }];
    if (maxProperties !== undefined) {
      // Exactly at and one past the limit, with distinct keys.
      const value = arbitraryOf(additional, `${pointer}/additionalProperties`);
      for (const count of [maxProperties, maxProperties + 1]) options.push({ weight: 1, arbitrary: value.map((v) => Array.from({ length: count }, (_, i) => [`k${i}`, v] as const)) });
    }
    extra = fc.oneof(...options);
  } else if (additional === undefined || additional === true) {
    const none: Array<readonly [string, unknown]> = [];
    extra = fc.oneof({ weight: 3, arbitrary: fc.constant(none) }, { weight: 1, arbitrary: fc.array(fc.tuple(keyArbitrary, fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<unknown>), { maxLength: 2 }) });
  } else {
    extra = fc.constant([]);
  }
  return fc.tuple(fc.tuple(...declared), extra).map(([props, more]) => objectOf([...props.flat(), ...more]));
}

// ---- where a value sits in its schema --------------------------------------------------------------

interface Site {
  path: Path;
  /** The schema's place in the spec (`/components/schemas/ChatSummary/properties/users/items`). */
  pointer: string;
  schema: Schema;
  value: unknown;
  /** The named schema that governs this place, when a `$ref` led here. */
  name: string | undefined;
  union: Discriminator | undefined;
}

/** Every place of `value` with the schema that governs it, parents first; tolerant of any value. */
function sitesOf(schema: Schema, pointer: string, value: unknown, path: Path = [], out: Site[] = [], seen = new Set<unknown>()): Site[] {
  const { schema: resolved, pointer: at, name } = deref(schema, pointer);
  if (Array.isArray(resolved.oneOf)) {
    const union = unions.get(name ?? '');
    out.push({ path, pointer: at, schema: resolved, value, name, union });
    if (union === undefined || !isObjectValue(value) || seen.has(value)) return out;
    const tag = has(value, union.property) ? value[union.property] : undefined;
    const branch = union.branches.find((b) => b.value === tag)?.schema ?? union.fallback;
    if (branch !== undefined) sitesOf({ $ref: `#/definitions/${branch}` }, at, value, path, out, seen);
    return out;
  }
  out.push({ path, pointer: at, schema: resolved, value, name, union: undefined });
  if (typeof value !== 'object' || value === null || seen.has(value)) return out;
  seen.add(value);
  if (Array.isArray(value)) {
    if (isObject(resolved.items)) value.forEach((item, i) => sitesOf(resolved.items as Schema, `${at}/items`, item, [...path, i], out, seen));
  } else {
    const properties = propertiesOf(resolved);
    for (const key of Object.keys(value)) {
      const sub = has(properties, key) ? properties[key] : isObject(resolved.additionalProperties) ? (resolved.additionalProperties as Schema) : undefined;
      const subPointer = has(properties, key) ? `${at}/properties/${escapePointerSegment(key)}` : `${at}/additionalProperties`;
      if (sub !== undefined) sitesOf(sub, subPointer, (value as Record<string, unknown>)[key], [...path, key], out, seen);
    }
  }
  seen.delete(value);
  return out;
}

// ---- mutations ---------------------------------------------------------------------------------------

class Thing {
  id = 'x';
  type = 'message';
}

/** A deep copy of plain objects and arrays (own `__proto__` keys and prototypes kept); other objects are shared. */
function copy(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    out.length = value.length;
    for (const key of Object.keys(value)) defineOwn(out, key, copy((value as unknown as Record<string, unknown>)[key], seen));
    return out;
  }
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const out = Object.create(prototype) as Record<string, unknown>;
  seen.set(value, out);
  for (const key of Object.keys(value)) defineOwn(out, key, copy((value as Record<string, unknown>)[key], seen));
  return out;
}

interface Mutation {
  what: string;
  /** Changes the copy's value at the site (given with its parent and the copy's root); returns the new value there. */
  apply: (old: unknown, root: unknown) => unknown;
}

const mutation = (what: string, apply: Mutation['apply']): Mutation => ({ what, apply });
const entriesOf = (value: Record<string, unknown>) => Object.keys(value).map((key) => [key, value[key]] as const);

/** What JSON cannot hold, and the wrong kind of container. */
const REPLACEMENTS: Mutation[] = [
  mutation('NaN', () => NaN),
  mutation('Infinity', () => Infinity),
  mutation('-Infinity', () => -Infinity),
  mutation('-0', () => -0),
  mutation('2^53+1', () => 2 ** 53 + 1),
  mutation('-(2^53+1)', () => -(2 ** 53 + 1)),
  mutation('1.5', () => 1.5),
  mutation('-1', () => -1),
  mutation('0', () => 0),
  mutation('""', () => ''),
  mutation('a lone high surrogate', () => '\uD800'),
  mutation('a lone low surrogate in text', () => 'x\uDC00y'),
  mutation('true', () => true),
  mutation('null', () => null),
  mutation('undefined', () => undefined),
  mutation('[]', () => []),
  mutation('{}', () => ({})),
  mutation('the value inside an array', (old) => [old]),
  mutation('an array-like object', (old) => ({ 0: old, length: 1 })),
  mutation('a Date', () => new Date(0)),
  mutation('a Map', () => new Map([['id', 'x']])),
  mutation('a Set', () => new Set(['x'])),
  mutation('a class instance', () => new Thing()),
  mutation('a RegExp', () => /x/),
  mutation('a boxed string', () => new String('x')),
  mutation('a boxed number', () => new Number(1)),
  mutation('a boxed boolean', () => new Boolean(true)),
  mutation('a typed array', () => new Uint8Array([1, 2])),
  mutation('1e21 (an integer JSON prints with an exponent)', () => 1e21),
  mutation('a function', () => function f() {}),
  mutation('a symbol', () => Symbol('s')),
  mutation('a bigint', () => 10n),
  mutation('the root (a cycle)', (_old, root) => root),
  mutation('an object with no prototype', () => Object.create(null) as unknown),
];

/** The same own properties in another kind of object. */
const REWRAPS: Mutation[] = [
  mutation('as a class instance', (old) => objectOf(entriesOf(old as Record<string, unknown>), Thing.prototype)),
  mutation('as an object with no prototype', (old) => objectOf(entriesOf(old as Record<string, unknown>), null)),
  mutation('as a Date with its properties', (old) => Object.assign(new Date(0), objectOf(entriesOf(old as Record<string, unknown>)))),
  mutation('inheriting all its properties', (old) => Object.create(old as object) as unknown),
  mutation('with a polluted prototype (an enumerable "extra")', (old) => objectOf(entriesOf(old as Record<string, unknown>), objectOf([['extra', 1]]))),
  mutation('with a prototype naming type "agent"', (old) => objectOf(entriesOf(old as Record<string, unknown>), objectOf([['type', 'agent'], ['id', 'u1']]))),
  mutation('as an array of its values', (old) => Object.values(old as object)),
  mutation('behind a Proxy with no traps', (old) => new Proxy(old as object, {})),
  mutation('with each property an own enumerable getter', (old) => {
    const getters = {};
    for (const [key, value] of entriesOf(old as Record<string, unknown>)) Object.defineProperty(getters, key, { enumerable: true, configurable: true, get: () => value });
    return getters;
  }),
  // ajv (ownProperties) never reads an inherited key; a guard that read it before checking would throw.
  mutation('with a prototype whose enumerable getter throws', (old) => {
    const prototype = {};
    Object.defineProperty(prototype, 'trap', { enumerable: true, get: () => { throw new Error('read an inherited key'); } });
    return objectOf(entriesOf(old as Record<string, unknown>), prototype);
  }),
];

function mutationsFor(site: Site): fc.Arbitrary<Mutation> {
  const { schema, value } = site;
  const options: Array<fc.WeightedArbitrary<Mutation>> = [{ weight: 3, arbitrary: fc.constantFrom(...REPLACEMENTS) }];
  const types = typesOf(schema) ?? [];
  const min = num(schema, 'minLength');
  const max = num(schema, 'maxLength');
  if (types.includes('string') || min !== undefined || max !== undefined) {
    const lengths = [...new Set([min ?? 0, Math.max((min ?? 0) - 1, 0), ...(max === undefined ? [] : [max, max + 1])])];
    options.push({
      weight: 3,
      arbitrary: fc.constantFrom(...lengths).chain((n) => exactCodePoints(n).map((s) => mutation(`a string of ${n} code points (${s.length} UTF-16 units)`, () => s))),
    });
  }
  if (types.includes('integer') || types.includes('number')) {
    const bounds = [num(schema, 'minimum'), num(schema, 'maximum')].filter((n): n is number => n !== undefined);
    const edges = bounds.flatMap((n) => [n, n - 1, n + 1, n - 0.5]);
    if (edges.length > 0) options.push({ weight: 2, arbitrary: fc.constantFrom(...edges).map((n) => mutation(`the number ${n}`, () => n)) });
  }
  if (site.union !== undefined || has(propertiesOf(schema), 'type')) {
    const union = site.union;
    const tags = [...(union?.branches.map((b) => b.value) ?? []), 'bot', 'rich_message', '', 'AGENT', 7, null, undefined];
    options.push({
      weight: 3,
      arbitrary: fc.constantFrom(...tags).map((tag) =>
        mutation(`type set to ${String(fc.stringify(tag))}`, (old) => {
          if (isObjectValue(old)) defineOwn(old, union?.property ?? 'type', tag);
          return old;
        }),
      ),
    });
  }
  if (isObjectValue(value)) {
    const keys = Object.keys(value);
    const declared = Object.keys(propertiesOf(schema));
    options.push({ weight: 3, arbitrary: fc.constantFrom(...REWRAPS) });
    if (keys.length > 0) {
      const key = fc.constantFrom(...keys);
      options.push({
        weight: 4,
        arbitrary: fc.oneof(
          key.map((k) => mutation(`"${k}" dropped`, (old) => (delete (old as Record<string, unknown>)[k], old))),
          key.map((k) => mutation(`"${k}" set to undefined`, (old) => (defineOwn(old as object, k, undefined), old))),
          key.map((k) => mutation(`"${k}" made non-enumerable`, (old) => (defineOwn(old as object, k, (old as Record<string, unknown>)[k], false), old))),
          key.map((k) =>
            mutation(`"${k}" moved to the prototype`, (old) => {
              const own = old as Record<string, unknown>;
              return objectOf(entriesOf(own).filter(([name]) => name !== k), objectOf([[k, own[k]]]));
            }),
          ),
        ),
      });
    }
    const newKey = fc.oneof(keyArbitrary, ...(declared.length > 0 ? [fc.constantFrom(...declared)] : []));
    const newValue = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constantFrom(NaN, -0, Infinity, undefined, '\uD800', new Date(0)));
    options.push({
      weight: 4,
      arbitrary: fc.tuple(newKey, newValue).map(([k, v]) => mutation(`"${k}" added as ${String(fc.stringify(v))}`, (old) => (defineOwn(old as object, k, v), old))),
    });
  }
  if (Array.isArray(value)) {
    const maxItems = num(schema, 'maxItems');
    options.push({
      weight: 4,
      arbitrary: fc.constantFrom(
        mutation('an item repeated', (old) => {
          const list = old as unknown[];
          return list.length > 0 ? [...list, list[0]] : [''];
        }),
        mutation('the first item dropped', (old) => (old as unknown[]).slice(1)),
        mutation('a hole appended', (old) => {
          const list = [...(old as unknown[])];
          list.length += 1;
          return list;
        }),
        mutation('a named property on the array', (old) => (defineOwn(old as object, 'extra', 1), old)),
        // Where ajv's deep equality (uniqueItems) throws: `valueOf` that is no function, a cycle.
        mutation('two {"valueOf": 1} items', () => [{ valueOf: 1 }, { valueOf: 1 }]),
        mutation('two distinct cyclic lists', () => {
          const first: unknown[] = [];
          first.push(first);
          const second: unknown[] = [];
          second.push(second);
          return [first, second];
        }),
        ...(maxItems === undefined
          ? []
          : [maxItems, maxItems + 1].map((n) =>
              mutation(`${n} items`, (old) => {
                const list = old as unknown[];
                const filler = list.length > 0 ? list : ['x'];
                return Array.from({ length: n }, (_, i) => (schema.uniqueItems === true && typeof filler[i % filler.length] === 'string' ? `${String(filler[i % filler.length])}${i}` : filler[i % filler.length]));
              }),
            )),
      ),
    });
  }
  return fc.oneof(...options);
}

/** A copy of `root` with the mutation applied at `path`. */
function mutate(root: unknown, path: Path, change: Mutation): unknown {
  const out = copy(root);
  if (path.length === 0) return change.apply(out, out);
  let parent = out as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const next = change.apply(parent[last], out);
  if (Array.isArray(parent)) parent[last as number] = next;
  else defineOwn(parent, String(last), next);
  return out;
}

// ---- cases and their report ------------------------------------------------------------------------

interface Subject {
  id: string;
  /** The schema the value is checked against (a `$ref` to a named schema, or the null payload). */
  schema: Schema;
  pointer: string;
  validate: ValidateFunction;
  guardName: string;
  examples: Array<{ name: string; value: unknown }>;
  /** A message that carries nothing: its guard also takes `undefined` (the SDK's call without argument), which JSON cannot hold. */
  payloadless?: boolean;
  /** Its definition in the validators' schema set, which the explainer walks. */
  definition?: string;
}

interface Case {
  subject: Subject;
  origin: string;
  value: unknown;
  mutation: { what: string; path: Path; pointer: string } | undefined;
}

/** Prototypes and shapes that JSON text would hide, cycles marked. */
function render(value: unknown, depth = 0, seen = new Set<object>()): string {
  if (typeof value === 'string') return value.length > 60 ? `${JSON.stringify(value.slice(0, 24))}…(${value.length} UTF-16 units, ${ucs2length(value)} code points)` : JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return String(fc.stringify(value));
  if (seen.has(value)) return '[cycle]';
  if (depth > 6) return '…';
  seen.add(value);
  try {
    const parts = Object.keys(value).map((key) => `${Array.isArray(value) && /^\d+$/.test(key) ? '' : `${JSON.stringify(key)}: `}${render((value as Record<string, unknown>)[key], depth + 1, seen)}`);
    if (Array.isArray(value)) return `[${parts.join(', ')}${value.length > Object.keys(value).length ? ', <holes>' : ''}]`;
    const prototype = Object.getPrototypeOf(value) as object | null;
    const kind =
      prototype === Object.prototype ? '' : prototype === null ? 'null-prototype ' : prototype.constructor !== Object && typeof prototype.constructor === 'function' && has(prototype, 'constructor') ? `${prototype.constructor.name} ` : `inheriting ${render(prototype, depth + 1, seen)} `;
    return `${kind}{${parts.join(', ')}}`;
  } finally {
    seen.delete(value);
  }
}

function ajvErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 4)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? e.keyword} [${e.schemaPath.replace(/^urn:customer-chat:bundle#\/definitions\/|^#\/definitions\//, '/components/schemas/')}]`)
    .join('; ');
}

/** The deepest place governed by a named schema where the module's guard and ajv disagree. */
function locate(guards: GuardModule, subject: Subject, value: unknown): string {
  const sites = sitesOf(subject.schema, subject.pointer, value).filter((s) => s.name !== undefined);
  for (const site of [...sites].reverse()) {
    const guard = guards[`is${site.name!}`] as Guard | undefined;
    if (guard === undefined) continue;
    const reference = ajvVerdict(bundleValidator(site.name!), site.value);
    const own = guardVerdict(guard, site.value);
    if (!agrees(own, reference)) return `schema ${specPointer(site.name!)} at instance path "${formatPointer(site.path)}" (guard ${String(own)}, ajv ${String(reference)})`;
  }
  return `schema ${subject.pointer} at the root`;
}

let cases = 0;
let ajvThrew = 0;
let validCases = 0;
const perSubject = new Map<string, number>();

/** Compares the verdicts; throws a report on disagreement. */
function check(guards: GuardModule, subject: Subject, item: Case): void {
  cases += 1;
  perSubject.set(subject.id, (perSubject.get(subject.id) ?? 0) + 1);
  const guard = guards[subject.guardName] as Guard;
  const reference = subject.payloadless === true && item.value === undefined ? true : ajvVerdict(subject.validate, item.value);
  if (reference === 'throws') ajvThrew += 1;
  if (reference === true) validCases += 1;
  const own = guardVerdict(guard, item.value);
  if (agrees(own, reference)) {
    if (guards === generated && subject.definition !== undefined && !(subject.payloadless === true && item.value === undefined)) checkExplanation(subject, subject.definition, item, reference);
    return;
  }
  // Read ajv's errors before locate() runs other validators.
  ajvVerdict(subject.validate, item.value);
  const errors = ajvErrors(subject.validate.errors);
  throw new Error(
    [
      `${subject.guardName} says ${String(own)}, ajv says ${String(reference)}${reference === 'throws' ? ' (the guard must reject)' : ''} for ${subject.id} (${item.origin})`,
      `  where: ${locate(guards, subject, item.value)}`,
      item.mutation === undefined ? '  mutation: none' : `  mutation: ${item.mutation.what} at instance path "${formatPointer(item.mutation.path)}" (schema ${item.mutation.pointer})`,
      `  ajv errors: ${errors || 'none'}`,
      `  value: ${render(item.value)}`,
    ].join('\n'),
  );
}

/** A case that fast-check prints readably in a counterexample. */
function printable(item: Case): Case {
  const text = () => `${item.subject.id} (${item.origin})${item.mutation ? `, ${item.mutation.what} at "${formatPointer(item.mutation.path)}"` : ''}: ${render(item.value)}`;
  return Object.assign(item, { [fc.toStringMethod]: text });
}

function generatedCases(subject: Subject): fc.Arbitrary<Case> {
  return arbitraryOf(subject.schema, subject.pointer).map((value) => printable({ subject, origin: 'drawn from the schema', value, mutation: undefined }));
}

function mutantCases(subject: Subject): fc.Arbitrary<Case> {
  const bases: Array<fc.WeightedArbitrary<{ origin: string; value: unknown }>> = [{ weight: 3, arbitrary: arbitraryOf(subject.schema, subject.pointer).map((value) => ({ origin: 'a drawn value', value })) }];
  if (subject.examples.length > 0) bases.push({ weight: 2, arbitrary: fc.constantFrom(...subject.examples).map((e) => ({ origin: `example "${e.name}"`, value: e.value })) });
  return fc.oneof(...bases).chain(({ origin, value }) => {
    const sites = sitesOf(subject.schema, subject.pointer, value);
    return fc
      .constantFrom(...sites)
      .chain((site) => mutationsFor(site).map((change) => ({ site, change })))
      .map(({ site, change }): Case => {
        return printable({ subject, origin: `mutant of ${origin}`, value: mutate(value, site.path, change), mutation: { what: change.what, path: site.path, pointer: site.pointer } });
      });
  });
}

// ---- subjects: every message payload, every named schema -----------------------------------------

function exampleName(message: Message, index: number): string {
  return message.examples[index]?.name ?? `#${index}`;
}

const messageSubjects: Subject[] = model.messages.map((message) => ({
  id: `payload of ${message.name}`,
  schema: definitions[`payload.${message.name}`]!,
  pointer: message.payload === undefined ? `${message.pointer}/payload` : specPointer(message.payload.ref),
  validate: ajv.compile(readJson(`schemas/${message.name}.json`) as object),
  guardName: `is${pascalCase(message.name)}`,
  examples: message.examples.map((e, i) => ({ name: exampleName(message, i), value: e.payload ?? null })),
  payloadless: message.payload === undefined,
  definition: `payload.${message.name}`,
}));

/** Every value inside the spec's examples that a named schema governs, by that schema. */
const namedExamples = new Map<string, Array<{ name: string; value: unknown }>>();
for (const subject of messageSubjects) {
  for (const example of subject.examples) {
    for (const site of sitesOf(subject.schema, subject.pointer, example.value)) {
      if (site.name === undefined) continue;
      const list = namedExamples.get(site.name) ?? [];
      list.push({ name: `${subject.id}, example "${example.name}" at "${formatPointer(site.path)}"`, value: site.value });
      namedExamples.set(site.name, list);
    }
  }
}

const namedSubjects: Subject[] = model.schemas.map((schema) => ({
  id: `schema ${schema.name}`,
  schema: { $ref: `#/definitions/${schema.name}` },
  pointer: schema.pointer,
  validate: bundleValidator(schema.name),
  guardName: `is${schema.name}`,
  definition: schema.name,
  examples: [
    ...(namedExamples.get(schema.name) ?? []),
    ...(Array.isArray(schema.schema.examples) ? (schema.schema.examples as unknown[]).map((value, i) => ({ name: `${schema.name} examples[${i}]`, value })) : []),
  ],
}));

function runSubject(guards: GuardModule, subject: Subject, runs: { generated: number; mutants: number }): void {
  for (const example of subject.examples) check(guards, subject, { subject, origin: `example "${example.name}"`, value: example.value, mutation: undefined });
  fc.assert(fc.property(generatedCases(subject), (item) => check(guards, subject, item)), { numRuns: runs.generated });
  fc.assert(fc.property(mutantCases(subject), (item) => check(guards, subject, item)), { numRuns: runs.mutants });
}

// ---- the tests -------------------------------------------------------------------------------------

/** A spec example as its whole frame: the header constants, a request id where the header takes one, the payload. */
function exampleFrame(message: Message, payload: unknown): Record<string, unknown> {
  const properties = propertiesOf(definitions[`frame.${message.name}`]!);
  const frame: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (name === 'payload') continue;
    frame[name] = 'const' in property ? property.const : 'req-1';
  }
  if (message.payload !== undefined) frame.payload = payload;
  return frame;
}

/** Every wire frame (header fields and payload), by its frame guard. */
const frameSubjects: Subject[] = model.messages
  .filter((message) => message.kind !== 'client')
  .map((message) => ({
    id: `frame of ${message.name}`,
    schema: definitions[`frame.${message.name}`]!,
    pointer: message.pointer,
    validate: ajv.compile(readJson(`schemas/frames/${message.name}.json`) as object),
    guardName: `is${pascalCase(message.name)}Frame`,
    examples: message.examples.map((e, i) => ({ name: exampleName(message, i), value: exampleFrame(message, e.payload ?? null) })),
    definition: `frame.${message.name}`,
  }));

describe('the subjects', () => {
  it('are every message and every named schema, each with its guard', () => {
    expect(messageSubjects).toHaveLength(model.messages.length);
    expect(namedSubjects).toHaveLength(model.schemas.length);
    expect(frameSubjects).toHaveLength(model.messages.filter((m) => m.kind !== 'client').length);
    for (const subject of [...messageSubjects, ...namedSubjects, ...frameSubjects]) expect(typeof (generated as GuardModule)[subject.guardName], subject.guardName).toBe('function');
    expect(Object.keys(generated.payloadGuards)).toEqual(model.messages.map((m) => m.name));
    expect(Object.keys(generated.frameGuards)).toEqual(frameSubjects.map((s) => s.id.replace('frame of ', '')));
  });

  it('every spec example is valid to ajv and to its guard', () => {
    for (const subject of messageSubjects) {
      for (const example of subject.examples) {
        expect([subject.id, example.name, ajvVerdict(subject.validate, example.value)]).toEqual([subject.id, example.name, true]);
        check(generated, subject, { subject, origin: `example "${example.name}"`, value: example.value, mutation: undefined });
      }
    }
  });
});

describe('guards against ajv: message payloads (spec examples, drawn values, mutants)', () => {
  it.each(messageSubjects.map((subject) => ({ id: subject.id, subject })))('$id', ({ subject }) => {
    runSubject(generated, subject, { generated: GENERATED_RUNS, mutants: MUTANT_RUNS });
  });
});

describe('guards against ajv: whole wire frames (spec examples as frames, drawn frames, mutants)', () => {
  it.each(frameSubjects.map((subject) => ({ id: subject.id, subject })))('$id', ({ subject }) => {
    for (const example of subject.examples) expect([subject.id, example.name, ajvVerdict(subject.validate, example.value)]).toEqual([subject.id, example.name, true]);
    runSubject(generated, subject, { generated: Math.ceil(FRAME_RUNS / 3), mutants: FRAME_RUNS });
  });
});

describe('guards against ajv: named schemas (values inside the examples, drawn values, mutants)', () => {
  it.each(namedSubjects.map((subject) => ({ id: subject.id, subject })))('$id', ({ subject }) => {
    runSubject(generated, subject, { generated: Math.ceil(NAMED_RUNS / 3), mutants: NAMED_RUNS });
  });
});

describe('the number of cases', () => {
  it('is at least 100,000 over the messages', () => {
    const overMessages = messageSubjects.reduce((sum, s) => sum + (perSubject.get(s.id) ?? 0), 0);
    const overFrames = frameSubjects.reduce((sum, s) => sum + (perSubject.get(s.id) ?? 0), 0);
    expect(overFrames).toBeGreaterThan(frameSubjects.length * 100);
    console.log(
      `guards-differential: ${cases} cases (${overMessages} over the ${messageSubjects.length} message payloads, ${overFrames} over the ${frameSubjects.length} wire frames, ${cases - overMessages - overFrames} over the ${namedSubjects.length} named schemas); ` +
        `${validCases} valid to ajv, ${cases - validCases - ajvThrew} invalid, ${ajvThrew} where ajv threw (the guard said false)`,
    );
    console.log(`guards-differential: ${explainedCases} invalid cases explained with exactly ajv's errors`);
    if (SCALE >= 1) expect(overMessages).toBeGreaterThanOrEqual(100_000);
    expect(explainedCases).toBeGreaterThan(cases / 10);
    // uniqueItems over items that make ajv's deep equality throw: the guards said false each time.
    expect(ajvThrew).toBeGreaterThan(0);
    // Both verdicts are common: the comparison is not one-sided.
    expect(validCases).toBeGreaterThan(cases / 10);
    expect(cases - validCases).toBeGreaterThan(cases / 10);
  });
});

// ---- the benchmark's hand-written guards ------------------------------------------------------------

describe("the benchmark's hand-written guards give ajv's verdicts too (so the comparison is fair)", () => {
  const modules = [
    { file: 'bench/hand-written.ts', module: handWritten },
    { file: 'bench/hand-written-own-first.ts', module: handWrittenOwnFirst },
  ];
  const messages = ['get_chats_summary_response', 'new_event'];
  it.each(modules.flatMap(({ file, module }) => messages.map((message) => ({ file, message, module }))))('$file, $message', ({ message, module }) => {
    const guards: GuardModule = { isGetChatsSummaryResponse: module.isChatsSummaryPage, isChatsSummaryPage: module.isChatsSummaryPage, isNewEvent: module.isEvent, isEvent: module.isEvent };
    runSubject(guards, messageSubjects.find((s) => s.id === `payload of ${message}`)!, { generated: Math.round(500 * SCALE), mutants: Math.round(2500 * SCALE) });
  });
});

// ---- the harness catches broken guards -------------------------------------------------------------

const GENERATED_SOURCE = readFileSync(`${PACKAGE_DIR}src/gen/guards/index.ts`, 'utf8');

/** A copy of the generated module with one deliberate bug, compiled and loaded here. */
function brokenCopy(find: string | RegExp, replace: string): GuardModule {
  const source = GENERATED_SOURCE.replace(find, replace);
  if (source === GENERATED_SOURCE) throw new Error(`the sabotage does not apply: ${String(find)} is not in the generated guards`);
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const exports: GuardModule = {};
  new Function('exports', 'require', outputText)(exports, (specifier: string) => {
    if (specifier === '#runtime/ajv-runtime') return { ucs2length };
    throw new Error(`unexpected import ${specifier}`);
  });
  return exports;
}

const SABOTAGES: Array<{ bug: string; message: string; find: string | RegExp; replace: string; where: string; frame?: boolean }> = [
  {
    bug: 'a frame guard that does not pin its action',
    message: 'user_is_typing',
    find: "if (_frame.action !== 'user_is_typing') return false;",
    replace: '',
    where: '/components/messages/userIsTyping',
    frame: true,
  },
  {
    bug: 'maxLength counted in UTF-16 units, not code points',
    message: 'send_event',
    find: '(_text.length > 32768 || ucs2length(_text) > 16384)',
    replace: 'true',
    where: '/components/schemas/MessageEventInput',
  },
  {
    bug: 'an inherited required property taken for an own one',
    message: 'get_chats_summary_response',
    find: /(export function isChatSummary[\s\S]*?)if \(_id === undefined \|\| !hasOwn\.call\(_object, 'id'\)\) return false;/,
    replace: '$1if (_id === undefined) return false;',
    where: '/components/schemas/ChatSummary',
  },
  {
    bug: 'the fallback branch of a union forgotten',
    message: 'new_event',
    find: 'default: return isUnknownEvent(value);',
    replace: 'default: return false;',
    where: '/components/schemas/Event',
  },
  {
    bug: 'Infinity taken for an integer',
    message: 'get_chats_summary_response',
    find: '!Number.isInteger(_totalChats)',
    replace: '!(Number.isInteger(_totalChats) || _totalChats === Infinity)',
    where: '/components/schemas/ChatsSummaryPage',
  },
  {
    bug: 'inherited enumerable keys counted as additional properties',
    message: 'send_event',
    find: "if (_key !== 'chat' && _key !== 'event' && hasOwn.call(_object, _key)) return false;",
    replace: "if (_key !== 'chat' && _key !== 'event') return false;",
    where: '/components/schemas/SendEventArguments',
  },
  {
    bug: 'uniqueItems left out',
    message: 'get_chat_threads',
    find: 'if (_array[_j] === _item2) return false;',
    replace: 'if (_array[_j] === _item2 && false) return false;',
    where: '/components/schemas/GetChatThreadsArguments',
  },
  {
    bug: 'a map entry under "__proto__" skipped',
    message: 'update_chat_properties',
    find: /(export function isPropertyNamespace[\s\S]*?for \(const _key in _object\) \{)/,
    replace: "$1\n    if (_key === '__proto__') continue;",
    where: '/components/schemas/PropertyNamespace',
  },
];

describe('the harness catches a broken guard', () => {
  it.each(SABOTAGES)('$bug ($message)', ({ message, find, replace, where, frame }) => {
    const broken = brokenCopy(find, replace);
    const subject = frame === true ? frameSubjects.find((s) => s.id === `frame of ${message}`)! : messageSubjects.find((s) => s.id === `payload of ${message}`)!;
    let report = '';
    const run = (arbitrary: fc.Arbitrary<Case>, numRuns: number) => {
      // A fixed seed: whether a search of this size meets the bug must not change from run to run.
      const outcome = fc.check(fc.property(arbitrary, (item) => check(broken, subject, item)), { numRuns, seed: 20261129 });
      if (outcome.failed) report = String(outcome.errorInstance instanceof Error ? outcome.errorInstance.message : outcome.errorInstance);
      return outcome.failed;
    };
    const caught = subject.examples.some((e) => run(fc.constant({ subject, origin: `example "${e.name}"`, value: e.value, mutation: undefined }), 1)) || run(generatedCases(subject), 3000) || run(mutantCases(subject), 20_000);
    expect(caught, 'no disagreement found').toBe(true);
    console.log(`guards-differential: sabotage caught:\n${report}`);
    expect(report).toContain(`where: schema ${where}`);
    expect(report).toMatch(/value: /);
  });
});

describe('the harness catches a broken explainer', () => {
  const set = schemaSet();
  const SABOTAGED: Array<{ bug: string; message: string; explainer: Explainer }> = [
    {
      bug: 'a guard that passes what it should not (the walk skips a subtree with errors)',
      message: 'new_event',
      explainer: (definition, value) => explain({ ...set, guards: { ...set.guards, FileEvent: () => true } }, definition, value),
    },
    {
      bug: 'errors in another order than ajv\'s',
      message: 'get_chat_threads',
      explainer: (definition, value) => explain(set, definition, value).reverse(),
    },
    {
      bug: 'a keyword the walk forgets (maxLength)',
      message: 'send_event',
      explainer: (definition, value) => explain(set, definition, value).filter((e) => e.keyword !== 'maxLength'),
    },
  ];
  it.each(SABOTAGED)('$bug ($message)', ({ message, explainer }) => {
    const subject = messageSubjects.find((s) => s.id === `payload of ${message}`)!;
    const outcome = fc.check(
      fc.property(mutantCases(subject), (item) => {
        const reference = ajvVerdict(subject.validate, item.value);
        if (reference === false) checkExplanation(subject, subject.definition!, item, reference, explainer);
      }),
      { numRuns: 20_000, seed: 20261129 },
    );
    expect(outcome.failed, 'no disagreement found').toBe(true);
    const report = String(outcome.errorInstance instanceof Error ? outcome.errorInstance.message : outcome.errorInstance);
    expect(report).toContain(`the explainer disagrees with ajv on payload.${message}`);
  });
});
