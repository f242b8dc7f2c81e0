// Explains why a value fails a JSON Schema: the errors ajv reports for it (draft-07 with
// `allErrors`, `ownProperties`, `strictNumbers` and `unicodeRegExp`), in ajv's order, with ajv's
// keywords, messages and params.
//
// It runs only after a boolean guard said no, so it is off the fast path and small: the schemas
// are data, parsed on first use, and each schema object is turned once into a function made of
// closures (no code is compiled from strings: fine under a strict Content-Security-Policy). Where a
// guard says a referenced definition is valid, that subtree is skipped, since no error can come
// from it; the walk is then short even in a big value. test/guards-differential.test.ts holds it
// to ajv, error for error.
//
// ajv's order, which the checks follow: the `type` error first when `type` names several types (or
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

/** Appends the errors of `data` (at `path`) to `out`. */
type Check = (data: unknown, path: string, out: SchemaError[]) => void;

const hasOwn = Object.prototype.hasOwnProperty;
const GROUPS: ReadonlyArray<readonly [type: string, keywords: readonly string[]]> = [
  ['number', ['maximum', 'minimum', 'format']],
  ['string', ['maxLength', 'minLength', 'pattern', 'format']],
  // `items` is declared to run before `uniqueItems` in ajv.
  ['array', ['maxItems', 'minItems', 'items', 'uniqueItems']],
  ['object', ['maxProperties', 'minProperties', 'required', 'additionalProperties', 'properties']],
];
// Pure (annotated): a bundle that never explains drops this table with the rest of the explainer.
const KNOWN: ReadonlySet<string> = /*#__PURE__*/ new Set(
  /*#__PURE__*/ ['$ref', 'const', 'enum', 'not', 'if', 'then', 'else', 'type', 'title', 'description', 'examples', 'default', '$comment'].concat(/*#__PURE__*/ GROUPS.flatMap(([, keywords]) => keywords)),
);

/** ajv's data type checks (strict numbers: NaN and ±Infinity are no numbers). */
function typeTest(type: string): (data: unknown) => boolean {
  switch (type) {
    case 'number':
      return (data) => typeof data === 'number' && Number.isFinite(data);
    case 'integer':
      return (data) => typeof data === 'number' && Number.isInteger(data);
    case 'string':
      return (data) => typeof data === 'string';
    case 'boolean':
      return (data) => typeof data === 'boolean';
    case 'null':
      return (data) => data === null;
    case 'array':
      return (data) => Array.isArray(data);
    case 'object':
      return (data) => typeof data === 'object' && data !== null && !Array.isArray(data);
    default:
      throw new Error(`unknown type ${JSON.stringify(type)}`);
  }
}

