// Compares two JSON Schemas (the intermediate model's, refs `#/definitions/<Name>`) and reports
// each difference as a widening (more values valid than before), a narrowing (fewer) or an
// incompatible change. Whether that breaks anyone depends on who writes and who reads the data,
// which the caller knows (see classify.ts).
import type { JsonSchema } from '@customer-chat/spec-model';

export type Effect = 'widening' | 'narrowing' | 'incompatible';

export interface SchemaChange {
  /** Path inside the payload, as a JSON pointer of the data (`/event/text`, `/users/*`). */
  path: string;
  effect: Effect;
  what: string;
}

type Resolve = (schema: JsonSchema) => JsonSchema;

/** A narrowing that takes a name out of the generated TypeScript type: an enum or const value, a union branch, a field of a closed object. */
export const removesTypedName = (change: SchemaChange): boolean =>
  change.effect === 'narrowing' && /^(value\(s\) .*|union branch \S+|field "[^"]*") removed$/.test(change.what);

const LOWER_BOUNDS = ['minimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER_BOUNDS = ['maximum', 'maxLength', 'maxItems', 'maxProperties'] as const;

/** `maxLength 10 -> 20`, `maxLength 32 added`, `maxLength 32 removed`. */
function boundChange(bound: string, before: number | undefined, after: number | undefined): string {
  if (before === undefined) return `${bound} ${String(after)} added`;
  if (after === undefined) return `${bound} ${before} removed`;
  return `${bound} ${before} -> ${after}`;
}

/** The types a schema allows; a union without its own `type` allows those of its branches. */
function types(schema: JsonSchema, resolve: Resolve): Set<string> | undefined {
  const t = schema.type;
  if (t === undefined) {
    if (!Array.isArray(schema.oneOf)) return undefined;
    const all = new Set<string>();
    for (const branch of schema.oneOf as JsonSchema[]) {
      const own = resolve(branch).type;
      if (own === undefined) return undefined;
      for (const one of Array.isArray(own) ? (own as string[]) : [own as string]) all.add(one);
    }
    if (all.has('number')) all.add('integer');
    return all;
  }
  const list = new Set(Array.isArray(t) ? (t as string[]) : [t as string]);
  if (list.has('number')) list.add('integer');
  return list;
}

function valueSet(schema: JsonSchema): unknown[] | undefined {
  if (schema.const !== undefined) return [schema.const];
  return Array.isArray(schema.enum) ? (schema.enum as unknown[]) : undefined;
}

const key = (value: unknown) => JSON.stringify(value);
const isClosed = (schema: JsonSchema) => schema.additionalProperties === false;

/** A schema (`additionalProperties` value) that every value matches: absent, `true` or `{}`. */
const acceptsAnything = (schema: unknown) => schema === undefined || schema === true || (typeof schema === 'object' && schema !== null && Object.keys(schema).length === 0);

/**
 * `inProgress` holds the (base $ref, head $ref) pairs being compared on the way down to this
 * schema: meeting one again is a cycle (a recursive schema), already being compared above.
 */
export function diffSchemas(base: JsonSchema, head: JsonSchema, resolveBase: Resolve, resolveHead: Resolve, path = '', inProgress = new Set<string>()): SchemaChange[] {
  const pair = base.$ref !== undefined || head.$ref !== undefined ? `${String(base.$ref)}|${String(head.$ref)}` : undefined;
  if (pair !== undefined) {
    if (inProgress.has(pair)) return [];
    inProgress.add(pair);
  }
  try {
    return compare(base, head, resolveBase, resolveHead, path, inProgress);
  } finally {
    if (pair !== undefined) inProgress.delete(pair);
  }
}

function compare(base: JsonSchema, head: JsonSchema, resolveBase: Resolve, resolveHead: Resolve, path: string, seen: Set<string>): SchemaChange[] {
  const b = resolveBase(base);
  const h = resolveHead(head);
  const changes: SchemaChange[] = [];
  const add = (effect: Effect, what: string, at = path) => changes.push({ path: at || '/', effect, what });

  // Types: more types accepted is a widening, fewer a narrowing.
  const bt = types(b, resolveBase);
  const ht = types(h, resolveHead);
  if (bt && !ht) add('widening', `type constraint ${[...bt].join('|')} removed`);
  else if (!bt && ht) add('narrowing', `type constraint ${[...ht].join('|')} added`);
  else if (bt && ht) {
    const added = [...ht].filter((t) => !bt.has(t));
    const removed = [...bt].filter((t) => !ht.has(t));
    if (added.length > 0 && removed.length > 0) add('incompatible', `type ${[...bt].join('|')} became ${[...ht].join('|')}`);
    else if (added.length > 0) add('widening', `type now also ${added.join('|')}`);
    else if (removed.length > 0) add('narrowing', `type no longer ${removed.join('|')}`);
  }

  // Enumerations and constants.
  const bv = valueSet(b);
  const hv = valueSet(h);
  if (bv && !hv) add('widening', 'no longer restricted to a list of values');
  else if (!bv && hv) add('narrowing', `now restricted to ${hv.map(key).join(', ')}`);
  else if (bv && hv) {
    const added = hv.filter((v) => !bv.some((o) => key(o) === key(v)));
    const removed = bv.filter((v) => !hv.some((o) => key(o) === key(v)));
    if (added.length > 0) add('widening', `value(s) ${added.map(key).join(', ')} added`);
    if (removed.length > 0) add('narrowing', `value(s) ${removed.map(key).join(', ')} removed`);
  }

  // Bounds.
  for (const bound of LOWER_BOUNDS) {
    const [x, y] = [b[bound] as number | undefined, h[bound] as number | undefined];
    if (x === y) continue;
    add(y === undefined || (x !== undefined && y < x) ? 'widening' : 'narrowing', boundChange(bound, x, y));
  }
  for (const bound of UPPER_BOUNDS) {
    const [x, y] = [b[bound] as number | undefined, h[bound] as number | undefined];
    if (x === y) continue;
    add(y === undefined || (x !== undefined && y > x) ? 'widening' : 'narrowing', boundChange(bound, x, y));
  }
  if (b.format !== h.format) {
    if (h.format === undefined) add('widening', `format ${String(b.format)} removed`);
    else if (b.format === undefined) add('narrowing', `format ${String(h.format)} added`);
    else add('incompatible', `format ${String(b.format)} became ${String(h.format)}`);
  }
  if (Boolean(b.uniqueItems) !== Boolean(h.uniqueItems)) {
    if (h.uniqueItems === true) add('narrowing', 'items must now be unique');
    else add('widening', 'items no longer have to be unique');
  }
  if (b.pattern !== h.pattern) {
    if (h.pattern === undefined) add('widening', 'pattern removed');
    else if (b.pattern === undefined) add('narrowing', `pattern ${String(h.pattern)} added`);
    else add('incompatible', `pattern ${String(b.pattern)} became ${String(h.pattern)}`);
  }

  // What an absent value stands for: readers of either side take the old one.
  if (b.default !== undefined && key(b.default) !== key(h.default)) add('incompatible', h.default === undefined ? `default ${key(b.default)} removed` : `default ${key(b.default)} -> ${key(h.default)}`);

  // Objects: required fields, properties, closedness.
  const bReq = new Set((b.required as string[] | undefined) ?? []);
  const hReq = new Set((h.required as string[] | undefined) ?? []);
  for (const name of hReq) if (!bReq.has(name)) add('narrowing', `field "${name}" is now required`, `${path}/${name}`);
  for (const name of bReq) if (!hReq.has(name)) add('widening', `field "${name}" is no longer required`, `${path}/${name}`);
  const bProps = (b.properties ?? {}) as Record<string, JsonSchema>;
  const hProps = (h.properties ?? {}) as Record<string, JsonSchema>;
  const bAdd = b.additionalProperties;
  const hAdd = h.additionalProperties;
  // The value schema of the keys no property names (a map's values), when it constrains them.
  const valueSchema = (additional: unknown) => (!acceptsAnything(additional) && typeof additional === 'object' ? (additional as JsonSchema) : undefined);
  const bValues = valueSchema(bAdd);
  const hValues = valueSchema(hAdd);
  for (const [name, schema] of Object.entries(hProps)) {
    const at = `${path}/${name}`;
    if (bProps[name]) changes.push(...diffSchemas(bProps[name], schema, resolveBase, resolveHead, at, seen));
    // Beside a map's value schema, the key was valid before with that schema: compare with it.
    else if (bValues) changes.push(...diffSchemas(bValues, schema, resolveBase, resolveHead, at, seen).map((c) => ({ ...c, what: `field "${name}" added: ${c.what}` })));
    // In a closed object a new field was forbidden before (widening); in an open one it was free.
    else add(isClosed(b) ? 'widening' : 'narrowing', `field "${name}" added`, at);
  }
  for (const [name, schema] of Object.entries(bProps)) {
    const at = `${path}/${name}`;
    if (hProps[name]) continue;
    // The key is still valid, now with the map's value schema.
    if (hValues) changes.push(...diffSchemas(schema, hValues, resolveBase, resolveHead, at, seen).map((c) => ({ ...c, what: `field "${name}" removed: ${c.what}` })));
    else add(isClosed(h) ? 'narrowing' : 'widening', `field "${name}" removed`, at);
  }
  if (isClosed(b) && !isClosed(h)) add('widening', 'object no longer closed (unknown fields allowed)');
  if (!isClosed(b) && isClosed(h)) add('narrowing', 'object now closed (unknown fields rejected)');
  if (bValues && hValues) changes.push(...diffSchemas(bValues, hValues, resolveBase, resolveHead, `${path}/*`, seen));
  else if (bValues && !isClosed(h)) add('widening', 'map value constraint removed (any value allowed)', `${path}/*`);
  else if (hValues && !isClosed(b)) add('narrowing', 'map value constraint added', `${path}/*`);

  // Arrays.
  if (b.items && h.items) changes.push(...diffSchemas(b.items as JsonSchema, h.items as JsonSchema, resolveBase, resolveHead, `${path}/*`, seen));
  else if (b.items && !h.items) add('widening', 'item constraint removed');
  else if (!b.items && h.items) add('narrowing', 'item constraint added');

  // Discriminated unions: branches matched by their discriminator constant.
  if (Array.isArray(b.oneOf) !== Array.isArray(h.oneOf)) {
    // Its branches and the one schema are not matched: flag it both ways rather than guess.
    if (!changes.some((c) => c.path === (path || '/') && c.effect === 'incompatible')) add('incompatible', Array.isArray(b.oneOf) ? 'union became a single schema' : 'single schema became a union');
  } else if (Array.isArray(b.oneOf) && Array.isArray(h.oneOf)) {
    const branches = (schema: JsonSchema, resolve: Resolve) =>
      new Map(
        ((schema.oneOf ?? []) as JsonSchema[]).map((branch) => {
          const resolved = resolve(branch);
          const discriminant = (resolved.properties as Record<string, JsonSchema> | undefined)?.[String(schema.discriminator)];
          return [discriminant?.const === undefined ? 'fallback' : key(discriminant.const), branch] as const;
        }),
      );
    const bb = branches(b, resolveBase);
    const hb = branches(h, resolveHead);
    for (const [name, branch] of hb) {
      if (!bb.has(name)) {
        // With a fallback branch, values of the new kind were valid before (as unknown ones).
        add(bb.has('fallback') ? 'narrowing' : 'widening', `union branch ${name} added`);
        continue;
      }
      // Branches share the data path, so the same edit in two branches (`text` in two event
      // types) is one change of that path, not two.
      for (const change of diffSchemas(bb.get(name)!, branch, resolveBase, resolveHead, path, seen)) {
        if (!changes.some((c) => c.path === change.path && c.effect === change.effect && c.what === change.what)) changes.push(change);
      }
    }
    for (const name of bb.keys()) {
      if (hb.has(name)) continue;
      // Beside a fallback the values of the removed kind are still valid, but as unknown ones: the
      // data no longer means what readers of the old version take it for, in either direction.
      if (hb.has('fallback')) add('incompatible', `union branch ${name} removed (its values now fall to the fallback branch)`);
      else add('narrowing', `union branch ${name} removed`);
    }
  }
  return changes;
}
