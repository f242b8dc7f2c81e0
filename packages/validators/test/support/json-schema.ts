// A small reader of the generated draft-07 schemas, enough to walk a valid value alongside its
// schema: references resolved, the oneOf branch a value takes chosen by its discriminator, and
// every location listed with the schema that governs it. The mutation and generation tests build
// on it, so nothing there names a message or a field.
import { UNSAFE_URLS } from '@customer-chat/spec-model/testing';
import { definitionName } from '@customer-chat/spec-model';
import { isObject, pointer, type Path, type Schema } from './protocol.js';

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';
const PRIMITIVES: ReadonlySet<JsonType> = new Set(['string', 'number', 'integer', 'boolean', 'null']);

export interface Branch {
  /** The definition the branch refers to (`MessageEvent`). */
  name: string;
  schema: Schema;
  /** The discriminator's `const` in this branch; undefined for the fallback branch. */
  value: unknown;
}

export interface Union {
  name: string | undefined;
  /** The property telling the branches apart (`type`). */
  property: string;
  branches: Branch[];
  /** The branch that takes every value no other branch names (its discriminator has a `not`). */
  fallback: Branch | undefined;
}

interface SiteContext {
  /** The outermost oneOf the location is inside of: its branches may report errors anywhere below it. */
  unionRoot: Path | undefined;
  /** Pointers of the discriminator properties of the branches taken so far. */
  discriminants: ReadonlySet<string>;
  inUniqueArray: boolean;
}

/** A location of a valid value and the (dereferenced) schema it was checked against. */
export interface ValueSite extends SiteContext {
  kind: 'value';
  path: Path;
  /** For a location holding a union, the branch the value takes. */
  schema: Schema;
  /** JSON types the location accepts (with every branch of a union); undefined when any is fine. */
  allowed: JsonType[] | undefined;
  value: unknown;
  /** Whether the location is the discriminator property of a union branch. */
  discriminant: boolean;
}

/** A location holding a oneOf, with the branch its valid value takes. */
export interface UnionSite extends SiteContext {
  kind: 'union';
  path: Path;
  union: Union;
  branch: Branch;
  value: Record<string, unknown>;
}

export type Site = ValueSite | UnionSite;

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object') return typeof value as JsonType;
  throw new Error(`not a JSON value: ${String(value)}`);
}

/** Whether a value of JSON type `type` passes a `type` keyword listing `allowed`. */
export function typeAccepted(allowed: readonly JsonType[] | undefined, type: JsonType): boolean {
  if (allowed === undefined) return true;
  return allowed.includes(type) || (type === 'integer' && allowed.includes('number'));
}

export function isPrimitiveSchema(types: readonly JsonType[] | undefined): types is JsonType[] {
  return types !== undefined && types.length > 0 && types.every((t) => PRIMITIVES.has(t));
}

export function declaredTypes(schema: Schema): JsonType[] | undefined {
  if (typeof schema.type === 'string') return [schema.type as JsonType];
  if (Array.isArray(schema.type)) return schema.type as JsonType[];
  return undefined;
}

/**
 * Valid values of the formats the spec uses, and values each format rejects. Not every valid one
 * passes a `pattern` beside the format (`urn:` is a URI, not an http(s) URL): a sample takes the
 * first that does.
 */
export const FORMAT_SAMPLES: Record<string, { valid: string[]; invalid: string[] }> = {
  email: { valid: ['jane@example.com', 'a.b+c@sub.example.org'], invalid: ['plainaddress', '@example.com', 'jane@', 'ja ne@example.com', 'jane@@example.com'] },
  uri: { valid: ['https://example.com/a.png', 'urn:isbn:0451450523', 'mailto:jane@example.com'], invalid: ['not a uri', '//no-scheme.example.com', 'https://exa mple.com', '', '1http://example.com'] },
};

/**
 * Strings a `pattern` is tried with: URLs a widget must never render (every scheme but http(s),
 * obfuscated ones), addresses that are not quite URLs or email addresses, and strings whose only
 * fault is a character around them (a trailing newline passes `$` in Python's `re`, not in
 * JavaScript). Each pattern's mutants are the probes it rejects.
 */