const escapeSegment = (segment: string) => (segment.includes('~') || segment.includes('/') ? segment.replace(/~/g, '~0').replace(/\//g, '~1') : segment);
const isPresent = (object: Record<string, unknown>, key: string) => object[key] !== undefined && hasOwn.call(object, key);

/** ajv compares a primitive constant with `===` and an object or a list deeply (a throw: not equal). */
function equals(data: unknown, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return data === value;
  try {
    return equal(data, value);
  } catch {
    return false;
  }
}

/** Compiled `pattern`s by source, shared by every schema set: compiling the URL pattern costs more than a walk. */
const patterns = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let pattern = patterns.get(source);
  if (pattern === undefined) {
    pattern = new RegExp(source, 'u');
    patterns.set(source, pattern);
  }
  return pattern;
}

/** Turns the schemas of one set into checks, each schema object once. */
class Compiler {
  readonly #checks = new WeakMap<Schema, Check>();
  readonly #refs = new Map<string, { check: Check; guard: ((value: unknown) => boolean) | undefined }>();

  constructor(private readonly set: SchemaSet) {}

  /** The check of `#/definitions/<name>`-style `ref` with the guard of that definition. */
  ref(ref: unknown): { check: Check; guard: ((value: unknown) => boolean) | undefined } {
    const key = String(ref);
    let target = this.#refs.get(key);
    if (target === undefined) {
      const name = typeof ref === 'string' && ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;
      const schema = name === undefined || !hasOwn.call(this.set.definitions, name) ? undefined : this.set.definitions[name];
      if (name === undefined || schema === undefined) throw new Error(`cannot resolve $ref ${key}`);
      // The target compiles on first use: a definition may refer to itself.
      let check: Check | undefined;
      target = { check: (data, path, out) => (check ??= this.schema(schema))(data, path, out), guard: hasOwn.call(this.set.guards, name) ? this.set.guards[name] : undefined };
      this.#refs.set(key, target);
    }
    return target;
  }

  /** The definition a root that only refers on leads to (its check, without a guard: the caller's said no). */
  root(name: string): Check {
    let schema = this.set.definitions[name];
    if (schema === undefined || !hasOwn.call(this.set.definitions, name)) throw new Error(`no definition ${name}`);
    while (schema.$ref !== undefined && Object.keys(schema).length === 1) {
      const next: string = String(schema.$ref).replace(/^#\/definitions\//, '');
      if (!hasOwn.call(this.set.definitions, next)) throw new Error(`cannot resolve $ref ${String(schema.$ref)}`);
      schema = this.set.definitions[next]!;
    }
    return this.schema(schema);
  }

  schema(schema: Schema): Check {
    let check = this.#checks.get(schema);
    if (check === undefined) {
      check = this.#compile(schema);
      this.#checks.set(schema, check);
    }
    return check;
  }

  /** Whether `data` is valid under `schema` (for `not` and `if`). */
  #validity(schema: Schema): (data: unknown, path: string) => boolean {
    const check = this.schema(schema);
    return (data, path) => {
      const scratch: SchemaError[] = [];
      check(data, path, scratch);
      return scratch.length === 0;
    };
  }

  #compile(schema: Schema): Check {
    for (const keyword in schema) if (!KNOWN.has(keyword)) throw new Error(`schema keyword "${keyword}" is not supported`);
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const typeTests = types.map(typeTest);
    const groups = GROUPS.filter(([, keywords]) => keywords.some((k) => schema[k] !== undefined));
    const typeFirst = types.length > 0 && !(types.length === 1 && groups.some(([type]) => type === types[0]));
    const typeMessage = `must be ${String(schema.type)}`;
    const typeError = (path: string): SchemaError => ({ instancePath: path, keyword: 'type', message: typeMessage, params: { type: schema.type } });

    const any = this.#anyChecks(schema);
    const typed = groups.map(([type]) => ({
      is: typeTest(type),
      run: this.#groupChecks(type, schema),
      // A lone `type` of this group reports its error here, in ajv's place.
      reportsType: !typeFirst && types.length === 1 && types[0] === type,
    }));
    return (data, path, out) => {
      if (typeFirst && !typeTests.some((test) => test(data))) out.push(typeError(path));
      for (const check of any) check(data, path, out);
      for (const group of typed) {
        if (group.is(data)) for (const check of group.run) check(data, path, out);
        else if (group.reportsType) out.push(typeError(path));
      }
    };
  }

  #anyChecks(schema: Schema): Check[] {
    const checks: Check[] = [];
    if (schema.$ref !== undefined) {
      const target = this.ref(schema.$ref);
      checks.push((data, path, out) => {
        if (target.guard === undefined || !target.guard(data)) target.check(data, path, out);
      });
    }
    if ('const' in schema) {
      const constant = schema.const;
      checks.push((data, path, out) => {
        if (!equals(data, constant)) out.push({ instancePath: path, keyword: 'const', message: 'must be equal to constant', params: { allowedValue: constant } });
      });
    }
    if (schema.enum !== undefined) {
      const values = schema.enum as unknown[];
      checks.push((data, path, out) => {
        if (!values.some((value) => equals(data, value))) out.push({ instancePath: path, keyword: 'enum', message: 'must be equal to one of the allowed values', params: { allowedValues: values } });
      });
    }
    if (schema.not !== undefined) {
      const valid = this.#validity(schema.not as Schema);
      checks.push((data, path, out) => {
        if (valid(data, path)) out.push({ instancePath: path, keyword: 'not', message: 'must NOT be valid', params: {} });
      });
    }
    if (schema.if !== undefined && (schema.then !== undefined || schema.else !== undefined)) {
      const condition = this.#validity(schema.if as Schema);
      const then = schema.then === undefined ? undefined : this.schema(schema.then as Schema);
      const otherwise = schema.else === undefined ? undefined : this.schema(schema.else as Schema);
      checks.push((data, path, out) => {
        const clause = condition(data, path) ? 'then' : 'else';
        const branch = clause === 'then' ? then : otherwise;
        if (branch === undefined) return;
        const before = out.length;
        branch(data, path, out);
        if (out.length > before) out.push({ instancePath: path, keyword: 'if', message: `must match "${clause}" schema`, params: { failingKeyword: clause } });
      });
    }
    return checks;
  }

  #groupChecks(type: string, schema: Schema): Check[] {
    const checks: Check[] = [];
    /** A bound keyword: `failed(data, limit)` says whether `data` breaks it. */
    const limit = (keyword: string, failed: (data: never, limit: number) => boolean, message: (limit: number) => string, extra: Record<string, unknown> = {}) => {
      const bound = schema[keyword];
      if (bound === undefined) return;
      const text = message(bound as number);
      checks.push((data, path, out) => {
        if (failed(data as never, bound as number)) out.push({ instancePath: path, keyword, message: text, params: { ...extra, limit: bound } });
      });
    };
    switch (type) {
      case 'number':
        limit('maximum', (n: number, max) => n > max, (max) => `must be <= ${max}`, { comparison: '<=' });
        limit('minimum', (n: number, min) => n < min, (min) => `must be >= ${min}`, { comparison: '>=' });
        break;
      case 'string':
        limit('maxLength', (s: string, max) => s.length > max && ucs2length(s) > max, (max) => `must NOT have more than ${max} characters`);
        // A string has at least half as many code points as UTF-16 units: count them only when that does not decide.
        limit('minLength', (s: string, min) => s.length < min || (s.length < 2 * min && ucs2length(s) < min), (min) => `must NOT have fewer than ${min} characters`);
        if (schema.pattern !== undefined) {
          const source = schema.pattern as string;
          const pattern = patternOf(source);
          const message = `must match pattern "${source}"`;
          checks.push((data, path, out) => {
            if (!pattern.test(data as string)) out.push({ instancePath: path, keyword: 'pattern', message, params: { pattern: source } });
          });
        }
        if (schema.format !== undefined) {
          const format = schema.format as string;
          if (!hasOwn.call(this.set.formats, format)) throw new Error(`unknown format "${format}"`);
          const test = this.set.formats[format]!;
          const message = `must match format "${format}"`;
          checks.push((data, path, out) => {
            if (!test.test(data as string)) out.push({ instancePath: path, keyword: 'format', message, params: { format } });
          });
        }
        break;
      case 'array': {
        limit('maxItems', (items: unknown[], max) => items.length > max, (max) => `must NOT have more than ${max} items`);
        limit('minItems', (items: unknown[], min) => items.length < min, (min) => `must NOT have fewer than ${min} items`);
        if (schema.items !== undefined) {
          const item = this.schema(schema.items as Schema);
          checks.push((data, path, out) => {
            const items = data as unknown[];
            for (let i = 0; i < items.length; i++) item(items[i], `${path}/${i}`, out);
          });
        }
        if (schema.uniqueItems === true) checks.push(uniqueItems(schema.items as Schema | undefined));
        break;
      }
      case 'object':
        this.#objectChecks(schema, checks);
        break;
    }
    return checks;
  }

  #objectChecks(schema: Schema, checks: Check[]): void {
    const count = (keyword: string, failed: (count: number, bound: number) => boolean, comparison: string) => {
      const bound = schema[keyword];
      if (bound === undefined) return;
      const message = `must NOT have ${comparison} than ${String(bound)} properties`;
      checks.push((data, path, out) => {
        if (failed(Object.keys(data as object).length, bound as number)) out.push({ instancePath: path, keyword, message, params: { limit: bound } });
      });
    };
    count('maxProperties', (n, max) => n > max, 'more');
    count('minProperties', (n, min) => n < min, 'fewer');
    const required = (schema.required as string[] | undefined) ?? [];
    if (required.length > 0) {
      const messages = required.map((name) => `must have required property '${name}'`);
      checks.push((data, path, out) => {
        const object = data as Record<string, unknown>;
        for (let i = 0; i < required.length; i++) {
          const name = required[i]!;
          if (!isPresent(object, name)) out.push({ instancePath: path, keyword: 'required', message: messages[i]!, params: { missingProperty: name } });
        }
      });
    }
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const additional = schema.additionalProperties;
    if (additional !== undefined && additional !== true) {
      const extra = additional === false ? undefined : this.schema(additional as Schema);
      checks.push((data, path, out) => {
        const object = data as Record<string, unknown>;
        for (const key of Object.keys(object)) {
          if (hasOwn.call(properties, key)) continue;
          if (extra === undefined) out.push({ instancePath: path, keyword: 'additionalProperties', message: 'must NOT have additional properties', params: { additionalProperty: key } });
          else extra(object[key], `${path}/${escapeSegment(key)}`, out);
        }
      });
    }
    const declared = Object.keys(properties).map((name) => ({ name, segment: `/${escapeSegment(name)}`, check: this.schema(properties[name]!) }));
    if (declared.length > 0) {
      checks.push((data, path, out) => {
        const object = data as Record<string, unknown>;
        for (const { name, segment, check } of declared) if (isPresent(object, name)) check(object[name], path + segment, out);
      });
    }
  }
}

