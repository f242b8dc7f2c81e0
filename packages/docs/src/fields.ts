// Turns a payload's JSON Schema into the rows of a field table, the way the seed's tables show
// shapes: top-level fields, the fields of an object (or array of objects) one level down, types
// written as the seed writes them (`string`, `number` for integers too, `object`, `object[]`).
import type { Inline } from './doc.js';
import { inlineDescription, type Linker } from './spec-markdown.js';
import { refName, schemaByName, type JsonSchema, type ProtocolModel } from './spec-model.js';

export interface FieldRow {
  /** `['chatsSummary']`, or `['chatsSummary', 'id']` for a nested field. */
  path: string[];
  /** The type as the seed writes it. */
  type: string;
  required: boolean;
  description: Inline[];
  /** For union members: the discriminator values of the branches that have the field. */
  onlyFor: string[] | undefined;
}

export type Shape =
  /** The event carries nothing. */
  | { kind: 'none' }
  /** A bare value (a string): one argument. */
  | { kind: 'value'; argument: string; type: string; description: Inline[]; optional?: boolean }
  /** An object (or a union of objects): its fields; `open` describes the `...` row, if any. */
  | { kind: 'object'; rows: FieldRow[]; nested: boolean; open: Inline[] | undefined; discriminator: string | undefined };

export interface ShapeContext {
  model: ProtocolModel;
  linker: Linker;
  /** Show the fields of named object schemas one level down (events, methods); else link them (schemas page). */
  expandNamed: boolean;
}

interface Resolved {
  schema: JsonSchema;
  /** The last named schema on the way, if the schema was a reference. */
  name: string | undefined;
}

export function resolve(model: ProtocolModel, schema: JsonSchema): Resolved {
  let current = schema;
  let name: string | undefined;
  for (let ref = refName(current); ref !== undefined; ref = refName(current)) {
    name = ref;
    current = schemaByName(model, ref).schema;
  }
  return { schema: current, name };
}

const isUnion = (schema: JsonSchema): boolean => Array.isArray(schema['oneOf']) || Array.isArray(schema['anyOf']);
const properties = (schema: JsonSchema): Record<string, JsonSchema> => (schema['properties'] as Record<string, JsonSchema> | undefined) ?? {};
const requiredOf = (schema: JsonSchema): string[] => (schema['required'] as string[] | undefined) ?? [];

function branchesOf(schema: JsonSchema): JsonSchema[] {
  return ((schema['oneOf'] ?? schema['anyOf']) as JsonSchema[] | undefined) ?? [];
}

function scalarType(type: string): string {
  return type === 'integer' ? 'number' : type;
}

/** The type of a schema as the seed writes it. */
export function seedType(model: ProtocolModel, schema: JsonSchema): string {
  const { schema: s } = resolve(model, schema);
  if (isUnion(s)) {
    const types = [...new Set(branchesOf(s).map((branch) => seedType(model, branch)))];
    return types.join(' or ');
  }
  const type = s['type'];
  if (Array.isArray(type)) {
    const types = [...new Set((type as string[]).filter((t) => t !== 'null').map(scalarType))];
    return [...types, ...((type as string[]).includes('null') ? ['null'] : [])].join(' or ');
  }
  if (type === 'array') {
    const items = s['items'] as JsonSchema | undefined;
    const itemType = items ? seedType(model, items) : 'any';
    return itemType.includes(' ') ? `(${itemType})[]` : `${itemType}[]`;
  }
  if (typeof type === 'string') return scalarType(type);
  if ('const' in s) return typeof s['const'];
  if ('properties' in s || 'additionalProperties' in s) return 'object';
  return 'any';
}

/** Whether a (resolved) schema has fields to show: an object with properties or a union of objects. */
function hasFields(schema: JsonSchema): boolean {
  return isUnion(schema) || Object.keys(properties(schema)).length > 0;
}

/** The object or union a field holds, directly or as array items, with the name of its schema. */
function fieldsHolder(model: ProtocolModel, schema: JsonSchema): Resolved | undefined {
  const direct = resolve(model, schema);
  const target = direct.schema['type'] === 'array' && direct.schema['items'] ? resolve(model, direct.schema['items'] as JsonSchema) : direct;
  // A map with some known keys (`Properties` and its `rating`) is still a map: its keys are not the payload's fields.
  const additional = target.schema['additionalProperties'];
  const map = typeof additional === 'object' && additional !== null && Object.keys(additional).length > 0;
  return hasFields(target.schema) && !map ? target : undefined;
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').trim();
  const match = /^(.+?[.!?])(\s|$)/.exec(flat);
  return match ? match[1]! : flat;
}