export const PATTERN_PROBES: readonly string[] = [...new Set([
  ...UNSAFE_URLS,
  'javascript:alert(1)', 'JavaScript:alert(document.cookie)', 'JAVASCRIPT:alert(1)', 'javascript://example.com/%0Aalert(1)', 'java\tscript:alert(1)',
  '\u0000javascript:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
  'vbscript:msgbox(1)', 'VBScript:msgbox(1)', 'file:///etc/passwd', 'file://server/share/a.png', 'blob:https://example.com/550e8400-e29b-41d4-a716-446655440000',
  'about:blank', 'chrome://settings', 'view-source:https://example.com/', 'jar:https://example.com/a.jar!/', 'intent://scan/#Intent;scheme=zxing;end',
  'ms-settings:', 'ftp://files.example.com/a.png', 'ws://example.com/', 'wss://example.com/', 'mailto:jane@example.com', 'tel:+15555550100', 'urn:isbn:0451450523',
  '//example.com/a.png', '/files/a.png', 'example.com/a.png', 'https:example.com', 'https:/example.com', 'https://', 'https:///etc/passwd', 'https://:443/',
  ' https://example.com/', 'https://example.com/ ', 'https://example.com/\n', '\nhttps://example.com/', 'https://example.com/\r\n', 'https://exa mple.com/',
  'https://example.com/a b', 'https://example.com/<script>', 'https://example.com/"onerror="alert(1)', 'https://user:pass@example.com/', 'https://example.com@evil.example/',
  'https://[::1]/', 'https://example.com\\@evil.example/', 'https://example.com/%zz', 'https://ex\u00e4mple.com/', 'https://example.com/\u00e9',
  'jane@example.com\n', ' jane@example.com', 'jane@example', 'jane@localhost', 'jane@-example.com', 'jane@example-.com', 'jane@example.com.', '.jane@example.com',
  'jane..doe@example.com', '"jane"@example.com', 'jane@[127.0.0.1]', 'j\u00e4ne@example.com', 'jane@ex_ample.com', '', ' ', '\n',
])];

const compiled = new Map<string, RegExp>();

/** A schema's `pattern` as ajv compiles it (ECMA-262, `u` flag); undefined when it has none. */
export function patternOf(schema: Schema): RegExp | undefined {
  if (typeof schema.pattern !== 'string') return undefined;
  let regExp = compiled.get(schema.pattern);
  if (regExp === undefined) compiled.set(schema.pattern, (regExp = new RegExp(schema.pattern, 'u')));
  return regExp;
}

export class SchemaSet {
  constructor(readonly definitions: Readonly<Record<string, Schema>>) {}

  /** Follows `$ref`s (`#/definitions/<Name>`) to a schema that is not one. */
  deref(schema: Schema): { schema: Schema; name: string | undefined } {
    let current = schema;
    let name: string | undefined;
    for (let hops = 0; typeof current.$ref === 'string'; hops += 1) {
      if (hops > 32) throw new Error(`reference loop at ${current.$ref}`);
      const ref = current.$ref;
      name = definitionName(ref);
      if (name === undefined) throw new Error(`unsupported reference ${ref}`);
      const target = this.definitions[name];
      if (target === undefined) throw new Error(`unresolved reference ${ref}`);
      current = target;
    }
    return { schema: current, name };
  }

  /** The JSON types a schema accepts, through references and union branches; undefined for any. */
  typesOf(schema: Schema): JsonType[] | undefined {
    const resolved = this.deref(schema).schema;
    if (Array.isArray(resolved.oneOf)) {
      const all = new Set<JsonType>();
      for (const branch of resolved.oneOf as Schema[]) {
        const types = this.typesOf(branch);
        if (types === undefined) return undefined;
        for (const t of types) all.add(t);
      }
      return [...all];
    }
    const declared = declaredTypes(resolved);
    if (declared !== undefined) return declared;
    if ('const' in resolved) return [jsonTypeOf(resolved.const)];
    if (Array.isArray(resolved.enum)) return [...new Set(resolved.enum.map(jsonTypeOf))];
    return undefined;
  }

  /**
   * The union a oneOf is: its discriminator is the property every branch declares with a `const`
   * (at most one branch, the fallback, declares it with a `not` instead).
   */
  union(schema: Schema, name: string | undefined): Union {
    const branches = (schema.oneOf as Schema[]).map((branch) => {
      const { schema: resolved, name: branchName } = this.deref(branch);
      if (branchName === undefined) throw new Error(`union ${name ?? '?'} has an inline branch`);
      return { name: branchName, schema: resolved };
    });
    const shared = branches
      .map((b) => Object.keys(isObject(b.schema.properties) ? b.schema.properties : {}))
      .reduce((a, b) => a.filter((key) => b.includes(key)));
    for (const property of shared) {
      const discriminants = branches.map((b) => this.deref((b.schema.properties as Record<string, Schema>)[property]!).schema);
      const fallbacks = discriminants.filter((d) => !('const' in d) && d.not !== undefined);
      if (!discriminants.every((d) => 'const' in d || d.not !== undefined) || fallbacks.length > 1) continue;
      const all = branches.map((b, i): Branch => ({ ...b, value: discriminants[i]!.const }));
      return { name, property, branches: all, fallback: all.find((_, i) => !('const' in discriminants[i]!)) };
    }
    throw new Error(`union ${name ?? '?'} has no discriminator property`);
  }

  branchFor(union: Union, value: Record<string, unknown>): Branch {
    const tag = value[union.property];
    const branch = union.branches.find((b) => b.value !== undefined && b.value === tag) ?? union.fallback;
    if (branch === undefined) throw new Error(`no branch of ${union.name ?? 'a union'} takes ${union.property} = ${JSON.stringify(tag)}`);
    return branch;
  }