/**
 * The same text for two values exactly when ajv's deep equality holds between them, for values
 * JSON.parse can give (keys sorted; -0 as 0); undefined for anything else (the caller then compares
 * pairwise), including an own `valueOf` or `toString` key, which ajv's equality calls.
 */
function jsonKey(value: unknown, ancestors: unknown[] = []): string | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : undefined;
  // A cycle is not JSON (and makes ajv's equality throw): left to the pairwise comparison.
  if (typeof value !== 'object' || ancestors.includes(value)) return undefined;
  const inner = [...ancestors, value];
  const prototype = Object.getPrototypeOf(value);
  if (prototype === Array.prototype) {
    const parts: string[] = [];
    const items = value as unknown[];
    for (let i = 0; i < items.length; i++) {
      if (!(i in items)) return undefined;
      const part = jsonKey(items[i], inner);
      if (part === undefined) return undefined;
      parts.push(part);
    }
    return `[${parts.join(',')}]`;
  }
  if (prototype !== Object.prototype || hasOwn.call(value, 'valueOf') || hasOwn.call(value, 'toString')) return undefined;
  const object = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(object).sort()) {
    const descriptor = Object.getOwnPropertyDescriptor(object, key);
    if (descriptor === undefined || !('value' in descriptor)) return undefined;
    const part = jsonKey(descriptor.value, inner);
    if (part === undefined) return undefined;
    parts.push(`${JSON.stringify(key)}:${part}`);
  }
  return `{${parts.join(',')}}`;
}