/** Whether a named schema deserves a link (objects, unions, enums), not a scalar alias like `ChatId`. */
function isLinkWorthy(schema: JsonSchema): boolean {
  return isUnion(schema) || 'properties' in schema || 'additionalProperties' in schema || Array.isArray(schema['enum']);
}

function describe(context: ShapeContext, field: JsonSchema): Inline[] {
  const { model, linker } = context;
  const direct = resolve(model, field);
  const items = direct.schema['type'] === 'array' && direct.schema['items'] ? resolve(model, direct.schema['items'] as JsonSchema) : undefined;
  const own = typeof field['description'] === 'string' ? field['description'] : undefined;
  const text = own ?? (direct.name !== undefined && typeof direct.schema['description'] === 'string' ? firstSentence(direct.schema['description']) : undefined);
  const out: Inline[] = inlineDescription(text, linker);
  const values = direct.schema['enum'];
  if (Array.isArray(values) && direct.name === undefined && values.length <= 6) {
    out.push(out.length > 0 ? ' One of ' : 'One of ');
    values.forEach((value, index) => {
      if (index > 0) out.push(index === values.length - 1 ? ' or ' : ', ');
      out.push({ code: String(value) });
    });
    out.push('.');
  }
  if ('default' in direct.schema) out.push(out.length > 0 ? ' Default ' : 'Default ', { code: JSON.stringify(direct.schema['default']) }, '.');
  const named = [direct, items].find((r): r is Resolved => r?.name !== undefined && isLinkWorthy(r.schema));
  if (named?.name !== undefined) out.push(out.length > 0 ? ' See ' : 'See ', { link: [{ code: named.name }], to: { page: 'schemas', id: named.name } }, '.');
  const rules = fieldRules(model, field);
  if (rules.length > 0) out.push(...(out.length > 0 ? [' '] : []), ...rules);
  return out;
}

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** `1 to 16,384 characters`, `at least 1 item`, `at most 25 items`: a bound pair as words. */
function bounds(min: unknown, max: unknown, word: string): string | undefined {
  const low = typeof min === 'number' ? min : undefined;
  const high = typeof max === 'number' ? max : undefined;
  if (low !== undefined && high !== undefined) return low === high ? `exactly ${plural(high, word)}` : `${count(low)} to ${plural(high, word)}`;
  if (low !== undefined) return `at least ${plural(low, word)}`;
  if (high !== undefined) return `at most ${plural(high, word)}`;
  return undefined;
}

/** The protocol page's section of the catalogue a schema chain ends in, if it is one. */
function catalogueSection(model: ProtocolModel, chain: JsonSchema[]): { id: string; label: string } | undefined {
  const names = chain.map((schema) => refName(schema)).filter((name): name is string => name !== undefined);
  const { errorType, clientErrorCode, disconnectionReason } = model.catalogueSchemas;
  if (names.includes(errorType)) return { id: 'error-catalogue', label: 'error types' };
  if (names.includes(clientErrorCode)) return { id: 'client-error-codes', label: 'client error codes' };
  if (names.includes(disconnectionReason)) return { id: 'disconnection-reasons', label: 'disconnection reasons' };
  return undefined;
}

/**
 * The rules a field's value must keep, from its schema and the named schemas it refers to (a
 * keyword beside a `$ref` first): nullable, whole number, lengths (in code points) and item counts,
 * ranges, constants and allowed values, format and pattern, closed objects. Empty when it has none.
 */
export function fieldRules(model: ProtocolModel, field: JsonSchema): Inline[] {
  const rules = ruleList(model, field);
  if (rules.length === 0) return [];
  return [{ em: ['Rules: ', ...joinRules(rules, '; '), '.'] }];
}

function joinRules(rules: Inline[][], separator: string): Inline[] {
  return rules.flatMap((rule, index) => [...(index > 0 ? [separator] : []), ...rule]);
}

