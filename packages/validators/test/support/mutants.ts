// The mutants and valid variants of the validators' property tests, derived from the JSON Schemas
// and the spec's examples alone (nothing here names a message or a field): mutants.test.ts checks
// the precompiled validators with them; other-languages.test.ts checks that Python's jsonschema,
// run on the exported schema files, finds the same verdicts. mutants.test.ts describes the categories.
import fc from 'fast-check';
import { validate, validateFrame, type FrameName, type MessageName, type Validation } from '../../src/index.js';
import { FORMAT_SAMPLES, PATTERN_PROBES, SchemaSet, patternOf, declaredTypes, isPrimitiveSchema, jsonTypeOf, typeAccepted, type JsonType, type Site, type UnionSite, type ValueSite } from './json-schema.js';
import { defineOwn, frameOf, isAtOrAbove, isJsonPointer, isObject, loadBundle, loadProtocol, pointer, updateAt, type Message, type Path, type Schema } from './protocol.js';

const protocol = await loadProtocol();
export const { model } = protocol;
export const schemas = new SchemaSet(loadBundle().definitions);

// ---- subjects: every payload, and every wire frame, with the spec's examples ---------------------

export interface Subject {
  id: string;
  message: Message;
  schema: Schema;
  check: (data: unknown) => Validation<unknown>;
  examples: Array<{ name: string; value: unknown }>;
}

function exampleName(message: Message, index: number): string {
  return message.examples[index]?.name ?? `#${index}`;
}

export const subjects: Subject[] = model.messages.flatMap((message): Subject[] => {
  const payloadSchema = schemas.definitions[`payload.${message.name}`];
  if (payloadSchema === undefined) throw new Error(`bundle.json has no payload.${message.name}`);
  const examples = message.examples.map((e, i) => ({ name: exampleName(message, i), value: e.payload ?? null }));
  const out: Subject[] = [
    { id: `payload ${message.name}`, message, schema: payloadSchema, check: (data) => validate(message.name as MessageName, data), examples },
  ];
  if (message.kind !== 'client') {
    const frameSchema = schemas.definitions[`frame.${message.name}`];
    if (frameSchema === undefined) throw new Error(`bundle.json has no frame.${message.name}`);
    out.push({
      id: `frame ${message.name}`,
      message,
      schema: frameSchema,
      check: (data) => validateFrame(message.name as FrameName, data),
      examples: examples.map((e) => ({ name: e.name, value: frameOf(message, e.value) })),
    });
  }
  return out;
});

// ---- mutants -------------------------------------------------------------------------------------

export const CATEGORIES = ['drop-required', 'wrong-type', 'extra-property', 'unknown-discriminator', 'limit'] as const;
export type Category = (typeof CATEGORIES)[number];