/** ajv's uniqueItems: from the last item down, the first pair found is the one reported. */
function uniqueItems(itemSchema: Schema | undefined): Check {
  const itemTypes = itemSchema?.type === undefined ? [] : Array.isArray(itemSchema.type) ? (itemSchema.type as string[]) : [itemSchema.type as string];
  const primitive = itemTypes.length > 0 && !itemTypes.some((t) => t === 'object' || t === 'array');
  const tests = itemTypes.map(typeTest);
  return (data, path, out) => {
    const items = data as unknown[];
    const report = (i: number, j: number): void => {
      out.push({ instancePath: path, keyword: 'uniqueItems', message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)`, params: { i, j } });
    };
    if (primitive) {
      // Items of primitive types only: ajv keys an object by them (quirks included).
      const indices: Record<string, unknown> = {};
      for (let i = items.length; i--; ) {
        let item = items[i];
        if (!tests.some((test) => test(item))) continue;
        if (itemTypes.length > 1 && typeof item === 'string') item = `${item}_`;
        const seen = indices[item as string];
        if (typeof seen === 'number') return report(i, seen);
        indices[item as string] = i;
      }
      return;
    }
    // Items as JSON text can be told apart in one pass (what a frame off the wire always is): the
    // pair the loop below would find first, without its n² comparisons (a 64 KB frame of distinct
    // strings was a third of a second).
    const keys = items.map((item) => jsonKey(item));
    if (!keys.includes(undefined)) {
      const last = new Map<string, number>();
      let pair: [i: number, j: number] | undefined;
      keys.forEach((key, i) => {
        const j = last.get(key!);
        if (j !== undefined) pair = [i, j];
        last.set(key!, i);
      });
      if (pair !== undefined) report(pair[0], pair[1]);
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
  };
}

const compilers = new WeakMap<SchemaSet, Compiler>();

/** The errors of `data` under the definition `name`, as ajv would report them. */
export function explain(set: SchemaSet, name: string, data: unknown): SchemaError[] {
  let compiler = compilers.get(set);
  if (compiler === undefined) compilers.set(set, (compiler = new Compiler(set)));
  const out: SchemaError[] = [];
  // The caller's guard already said no: a root that only refers on is walked at its target rather
  // than guarded once more (the same errors, without checking the whole value twice).
  compiler.root(name)(data, '', out);
  return out;
}