/** The rules of `fieldRules`, one entry each; an array's items' own rules as one `each item: ...` entry. */
function ruleList(model: ProtocolModel, field: JsonSchema, depth = 0): Inline[][] {
  const chain: JsonSchema[] = [];
  for (let current: JsonSchema | undefined = field; current !== undefined && chain.length < 16; ) {
    chain.push(current);
    const ref = refName(current);
    current = ref === undefined ? undefined : schemaByName(model, ref).schema;
  }
  const pick = (keyword: string): unknown => chain.find((schema) => schema[keyword] !== undefined)?.[keyword];
  const type = pick('type');
  const types = Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
  const rules: Inline[][] = [];
  if (types.includes('null') && types.length > 1) rules.push(['may be ', { code: 'null' }]);
  if (types.includes('integer')) rules.push(['a whole number']);
  const minimum = pick('minimum');
  const maximum = pick('maximum');
  if (typeof minimum === 'number' && typeof maximum === 'number') rules.push([`from ${count(minimum)} to ${count(maximum)}`]);
  else if (typeof minimum === 'number') rules.push([`at least ${count(minimum)}`]);
  else if (typeof maximum === 'number') rules.push([`at most ${count(maximum)}`]);
  const length = bounds(pick('minLength'), pick('maxLength'), 'character');
  if (length !== undefined) rules.push([length]);
  const itemCount = bounds(pick('minItems'), pick('maxItems'), 'item');
  if (itemCount !== undefined) rules.push([itemCount]);
  if (pick('uniqueItems') === true) rules.push(['no item twice']);
  const properties = bounds(pick('minProperties'), pick('maxProperties'), 'property');
  if (properties !== undefined) rules.push([properties.replace(/propertys\b/, 'properties')]);
  const constant = chain.find((schema) => 'const' in schema)?.['const'];
  if (constant !== undefined) rules.push(['always ', { code: JSON.stringify(constant) }]);
  const values = pick('enum');
  // The catalogues (error types, client error codes, disconnection reasons): each value is described on the protocol page.
  const catalogue = catalogueSection(model, chain);
  if (Array.isArray(values) && catalogue !== undefined) {
    rules.push([`one of the ${values.length} `, { link: [catalogue.label], to: { page: 'protocol', id: catalogue.id } }, ', each described there']);
  } else if (Array.isArray(values) && values.length > 6) rules.push([`one of ${values.length} values`]);
  const format = pick('format');
  if (typeof format === 'string') rules.push(['format ', { code: format }]);
  const pattern = pick('pattern');
  if (typeof pattern === 'string') rules.push(['matches ', { code: pattern }]);
  if (pick('additionalProperties') === false && types.includes('object')) rules.push(['no other fields']);
  const items = pick('items');
  // Depth-limited: a schema may (through refs) hold arrays of itself.
  if (types.includes('array') && typeof items === 'object' && items !== null && !Array.isArray(items) && depth < 4) {
    const itemRules = ruleList(model, items as JsonSchema, depth + 1);
    if (itemRules.length > 0) rules.push(['each item: ', ...joinRules(itemRules, ', ')]);
  }
  return rules;
}

/** `name`: the named schema `schema` is, if any (a union's discriminator is looked up by it). */
function objectRows(context: ShapeContext, schema: JsonSchema, name: string | undefined, depth: number): { rows: FieldRow[]; open: Inline[] | undefined; discriminator: string | undefined } {
  if (isUnion(schema)) return unionRows(context, schema, name, depth);
  const required = new Set(requiredOf(schema));
  const rows: FieldRow[] = [];
  for (const [name, field] of Object.entries(properties(schema))) {
    rows.push({ path: [name], type: seedType(context.model, field), required: required.has(name), description: describe(context, field), onlyFor: undefined });
    if (depth === 0) {
      const holder = fieldsHolder(context.model, field);
      if (holder && (context.expandNamed || holder.name === undefined)) {
        const nested = objectRows(context, holder.schema, holder.name, depth + 1);
        rows.push(...nested.rows.map((row) => ({ ...row, path: [name, ...row.path] })));
      }
    }
  }
  return { rows, open: undefined, discriminator: undefined };
}

/** The discriminator of a union, found by the union's schema name (`unionName`), never by object identity. */
function discriminatorOf(context: ShapeContext, schema: JsonSchema, unionName: string | undefined): { property: string; fallback: string | undefined } {
  const union = unionName === undefined ? undefined : context.model.discriminators.find((d) => d.union === unionName);
  const property = union?.property ?? (schema['discriminator'] as string | undefined);
  if (property === undefined) throw new Error(`${context.model.source}: the union ${unionName ?? '(an unnamed schema)'} has no discriminator, so it cannot be documented as a table`);
  return { property, fallback: union?.fallback };
}

