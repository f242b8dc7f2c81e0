// Explains why a value fails a JSON Schema: the errors ajv reports for it (draft-07 with
// `allErrors`, `ownProperties`, `strictNumbers` and `unicodeRegExp`), in ajv's order, with ajv's
// keywords, messages and params, found by walking the schema rather than by precompiled code.
//
// It runs only after a boolean guard said no, so it is off the fast path and small: the schemas
// are data, parsed on first use. Where a guard says a referenced definition is valid, the walk
// skips that subtree, since no error can come from it; the walk is then short even in a big value.
// test/explain-differential.test.ts holds it to ajv error for error.
//
// ajv's order, which the walk follows: the `type` error first when `type` names several types (or
// one without keywords of its own), then the keywords that apply to any value ($ref, const, enum,
// not, if/then/else), then those of numbers, strings, arrays and objects, each group only for a
// value of its type; a lone `type` with keywords of its group reports its error in that group's place.
import { equal, ucs2length } from './ajv-runtime.js';

export type Schema = { readonly [keyword: string]: unknown };

/** An error as ajv reports it (without `schemaPath`). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}

export interface SchemaSet {
  /** The schemas by name; a `$ref` is `#/definitions/<name>`. */
  readonly definitions: Readonly<Record<string, Schema>>;
  /** The regular expression of each format in use. */
  readonly formats: Readonly<Record<string, RegExp>>;
  /** Guards by definition name, with the verdict of that definition: a subtree they pass is skipped. */
  readonly guards: Readonly<Record<string, (value: unknown) => boolean>>;
}

const hasOwn = Object.prototype.hasOwnProperty;

function typeError(schema: Schema, path: string): SchemaError {
  return { instancePath: path, keyword: 'type', message: `must be ${String(schema.type)}`, params: { type: schema.type } };
}
const ANY = ['$ref', 'const', 'enum', 'not', 'if'];
const GROUPS: ReadonlyArray<readonly [type: string, keywords: readonly string[]]> = [
  ['number', ['maximum', 'minimum', 'format']],
  ['string', ['maxLength', 'minLength', 'pattern', 'format']],
  // `items` is declared to run before `uniqueItems` in ajv.
  ['array', ['maxItems', 'minItems', 'items', 'uniqueItems']],
  ['object', ['maxProperties', 'minProperties', 'required', 'additionalProperties', 'properties']],
];
const KNOWN = new Set([...ANY, ...GROUPS.flatMap(([, keywords]) => keywords), 'type', 'then', 'else', 'title', 'description', 'examples', 'default', '$comment']);

/** ajv's data type checks (strict numbers: NaN and ±Infinity are no numbers). */
function hasType(type: string, data: unknown): boolean {
  switch (type) {
    case 'number':
      return typeof data === 'number' && Number.isFinite(data);
    case 'integer':
      return typeof data === 'number' && Number.isInteger(data);
    case 'string':
    case 'boolean':
      return typeof data === type;
    case 'null':
      return data === null;
    case 'array':
      return Array.isArray(data);
    case 'object':
      return typeof data === 'object' && data !== null && !Array.isArray(data);
    default:
      throw new Error(`unknown type ${JSON.stringify(type)}`);
  }
}