/** JSON of a value for failure reports: long strings shortened (their length kept), the whole capped. */
export function preview(value: unknown, max = 3000): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 24)}…(${v.length} UTF-16 units)` : v)) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** One mutated value, and what the validator must say about it. */
export class Mutant {
  constructor(
    readonly subject: string,
    readonly example: string,
    readonly what: string,
    readonly value: unknown,
    /** JSON pointer of the mutated location. */
    readonly target: string,
    /** The keyword that must fail exactly at `target`; undefined when any error at or above it will do. */
    readonly keyword: string | undefined,
    /** The outermost union around the target: its branches may report errors anywhere below it. */
    readonly unionRoot: string | undefined,
    readonly expectValid = false,
  ) {}

  describe(): string {
    return `${this.subject}, example "${this.example}": ${this.what} at "${this.target}"`;
  }

  [fc.toStringMethod](): string {
    return `${this.describe()} -> ${preview(this.value)}`;
  }
}

export interface MutationPoint {
  category: Category;
  keyword: string;
  subject: string;
  example: string;
  at: string;
  arbitrary: fc.Arbitrary<Mutant>;
}

/** Code points of every plane (no lone surrogates, so code-point counts are exact). */
export const codePoint = fc
  .integer({ min: 0, max: 0x10ffff })
  .filter((c) => c < 0xd800 || c > 0xdfff)
  .map((c) => String.fromCodePoint(c));

/** Characters for length tests: one UTF-16 unit, and astral ones (two units, one code point). */
export const lengthChar = fc.constantFrom('a', '~', '/', 'é', '\u{1F600}', '\u{10FFFF}');

const keyArbitrary = (taken: (key: string) => boolean) =>
  fc.oneof(fc.string({ unit: codePoint, maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'a/b', '~0', '')).filter((k) => !taken(k));

/** One value per JSON type, to pick the ones a location does not accept. */
const WRONG_VALUES: Array<{ type: JsonType; arbitrary: fc.Arbitrary<unknown> }> = [
  { type: 'string', arbitrary: fc.string({ maxLength: 6 }) },
  { type: 'integer', arbitrary: fc.integer() },
  { type: 'number', arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)) },
  { type: 'boolean', arbitrary: fc.boolean() },
  { type: 'null', arbitrary: fc.constant(null) },
  { type: 'array', arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }) },
  { type: 'object', arbitrary: fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) },
];

function num(schema: Schema, keyword: string): number | undefined {
  const value = schema[keyword];
  return typeof value === 'number' ? value : undefined;
}

function ownKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value);
}

function propertiesOf(schema: Schema): Record<string, Schema> {
  return isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
}

/** Whether the fallback branch takes a value once its discriminator names an unknown type. */
function fallbackTakes(site: UnionSite): boolean {
  const fallback = site.union.fallback;
  if (fallback === undefined) return false;
  const keys = ownKeys(site.value);
  const required = (fallback.schema.required ?? []) as string[];
  if (!required.every((key) => keys.includes(key))) return false;
  return fallback.schema.additionalProperties !== false || keys.every((key) => key in propertiesOf(fallback.schema));
}

/** Whether the fallback branch takes the value once its discriminator is left out. */
function fallbackTakesWithoutDiscriminator(site: UnionSite): boolean {
  const fallback = site.union.fallback;
  if (fallback === undefined || ((fallback.schema.required ?? []) as string[]).includes(site.union.property)) return false;
  const { [site.union.property]: _dropped, ...rest } = site.value;
  return fallbackTakes({ ...site, value: rest });
}

export function mutationPoints(subject: Subject): MutationPoint[] {
  const points: MutationPoint[] = [];
  for (const example of subject.examples) {
    /** The unions met so far, by the pointer of their location (a union's value sites follow it). */
    const unions = new Map<string, UnionSite>();
    for (const site of schemas.sites(subject.schema, example.value)) {
      const unionRoot = site.unionRoot === undefined ? undefined : pointer(site.unionRoot);
      const add = (category: Category, keyword: string, at: Path, arbitrary: fc.Arbitrary<Mutant>) =>
        points.push({ category, keyword, subject: subject.id, example: example.name, at: pointer(at), arbitrary });
      const mutant = (what: string, value: unknown, target: Path, keyword: string | undefined, expectValid = false) =>
        new Mutant(subject.id, example.name, what, value, pointer(target), keyword, unionRoot, expectValid);
      const root = example.value;
      if (site.kind === 'union') {
        unions.set(pointer(site.path), site);
        unionPoints(site, root, mutant, add);
        continue;
      }
      valuePoints(site, root, mutant, add, unions.get(pointer(site.path)));
    }
  }
  return points;
}

type MakeMutant = (what: string, value: unknown, target: Path, keyword: string | undefined, expectValid?: boolean) => Mutant;
type AddPoint = (category: Category, keyword: string, at: Path, arbitrary: fc.Arbitrary<Mutant>) => void;

function unionPoints(site: UnionSite, root: unknown, mutant: MakeMutant, add: AddPoint): void {
  const { property, branches } = site.union;
  if (!(property in site.value)) return;
  const known = branches.flatMap((b) => (b.value === undefined ? [] : [b.value]));
  const target = [...site.path, property];
  const valid = fallbackTakes(site);
  add(
    'unknown-discriminator',
    'oneOf',
    target,
    fc
      .oneof(fc.string({ unit: codePoint, maxLength: 12 }), fc.constantFrom(...known.map((k) => `${String(k)} `), ...known.map((k) => String(k).toUpperCase())))
      .filter((tag) => !known.includes(tag))
      .map((tag) =>
        mutant(
          `${site.union.name ?? 'union'}.${property} = ${JSON.stringify(tag)} (${valid ? `taken by the fallback ${site.union.fallback?.name ?? ''}` : 'no fallback'})`,
          updateAt(root, target, () => tag),
          target,
          undefined,
          valid,
        ),
      ),
  );
}

function valuePoints(site: ValueSite, root: unknown, mutant: MakeMutant, add: AddPoint, union: UnionSite | undefined): void {
  const { schema, path, value } = site;
  const types = site.allowed;
  const allows = (t: JsonType) => typeAccepted(types, t);
  const replaceWith = (what: string, keyword: string | undefined, arbitrary: fc.Arbitrary<unknown>) =>
    arbitrary.map((v) => mutant(`${what}: ${preview(v, 80)}`, updateAt(root, path, () => v), path, keyword));

  // (a) a required property dropped
  if (isObject(value)) {
    for (const key of (schema.required ?? []) as string[]) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      const target = [...path, key];
      // Without its discriminator a value may be the fallback's (a user with no `type`).
      const takenByFallback = union !== undefined && key === union.union.property && fallbackTakesWithoutDiscriminator(union);
      add(
        'drop-required',
        'required',
        target,
        fc.constant(
          mutant(
            `required "${key}" dropped${takenByFallback ? ` (taken by the fallback ${union.union.fallback?.name ?? ''})` : ''}`,
            updateAt(root, path, (o) => {
              delete (o as Record<string, unknown>)[key];
              return o;
            }),
            target,
            'required',
            takenByFallback,
          ),
        ),
      );
    }
  }

  // (b) a value of a JSON type the location does not accept (every union branch considered)
  if (types !== undefined) {
    const wrong = WRONG_VALUES.filter((w) => !allows(w.type));
    if (wrong.length > 0) add('wrong-type', 'type', path, replaceWith(`wrong type (accepts ${types.join('|')})`, 'type', fc.oneof(...wrong.map((w) => w.arbitrary))));
  }

  // ... and a map entry or array item of a wrong type, under a random key (pointer escaping)
  const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  if (isObject(value) && isObject(schema.additionalProperties)) {
    const entryTypes = schemas.typesOf(schema.additionalProperties as Schema);
    const wrong = WRONG_VALUES.filter((w) => !typeAccepted(entryTypes, w.type));
    const declared = propertiesOf(schema);
    if (entryTypes !== undefined && wrong.length > 0) {
      add(
        'wrong-type',
        'type',
        [...path, '*'],
        fc.tuple(keyArbitrary((k) => has(declared, k) || has(value, k)), fc.oneof(...wrong.map((w) => w.arbitrary))).map(([key, entry]) =>
          mutant(
            `map entry ${JSON.stringify(key)} of a wrong type (accepts ${entryTypes.join('|')}): ${preview(entry, 60)}`,
            updateAt(root, path, (o) => {
              defineOwn(o as Record<string, unknown>, key, entry);
              return o;
            }),
            [...path, key],
            'type',
          ),
        ),
      );
    }
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    const itemTypes = schemas.typesOf(schema.items as Schema);
    const wrong = WRONG_VALUES.filter((w) => !typeAccepted(itemTypes, w.type));
    if (itemTypes !== undefined && wrong.length > 0) {
      add(
        'wrong-type',
        'type',
        [...path, value.length],
        fc.oneof(...wrong.map((w) => w.arbitrary)).map((item) =>
          mutant(`item of a wrong type appended (accepts ${itemTypes.join('|')}): ${preview(item, 60)}`, updateAt(root, path, (a) => [...(a as unknown[]), item]), [...path, value.length], 'type'),
        ),
      );
    }
  }

  // (c) an extra property where the object is closed
  if (isObject(value) && schema.additionalProperties === false) {
    const declared = propertiesOf(schema);
    add(
      'extra-property',
      'additionalProperties',
      [...path, '*'],
      fc.tuple(keyArbitrary((k) => Object.prototype.hasOwnProperty.call(declared, k)), fc.jsonValue({ maxDepth: 1 })).map(([key, extra]) =>
        mutant(
          `extra property ${JSON.stringify(key)}`,
          updateAt(root, path, (o) => {
            defineOwn(o as Record<string, unknown>, key, extra);
            return o;
          }),
          [...path, key],
          'additionalProperties',
        ),
      ),
    );
  }

  // (e) a limit broken
  const limit = (keyword: string, arbitrary: fc.Arbitrary<unknown>) => add('limit', keyword, path, replaceWith(`breaks ${keyword}`, keyword, arbitrary));
  const maximum = num(schema, 'maximum');
  const minimum = num(schema, 'minimum');
  const integral = allows('integer') ? 'integer' : allows('number') ? 'number' : undefined;
  if (integral !== undefined && maximum !== undefined) limit('maximum', fc.integer({ min: 1, max: 1_000_000 }).map((d) => maximum + d));
  if (integral !== undefined && minimum !== undefined) limit('minimum', fc.integer({ min: 1, max: 1_000_000 }).map((d) => minimum - d));
  const maxLength = num(schema, 'maxLength');
  const minLength = num(schema, 'minLength');
  if (allows('string') && maxLength !== undefined) {
    limit('maxLength', fc.tuple(lengthChar, fc.integer({ min: 1, max: 3 })).map(([c, extra]) => c.repeat(maxLength + extra)));
  }
  if (allows('string') && minLength !== undefined && minLength > 0) limit('minLength', lengthChar.map((c) => c.repeat(minLength - 1)));
  if ('const' in schema && !site.discriminant) {
    const constant = schema.const;
    const other =
      typeof constant === 'string'
        ? fc.string({ minLength: 1, maxLength: 4 }).map((s) => `${constant}${s}`)
        : typeof constant === 'boolean'
          ? fc.constant(!constant)
          : typeof constant === 'number'
            ? fc.integer({ min: 1, max: 100 }).map((d) => constant + d)
            : undefined;
    if (other !== undefined) limit('const', other);
  }
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) {
    const values = schema.enum as string[];
    limit('enum', fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...values.map((v) => v.toUpperCase()), ...values.map((v) => `${v}_`))).filter((s) => !values.includes(s)));
  }
  if (allows('string') && typeof schema.format === 'string') {
    const samples = FORMAT_SAMPLES[schema.format];
    if (samples === undefined) throw new Error(`no invalid samples for format ${schema.format} at ${pointer(path)}`);
    limit('format', fc.constantFrom(...samples.invalid));
  }
  const pattern = patternOf(schema);
  if (allows('string') && pattern !== undefined) {
    // The probes the pattern rejects, the example's own value made hostile, random strings.
    const near = typeof value === 'string' ? nearMisses(value) : [];
    const rejected = [...new Set([...PATTERN_PROBES, ...near])].filter((s) => !pattern.test(s));
    if (rejected.length === 0) throw new Error(`no probe breaks the pattern at ${pointer(path)}`);
    limit('pattern', fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...rejected) }, { weight: 1, arbitrary: fc.string({ unit: codePoint, maxLength: 16 }).filter((s) => !pattern.test(s)) }));
  }
  if (Array.isArray(value)) {
    const maxItems = num(schema, 'maxItems');
    const minItems = num(schema, 'minItems');
    const items = isObject(schema.items) ? (schema.items as Schema) : {};
    if (maxItems !== undefined) {
      limit(
        'maxItems',
        fc.integer({ min: 1, max: 3 }).map((extra) => Array.from({ length: maxItems + extra }, (_, i) => (value.length > 0 ? structuredClone(value[i % value.length]) : schemas.sample(items)))),
      );
    }
    if (minItems !== undefined && minItems > 0) limit('minItems', fc.constant(value.slice(0, minItems - 1)));
    if (schema.uniqueItems === true && value.length > 0) {
      limit('uniqueItems', fc.nat({ max: value.length - 1 }).map((i) => [...value, structuredClone(value[i])]));
    }
  }
  if (isObject(value)) {
    const maxProperties = num(schema, 'maxProperties');
    const minProperties = num(schema, 'minProperties');
    const declared = propertiesOf(schema);
    const entry = isObject(schema.additionalProperties) ? schemas.sample(schema.additionalProperties as Schema) : 'x';
    if (maxProperties !== undefined) {
      limit(
        'maxProperties',
        fc.integer({ min: 1, max: 3 }).map((extra) => {
          const grown: Record<string, unknown> = structuredClone(value);
          for (let i = 0; Object.keys(grown).length < maxProperties + extra; i += 1) {
            if (!(`k${i}` in declared)) grown[`k${i}`] = structuredClone(entry);
          }
          return grown;
        }),
      );
    }
    if (minProperties !== undefined && minProperties > 0) {
      limit('minProperties', fc.constant(Object.fromEntries(Object.entries(value).slice(0, minProperties - 1))));
    }
  }
}

/** A valid string made hostile: wrapped in whitespace, behind another scheme, cut, or with a character that has no place in it. */
export function nearMisses(value: string): string[] {
  const out = [`${value}\n`, `\n${value}`, ` ${value}`, `${value} `, `${value}\u0000`, `javascript:${value}`, `data:text/html,${value}`, value.slice(1), value.slice(0, -1)];
  for (const c of [' ', '"', '<', '\\', '\u00e9', '%']) out.push(`${value.slice(0, value.length >> 1)}${c}${value.slice(value.length >> 1)}`);
  const colon = value.indexOf(':');
  if (colon > 0) for (const scheme of ['javascript', 'data', 'vbscript', 'file', 'blob']) out.push(`${scheme}${value.slice(colon)}`);
  return out;
}

/**
 * Random strings of each format the spec uses, of every kind the format takes (user info and IP
 * addresses in URLs, any scheme's case): only some pass a pattern beside the format.
 */
export const FORMAT_ARBITRARIES: Record<string, fc.Arbitrary<string>> = {
  uri: fc.webUrl({
    validSchemes: ['https', 'http', 'HTTPS', 'Http', 'ftp'],
    authoritySettings: { withIPv4: true, withIPv6: true, withIPv4Extended: true, withUserInfo: true, withPort: true },
    withQueryParameters: true,
    withFragments: true,
  }),
  email: fc.emailAddress(),
};

/** Random valid values of a string location with a format and maybe a pattern (and length limits). */
export function formattedStringArbitrary(schema: Schema): fc.Arbitrary<string> | undefined {
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  const pattern = patternOf(schema);
  if (format === undefined && pattern === undefined) return undefined;
  const random = format === undefined ? undefined : FORMAT_ARBITRARIES[format];
  if (random === undefined) throw new Error(`no random values for format ${String(format)} with pattern ${String(schema.pattern)}`);
  const min = num(schema, 'minLength') ?? 0;
  const max = num(schema, 'maxLength') ?? Infinity;
  const fits = (s: string) => (pattern === undefined || pattern.test(s)) && [...s].length >= min && [...s].length <= max;
  const fixed = (FORMAT_SAMPLES[format!]?.valid ?? []).filter(fits);
  return fc.oneof(...(fixed.length > 0 ? [fc.constantFrom(...fixed)] : []), random.filter(fits));
}

// ---- checking a mutant ---------------------------------------------------------------------------

export class MutantFailure extends Error {
  constructor(mutant: Mutant, problem: string, result: Validation<unknown>) {
    const errors = result.ok ? 'none (accepted)' : preview(result.errors);
    super(`${mutant.describe()}: ${problem}\n  mutant: ${preview(mutant.value)}\n  errors: ${errors}`);
    this.name = 'MutantFailure';
  }
}

/** What the validator must say about a mutant: throws a MutantFailure naming the example when it does not. */
export function checkMutant(mutant: Mutant, check: (data: unknown) => Validation<unknown>): void {
  const result = check(mutant.value);
  if (mutant.expectValid) {
    if (!result.ok) throw new MutantFailure(mutant, 'must be accepted', result);
    if (result.value !== mutant.value) throw new MutantFailure(mutant, 'an accepted value must come back as is', result);
    return;
  }
  if (result.ok) throw new MutantFailure(mutant, 'must be rejected', result);
  if (result.errors.length === 0) throw new MutantFailure(mutant, 'rejected without any error', result);
  for (const error of result.errors) {
    if (!isJsonPointer(error.path)) throw new MutantFailure(mutant, `error path ${JSON.stringify(error.path)} is not a JSON pointer`, result);
    if (typeof error.keyword !== 'string' || error.keyword === '' || typeof error.message !== 'string' || error.message === '') {
      throw new MutantFailure(mutant, 'every error needs a keyword and a message', result);
    }
  }
  const hit = result.errors.some((e) => (mutant.keyword === undefined ? isAtOrAbove(e.path, mutant.target) : e.path === mutant.target && e.keyword === mutant.keyword));
  if (!hit) {
    const wanted = mutant.keyword === undefined ? 'an error at or above it' : `a "${mutant.keyword}" error exactly there`;
    throw new MutantFailure(mutant, `missing ${wanted}`, result);
  }
  const unrelated = result.errors.filter(
    (e) =>
      !isAtOrAbove(e.path, mutant.target) && !isAtOrAbove(mutant.target, e.path) && !(mutant.unionRoot !== undefined && isAtOrAbove(mutant.unionRoot, e.path)),
  );
  if (unrelated.length > 0) throw new MutantFailure(mutant, `errors at unrelated locations: ${unrelated.map((e) => e.path).join(', ')}`, result);
}

// ---- the valid side ------------------------------------------------------------------------------

export interface Variant {
  subject: string;
  example: string;
  value: unknown;
  changes: string[];
}

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const min = num(schema, 'minLength') ?? 0;
  const max = num(schema, 'maxLength');
  const options: Array<fc.Arbitrary<string>> = [fc.string({ unit: codePoint, minLength: min, maxLength: Math.max(min, Math.min(max ?? 24, 24)) })];
  options.push(lengthChar.map((c) => c.repeat(min)));
  // The longest string allowed, in astral characters: twice as many UTF-16 units as the limit.
  if (max !== undefined) options.push(lengthChar.map((c) => c.repeat(max)));
  return fc.oneof(...options);
}

function primitiveArbitrary(schema: Schema, types: readonly JsonType[]): fc.Arbitrary<unknown> {
  const min = num(schema, 'minimum');
  const max = num(schema, 'maximum');
  const options = types.map((type): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'string':
        return stringArbitrary(schema);
      case 'integer': {
        const low = min ?? -(2 ** 31);
        const high = max ?? 2 ** 31 - 1;
        const edges = [low, ...(max === undefined ? [Number.MAX_SAFE_INTEGER] : [high])];
        return fc.oneof(fc.integer({ min: low, max: Math.max(low, Math.min(high, 2 ** 31 - 1)) }), fc.constantFrom(...edges));
      }
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true, ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      default:
        throw new Error(`${type} is not a primitive type`);
    }
  });
  return fc.oneof(...options);
}

/** Random valid values of a schema: random primitives where the schema allows them, else a sample. */
function validValueArbitrary(schema: Schema): fc.Arbitrary<unknown> {
  const resolved = schemas.deref(schema).schema;
  const types = declaredTypes(resolved);
  if (isPrimitiveSchema(types) && isFree(resolved)) return primitiveArbitrary(resolved, types);
  const formatted = types?.length === 1 && types[0] === 'string' && isFreeBut(resolved, ['format', 'pattern']) ? formattedStringArbitrary(resolved) : undefined;
  if (formatted !== undefined) return formatted;
  return fc.constant(schemas.sample(resolved));
}

/** A location whose value may be anything of its types: no const, enum, format or negation. */
function isFree(schema: Schema): boolean {
  return isFreeBut(schema, []);
}

/** Whether the location is free but for the given keywords. */
function isFreeBut(schema: Schema, allowed: ReadonlyArray<'format' | 'pattern'>): boolean {
  const restricting = ['const', 'enum', 'format', 'not', 'pattern'].filter((k) => !allowed.includes(k as 'format' | 'pattern'));
  return restricting.every((keyword) => !(keyword in schema));
}

type Change = (root: unknown) => { root: unknown; change: string };

function variantChanges(site: Site): Array<fc.Arbitrary<Change | undefined>> {
  if (site.kind !== 'value') return [];
  const { schema, path, value } = site;
  const out: Array<fc.Arbitrary<Change | undefined>> = [];
  const maybe = (arbitrary: fc.Arbitrary<Change>) => fc.option(arbitrary, { nil: undefined, freq: 2 });
  const types = declaredTypes(schema);
  // A primitive that may be any value of its types (not a discriminator, not in a unique array).
  if (!site.discriminant && !site.inUniqueArray && isPrimitiveSchema(types) && isFree(schema) && jsonTypeOf(value) !== 'object') {
    out.push(maybe(primitiveArbitrary(schema, types).map((v): Change => (root) => ({ root: updateAt(root, path, () => v), change: `${pointer(path)} = ${preview(v, 60)}` }))));
  }
  // A string of a format (and pattern): random values of the format that pass the pattern.
  const formatted = typeof value === 'string' && !site.discriminant && !site.inUniqueArray && isFreeBut(schema, ['format', 'pattern']) ? formattedStringArbitrary(schema) : undefined;
  if (formatted !== undefined) {
    out.push(maybe(formatted.map((v): Change => (root) => ({ root: updateAt(root, path, () => v), change: `${pointer(path)} = ${preview(v, 60)}` }))));
  }
  if (isObject(value)) {
    const declared = propertiesOf(schema);
    const maxProperties = num(schema, 'maxProperties') ?? Infinity;
    const taken = (k: string) => Object.prototype.hasOwnProperty.call(declared, k) || Object.prototype.hasOwnProperty.call(value, k);
    const entries =
      schema.additionalProperties === undefined || schema.additionalProperties === true
        ? fc.jsonValue({ maxDepth: 2 }) // an open object: unknown properties are kept
        : isObject(schema.additionalProperties)
          ? validValueArbitrary(schema.additionalProperties as Schema) // a map: one more entry
          : undefined;
    if (entries !== undefined && Object.keys(value).length < maxProperties) {
      out.push(
        maybe(
          fc.tuple(keyArbitrary(taken), entries).map(([key, entry]): Change => (root) => ({
            root: updateAt(root, path, (o) => {
              defineOwn(o as Record<string, unknown>, key, entry);
              return o;
            }),
            change: `${pointer([...path, key])} added`,
          })),
        ),
      );
    }
  }
  if (Array.isArray(value) && isObject(schema.items) && schema.uniqueItems !== true && value.length < (num(schema, 'maxItems') ?? Infinity)) {
    const items = schema.items as Schema;
    out.push(
      maybe(
        validValueArbitrary(items).map((item): Change => (root) => ({
          root: updateAt(root, path, (a) => [...(a as unknown[]), item]),
          change: `${pointer([...path, value.length])} appended`,
        })),
      ),
    );
  }
  return out;
}

export function variantArbitrary(subject: Subject): fc.Arbitrary<Variant> {
  const perExample = subject.examples.map((example) => {
    const changes = schemas.sites(subject.schema, example.value).flatMap(variantChanges);
    return fc.tuple(...changes).map((chosen): Variant => {
      let root = example.value;
      const applied: string[] = [];
      // Substitutions first (paths stay put), additions after, deepest first so indices hold.
      for (const change of chosen.filter((c): c is Change => c !== undefined).reverse()) {
        const next = change(root);
        root = next.root;
        applied.push(next.change);
      }
      return { subject: subject.id, example: example.name, value: root, changes: applied };
    });
  });
  return fc.oneof(...perExample);
}