function unionRows(context: ShapeContext, schema: JsonSchema, unionName: string | undefined, depth: number): { rows: FieldRow[]; open: Inline[] | undefined; discriminator: string } {
  const { model } = context;
  const { property, fallback } = discriminatorOf(context, schema, unionName);
  const branches = branchesOf(schema).map((branch) => {
    const resolved = resolve(model, branch);
    const constant = properties(resolved.schema)[property]?.['const'];
    return { ...resolved, value: typeof constant === 'string' ? constant : undefined };
  });
  const known = branches.filter((b) => b.value !== undefined);
  const tagDescription: Inline[] = ['Tells the kinds apart: '];
  known.forEach((branch, index) => {
    if (index > 0) tagDescription.push(index === known.length - 1 && fallback === undefined ? ' or ' : ', ');
    tagDescription.push({ code: branch.value! });
    if (branch.name !== undefined) tagDescription.push(' (', { link: [branch.name], to: { page: 'schemas', id: branch.name } }, ')');
  });
  if (fallback !== undefined) tagDescription.push(' or any other value (', { link: [fallback], to: { page: 'schemas', id: fallback } }, ')');
  tagDescription.push('.');

  // The tag may be absent when a branch (the fallback `UnknownUser` of `User`) does not require it.
  const tagRequired = branches.every((b) => requiredOf(b.schema).includes(property));
  const rows: FieldRow[] = [{ path: [property], type: 'string', required: tagRequired, description: tagDescription, onlyFor: undefined }];
  const names: string[] = [];
  for (const branch of branches) for (const name of Object.keys(properties(branch.schema))) if (name !== property && !names.includes(name)) names.push(name);
  for (const name of names) {
    const having = branches.filter((b) => name in properties(b.schema));
    const first = properties(having[0]!.schema)[name]!;
    const inAll = having.length === branches.length;
    const onlyFor = inAll ? undefined : having.map((b) => b.value ?? 'other');
    // Branches may describe the field each in their own words: say each, by branch.
    const texts = having.map((b) => ({ value: b.value, text: describe(context, properties(b.schema)[name]!) }));
    const same = texts.every((t) => JSON.stringify(t.text) === JSON.stringify(texts[0]!.text));
    const text: Inline[] = same
      ? texts[0]!.text
      : texts.flatMap((t, i) => [...(i > 0 ? ['; '] : []), { code: t.value ?? 'other' }, ': ', ...withoutFinalStop(t.text)]).concat('.');
    rows.push({
      path: [name],
      type: seedType(model, first),
      // Present whenever its branches say so: `text` is required for messages, not optional.
      required: having.every((b) => requiredOf(b.schema).includes(name)),
      description: [...(onlyFor ? onlyWhen(property, onlyFor) : []), ...text],
      onlyFor,
    });
    if (depth === 0 && inAll) {
      const holder = fieldsHolder(model, first);
      if (holder && (context.expandNamed || holder.name === undefined)) {
        rows.push(...objectRows(context, holder.schema, holder.name, depth + 1).rows.map((row) => ({ ...row, path: [name, ...row.path] })));
      }
    }
  }
  const open: Inline[] | undefined = fallback === undefined ? undefined : ['Other properties, for kinds this version does not know (', { link: [fallback], to: { page: 'schemas', id: fallback } }, ').'];
  return { rows, open, discriminator: property };
}

function withoutFinalStop(text: Inline[]): Inline[] {
  const last = text[text.length - 1];
  return typeof last === 'string' ? [...text.slice(0, -1), last.replace(/\.$/, '')] : text;
}

function onlyWhen(property: string, values: string[]): Inline[] {
  const list: Inline[] = [];
  values.forEach((value, index) => {
    if (index > 0) list.push(index === values.length - 1 ? ' or ' : ', ');
    list.push({ code: value });
  });
  return [{ em: ['Only when ', { code: property }, ' is ', ...list, '.'] }, ' '];
}

/** The argument name of a bare-value payload, from its schema: `UserId` -> `id`, `DisconnectionReason` -> `reason`. */
export function argumentName(schemaName: string): string {
  const words = schemaName.match(/[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])/g) ?? [schemaName];
  return words[words.length - 1]!.toLowerCase();
}

/** The shape of a payload given by a named schema (or nothing). */
export function payloadShape(context: ShapeContext, schemaName: string | undefined): Shape {
  if (schemaName === undefined) return { kind: 'none' };
  const named = schemaByName(context.model, schemaName);
  const { schema, name } = resolve(context.model, named.schema);
  if (hasFields(schema) || seedType(context.model, schema) === 'object') {
    const { rows, open, discriminator } = objectRows(context, schema, name ?? schemaName, 0);
    return { kind: 'object', rows, nested: rows.some((row) => row.path.length > 1), open, discriminator };
  }
  const description: Inline[] = inlineDescription(named.description === undefined ? undefined : firstSentence(named.description), context.linker);
  if (isLinkWorthy(schema)) description.push(' See ', { link: [{ code: schemaName }], to: { page: 'schemas', id: schemaName } }, '.');
  const rules = fieldRules(context.model, { $ref: `#/definitions/${schemaName}` });
  if (rules.length > 0) description.push(...(description.length > 0 ? [' '] : []), ...rules);
  return { kind: 'value', argument: argumentName(schemaName), type: seedType(context.model, schema), description };
}