const escapeSegment = (segment: string) => (segment.includes('~') || segment.includes('/') ? segment.replace(/~/g, '~0').replace(/\//g, '~1') : segment);
const isPresent = (object: Record<string, unknown>, key: string) => object[key] !== undefined && hasOwn.call(object, key);

/** What `node` needs to know about a schema, worked out once per schema object. */
interface Plan {
  /** The `type` keyword's types; empty when any type will do. */
  types: readonly string[];
  /** Whether a wrong type is reported before the other keywords (several types, or one without keywords of its group). */
  typeFirst: boolean;
  /** The groups the schema has keywords of, in ajv's order. */
  groups: ReadonlyArray<(typeof GROUPS)[number]>;
}

const plans = new WeakMap<Schema, Plan>();

function planOf(schema: Schema): Plan {
  let plan = plans.get(schema);
  if (plan !== undefined) return plan;
  for (const keyword in schema) if (!KNOWN.has(keyword)) throw new Error(`schema keyword "${keyword}" is not supported`);
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  const groups = GROUPS.filter(([, keywords]) => keywords.some((k) => schema[k] !== undefined));
  const typeInItsGroup = types.length === 1 && groups.some(([type]) => type === types[0]);
  plan = { types, typeFirst: types.length > 0 && !typeInItsGroup, groups };
  plans.set(schema, plan);
  return plan;
}

/** Compiled `pattern`s by source, shared by every walk: compiling the URL pattern costs more than a walk. */
const patterns = new Map<string, RegExp>();

type Target = { schema: Schema; guard: ((value: unknown) => boolean) | undefined };

/** Resolved `$ref`s by set: the definition and its guard. */
const resolved = new WeakMap<SchemaSet, Map<string, Target>>();

function resolve(set: SchemaSet, ref: unknown): Target {
  let cache = resolved.get(set);
  if (cache === undefined) resolved.set(set, (cache = new Map()));
  const key = String(ref);
  let target = cache.get(key);
  if (target === undefined) {
    const name = typeof ref === 'string' && ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;
    const schema = name === undefined || !hasOwn.call(set.definitions, name) ? undefined : set.definitions[name];
    if (name === undefined || schema === undefined) throw new Error(`cannot resolve $ref ${key}`);
    target = { schema, guard: hasOwn.call(set.guards, name) ? set.guards[name] : undefined };
    cache.set(key, target);
  }
  return target;
}

class Walk {
  constructor(private readonly set: SchemaSet) {}

  /** Appends to `out` the errors of `data` at `path` under `schema`. */
  node(schema: Schema, data: unknown, path: string, out: SchemaError[]): void {
    const { types, typeFirst, groups } = planOf(schema);
    if (typeFirst && !types.some((type) => hasType(type, data))) out.push(typeError(schema, path));
    this.any(schema, data, path, out);
    for (const group of groups) {
      const type = group[0];
      if (hasType(type, data)) this.group(type, schema, data, path, out);
      else if (!typeFirst && types.length === 1 && types[0] === type) out.push(typeError(schema, path));
    }
  }

  private any(schema: Schema, data: unknown, path: string, out: SchemaError[]): void {
    if (schema.$ref !== undefined) this.ref(schema.$ref, data, path, out);
    if ('const' in schema && !this.equals(data, schema.const)) {
      out.push({ instancePath: path, keyword: 'const', message: 'must be equal to constant', params: { allowedValue: schema.const } });
    }
    if (schema.enum !== undefined && !(schema.enum as unknown[]).some((value) => this.equals(data, value))) {
      out.push({ instancePath: path, keyword: 'enum', message: 'must be equal to one of the allowed values', params: { allowedValues: schema.enum } });
    }
    if (schema.not !== undefined && this.valid(schema.not as Schema, data, path)) {
      out.push({ instancePath: path, keyword: 'not', message: 'must NOT be valid', params: {} });
    }
    if (schema.if !== undefined && (schema.then !== undefined || schema.else !== undefined)) {
      const clause = this.valid(schema.if as Schema, data, path) ? 'then' : 'else';
      const branch = schema[clause] as Schema | undefined;
      if (branch !== undefined) {
        const before = out.length;
        this.node(branch, data, path, out);
        if (out.length > before) out.push({ instancePath: path, keyword: 'if', message: `must match "${clause}" schema`, params: { failingKeyword: clause } });
      }
    }
  }

  private group(type: string, schema: Schema, data: unknown, path: string, out: SchemaError[]): void {
    const limit = (keyword: string, failed: boolean, message: string, params: Record<string, unknown> = { limit: schema[keyword] }) => {
      if (schema[keyword] !== undefined && failed) out.push({ instancePath: path, keyword, message, params });
    };
    switch (type) {
      case 'number': {
        const n = data as number;
        limit('maximum', n > (schema.maximum as number), `must be <= ${String(schema.maximum)}`, { comparison: '<=', limit: schema.maximum });
        limit('minimum', n < (schema.minimum as number), `must be >= ${String(schema.minimum)}`, { comparison: '>=', limit: schema.minimum });
        return;
      }
      case 'string': {
        const s = data as string;
        const length = schema.maxLength !== undefined || schema.minLength !== undefined ? ucs2length(s) : 0;
        limit('maxLength', length > (schema.maxLength as number), `must NOT have more than ${String(schema.maxLength)} characters`);
        limit('minLength', length < (schema.minLength as number), `must NOT have fewer than ${String(schema.minLength)} characters`);
        if (schema.pattern !== undefined && !this.pattern(schema.pattern as string).test(s)) {
          out.push({ instancePath: path, keyword: 'pattern', message: `must match pattern "${String(schema.pattern)}"`, params: { pattern: schema.pattern } });
        }
        if (schema.format !== undefined) {
          const format = schema.format as string;
          if (!hasOwn.call(this.set.formats, format)) throw new Error(`unknown format "${format}"`);
          if (!this.set.formats[format]!.test(s)) out.push({ instancePath: path, keyword: 'format', message: `must match format "${format}"`, params: { format } });
        }
        return;
      }
      case 'array': {
        const items = data as unknown[];
        limit('maxItems', items.length > (schema.maxItems as number), `must NOT have more than ${String(schema.maxItems)} items`);
        limit('minItems', items.length < (schema.minItems as number), `must NOT have fewer than ${String(schema.minItems)} items`);
        if (schema.items !== undefined) for (let i = 0; i < items.length; i++) this.node(schema.items as Schema, items[i], `${path}/${i}`, out);
        if (schema.uniqueItems === true) this.unique(schema, items, path, out);
        return;
      }
      case 'object':
        this.object(schema, data as Record<string, unknown>, path, out);
        return;
    }
  }

  private object(schema: Schema, object: Record<string, unknown>, path: string, out: SchemaError[]): void {
    if (schema.maxProperties !== undefined || schema.minProperties !== undefined) {
      const count = Object.keys(object).length;
      if (count > (schema.maxProperties as number)) {
        out.push({ instancePath: path, keyword: 'maxProperties', message: `must NOT have more than ${String(schema.maxProperties)} properties`, params: { limit: schema.maxProperties } });
      }
      if (count < (schema.minProperties as number)) {
        out.push({ instancePath: path, keyword: 'minProperties', message: `must NOT have fewer than ${String(schema.minProperties)} properties`, params: { limit: schema.minProperties } });
      }
    }
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (!isPresent(object, name)) out.push({ instancePath: path, keyword: 'required', message: `must have required property '${name}'`, params: { missingProperty: name } });
    }
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const additional = schema.additionalProperties;
    if (additional !== undefined && additional !== true) {
      for (const key of Object.keys(object)) {
        if (hasOwn.call(properties, key)) continue;
        if (additional === false) out.push({ instancePath: path, keyword: 'additionalProperties', message: 'must NOT have additional properties', params: { additionalProperty: key } });
        else this.node(additional as Schema, object[key], `${path}/${escapeSegment(key)}`, out);
      }
    }
    for (const name of Object.keys(properties)) {
      if (isPresent(object, name)) this.node(properties[name]!, object[name], `${path}/${escapeSegment(name)}`, out);
    }
  }

  /** ajv's uniqueItems: from the last item down, the first pair found is the one reported. */
  private unique(schema: Schema, items: unknown[], path: string, out: SchemaError[]): void {
    const report = (i: number, j: number): void => {
      out.push({ instancePath: path, keyword: 'uniqueItems', message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)`, params: { i, j } });
    };
    const itemSchema = schema.items as Schema | undefined;
    const itemTypes = itemSchema?.type === undefined ? [] : Array.isArray(itemSchema.type) ? (itemSchema.type as string[]) : [itemSchema.type as string];
    if (itemTypes.length > 0 && !itemTypes.some((t) => t === 'object' || t === 'array')) {
      // Items of primitive types only: ajv keys an object by them (quirks included).
      const indices: Record<string, unknown> = {};
      for (let i = items.length; i--; ) {
        let item = items[i];
        if (!itemTypes.some((type) => hasType(type, item))) continue;
        if (itemTypes.length > 1 && typeof item === 'string') item = `${item}_`;
        const seen = indices[item as string];
        if (typeof seen === 'number') return report(i, seen);
        indices[item as string] = i;
      }
      return;
    }
    for (let i = items.length; i--; ) {
      for (let j = i; j--; ) {
        let same: boolean;
        try {
          same = equal(items[i], items[j]);
        } catch {
          // ajv throws here (a cycle, a `valueOf` that is not a function); the guard said no.
          same = true;
        }
        if (same) return report(i, j);
      }
    }
  }

  private ref(ref: unknown, data: unknown, path: string, out: SchemaError[]): void {
    const { schema, guard } = resolve(this.set, ref);
    if (guard !== undefined && guard(data)) return;
    this.node(schema, data, path, out);
  }

  private valid(schema: Schema, data: unknown, path: string): boolean {
    const scratch: SchemaError[] = [];
    this.node(schema, data, path, scratch);
    return scratch.length === 0;
  }

  /** ajv compares a primitive constant with `===` and an object or a list deeply. */
  private equals(data: unknown, value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return data === value;
    try {
      return equal(data, value);
    } catch {
      return false;
    }
  }

  private pattern(source: string): RegExp {
    let pattern = patterns.get(source);
    if (pattern === undefined) {
      pattern = new RegExp(source, 'u');
      patterns.set(source, pattern);
    }
    return pattern;
  }
}

/** The errors of `data` under the definition `name`, as ajv would report them. */
export function explain(set: SchemaSet, name: string, data: unknown): SchemaError[] {
  const out: SchemaError[] = [];
  let { schema } = resolve(set, `#/definitions/${name}`);
  // The caller's guard already said no: a root that only refers on is walked at its target rather
  // than guarded once more (the same errors, without checking the whole value twice).
  while (schema.$ref !== undefined && Object.keys(schema).length === 1) schema = resolve(set, schema.$ref).schema;
  new Walk(set).node(schema, data, '', out);
  return out;
}