  /** Every location of `value` (valid under `schema`) with the schema that governs it, parents first. */
  sites(schema: Schema, value: unknown): Site[] {
    const out: Site[] = [];
    this.walk(schema, value, [], { unionRoot: undefined, discriminants: new Set(), inUniqueArray: false }, out);
    return out;
  }

  private walk(schema: Schema, value: unknown, path: Path, context: SiteContext, out: Site[]): void {
    const { schema: resolved, name } = this.deref(schema);
    const allowed = this.typesOf(resolved);
    if (Array.isArray(resolved.oneOf) && isObject(value)) {
      const union = this.union(resolved, name);
      const branch = this.branchFor(union, value);
      const inner: SiteContext = {
        ...context,
        unionRoot: context.unionRoot ?? path,
        discriminants: new Set([...context.discriminants, pointer([...path, union.property])]),
      };
      out.push({ kind: 'union', path, union, branch, value, ...inner });
      if (Array.isArray(branch.schema.oneOf)) throw new Error(`union ${branch.name} directly inside union ${union.name ?? '?'} is not supported`);
      this.walkResolved(branch.schema, allowed, value, path, inner, out);
      return;
    }
    this.walkResolved(resolved, allowed, value, path, context, out);
  }

  private walkResolved(schema: Schema, allowed: JsonType[] | undefined, value: unknown, path: Path, context: SiteContext, out: Site[]): void {
    out.push({ kind: 'value', path, schema, allowed, value, ...context, discriminant: context.discriminants.has(pointer(path)) });
    if (isObject(value)) {
      const properties = isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
      for (const [key, child] of Object.entries(value)) {
        const sub = Object.prototype.hasOwnProperty.call(properties, key)
          ? properties[key]
          : isObject(schema.additionalProperties)
            ? (schema.additionalProperties as Schema)
            : undefined;
        if (sub !== undefined) this.walk(sub, child, [...path, key], context, out);
      }
    } else if (Array.isArray(value) && isObject(schema.items)) {
      const items = schema.items as Schema;
      const inner = { ...context, inUniqueArray: context.inUniqueArray || schema.uniqueItems === true };
      value.forEach((item, index) => this.walk(items, item, [...path, index], inner, out));
    }
  }

  /** A small valid value of a schema: required properties only, lower bounds, the first branch. */
  sample(schema: Schema): unknown {
    const resolved = this.deref(schema).schema;
    if ('const' in resolved) return resolved.const;
    if (Array.isArray(resolved.enum)) return resolved.enum[0];
    if (Array.isArray(resolved.oneOf)) return this.sample(resolved.oneOf[0] as Schema);
    const types = this.typesOf(resolved) ?? ['object'];
    const type = types.find((t) => t !== 'null') ?? 'null';
    switch (type) {
      case 'null':
        return null;
      case 'boolean':
        return true;
      case 'integer':
      case 'number':
        return typeof resolved.minimum === 'number' ? resolved.minimum : 0;
      case 'string': {
        const pattern = patternOf(resolved);
        if (typeof resolved.format === 'string') {
          const samples = FORMAT_SAMPLES[resolved.format];
          if (samples === undefined) throw new Error(`no sample for format ${resolved.format}`);
          const valid = samples.valid.find((s) => pattern === undefined || pattern.test(s));
          if (valid === undefined) throw new Error(`no sample of format ${resolved.format} matches the pattern ${String(resolved.pattern)}`);
          return valid;
        }
        if (pattern !== undefined) throw new Error(`no sample for the pattern ${String(resolved.pattern)} (a pattern needs a format beside it)`);
        return 'x'.repeat(Math.max(typeof resolved.minLength === 'number' ? resolved.minLength : 0, 1));
      }
      case 'array': {
        const count = typeof resolved.minItems === 'number' ? resolved.minItems : 0;
        return Array.from({ length: count }, () => this.sample(isObject(resolved.items) ? (resolved.items as Schema) : {}));
      }
      case 'object': {
        const properties = isObject(resolved.properties) ? (resolved.properties as Record<string, Schema>) : {};
        const out: Record<string, unknown> = {};
        for (const key of (resolved.required ?? []) as string[]) out[key] = this.sample(properties[key] ?? {});
        const minProperties = typeof resolved.minProperties === 'number' ? resolved.minProperties : 0;
        for (const key of Object.keys(properties)) {
          if (Object.keys(out).length >= minProperties) break;
          out[key] ??= this.sample(properties[key]!);
        }
        for (let i = 0; Object.keys(out).length < minProperties; i += 1) {
          out[`key${i}`] = isObject(resolved.additionalProperties) ? this.sample(resolved.additionalProperties as Schema) : 'x';
        }
        return out;
      }
    }
  }
}
