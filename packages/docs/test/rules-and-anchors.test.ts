// Payload tables of events and methods show each field's rules, and every field row has an anchor
// `#<event>.<field>` (`#<method>.<field>` for arguments, `#<method>.result.<field>` for results)
// that the search index points at. The rules are checked against the spec's keywords for every
// row, and the checker is shown to catch a rule left out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emittedEvents, refName, schemaByName, type JsonSchema, type ProtocolModel } from '../src/spec-model.js';
import { buildIntoTemporaryDirectory, decode, type Built } from './helpers.js';

let built: Built;
beforeAll(async () => {
  built = await buildIntoTemporaryDirectory();
});
afterAll(() => built?.remove());

/** Rows with an id on a page: id -> the row's text. */
function rowsById(html: string): Map<string, string> {
  return new Map([...html.matchAll(/<tr\b[^>]*\bid="([^"]+)"[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => [decode(m[1]!), decode(m[2]!.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ')]));
}

/** The schemas a field goes through: the schema itself and each named schema it refers to. */
function chain(model: ProtocolModel, schema: JsonSchema): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (let current: JsonSchema | undefined = schema; current !== undefined && out.length < 16; ) {
    out.push(current);
    const ref = refName(current);
    current = ref === undefined ? undefined : schemaByName(model, ref).schema;
  }
  return out;
}

/** The object schemas a value may be under: through refs, union branches and array items. */
function holders(model: ProtocolModel, schema: JsonSchema, depth = 0): JsonSchema[] {
  if (depth > 8) return [];
  return chain(model, schema).flatMap((s) => [
    s,
    ...(((s.oneOf ?? s.anyOf) as JsonSchema[] | undefined) ?? []).flatMap((branch) => holders(model, branch, depth + 1)),
    ...(s.type === 'array' && s.items ? holders(model, s.items as JsonSchema, depth + 1) : []),
  ]);
}

/** The schema of the field at `path` under a named schema. */
function fieldSchema(model: ProtocolModel, root: string, path: string[]): JsonSchema | undefined {
  let current: JsonSchema | undefined = { $ref: `#/definitions/${root}` };
  for (const name of path) {
    const start: JsonSchema = current;
    current = holders(model, start)
      .map((holder) => (holder.properties as Record<string, JsonSchema> | undefined)?.[name])
      .find((field) => field !== undefined);
    if (current === undefined) return undefined;
  }
  return current;
}

const number = (n: number) => n.toLocaleString('en-US');

/** The words a row must contain for the rules the spec puts on its field. */
function expectedRules(model: ProtocolModel, field: JsonSchema): string[] {
  const schemas = chain(model, field);
  const pick = (keyword: string) => schemas.find((s) => s[keyword] !== undefined)?.[keyword];
  const expected: string[] = [];
  for (const keyword of ['minimum', 'maximum']) if (typeof pick(keyword) === 'number') expected.push(number(pick(keyword) as number));
  if (typeof pick('maxLength') === 'number') expected.push(`${number(pick('maxLength') as number)} character`);
  else if (typeof pick('minLength') === 'number') expected.push(`at least ${number(pick('minLength') as number)} character`);
  if (typeof pick('maxItems') === 'number') expected.push(`${number(pick('maxItems') as number)} item`);
  if (typeof pick('pattern') === 'string') expected.push(pick('pattern') as string);
  if (typeof pick('format') === 'string') expected.push(`format ${pick('format') as string}`);
  const constant = schemas.find((s) => 'const' in s)?.const;
  // As a constant (`"push"`) or, for a union's discriminator, among the kinds it tells apart.
  if (constant !== undefined) expected.push(String(constant));
  return expected;
}

/** What a page's rows miss of their rules: `row: expected "words"`. */
function missingRules(model: ProtocolModel, rows: Map<string, string>, roots: Map<string, string>): string[] {
  const missing: string[] = [];
  for (const [id, text] of rows) {
    const [owner, ...rest] = id.split('.');
    const result = rest[0] === 'result';
    const key = result ? `${owner!}.result` : owner!;
    const root = roots.get(key);
    if (root === undefined) continue;
    const path = result ? rest.slice(1) : rest;
    // A bare value (`customer_id`'s id) has one row, for the value itself.
    const bare = path.length === 1 && schemaByName(model, root).schema.properties === undefined && schemaByName(model, root).schema.oneOf === undefined;
    const field = bare ? { $ref: `#/definitions/${root}` } : fieldSchema(model, root, path);
    if (field === undefined) {
      missing.push(`${id}: no such field in ${root}`);
      continue;
    }
    for (const words of expectedRules(model, field)) if (!text.includes(words)) missing.push(`${id}: expected "${words}" in "${text}"`);
  }
  return missing;
}

/** The payload schema behind each row-id prefix of the events and methods pages. */
function roots(model: ProtocolModel): Map<string, string> {
  const map = new Map<string, string>();
  for (const event of emittedEvents(model)) if (event.payload !== undefined) map.set(event.name, event.payload.ref);
  for (const request of model.requests) {
    if (request.request.payload !== undefined) map.set(request.id, request.request.payload.ref);
    if (request.response.payload !== undefined) map.set(`${request.id}.result`, request.response.payload.ref);
  }
  for (const operation of model.http) map.set(`${operation.id}.result`, operation.response.schema);
  return map;
}

describe('field rules and anchors', () => {
  it('gives every field of every event and method a row anchored `#<owner>.<field>`', () => {
    const model = built.result.model;
    const events = rowsById(built.read('site/events.html'));
    const methods = rowsById(built.read('site/methods.html'));
    for (const event of emittedEvents(model)) {
      if (event.payload === undefined) continue;
      expect([...events.keys()].some((id) => id.startsWith(`${event.name}.`)), event.name).toBe(true);
    }
    expect(events.has('send_event') || events.has('new_event.text')).toBe(true);
    expect(events.get('new_event.text')).toBeDefined();
    expect(methods.get('sendEvent.chat')).toBeDefined();
    expect(methods.get('startChat.result.chat')).toBeDefined();
    expect(events.get('connected.totalChats')).toBeDefined();
    // The HTTP operations: each query parameter, the body, each error status and each answer field.
    for (const operation of model.http) {
      for (const q of operation.query) expect(methods.get(`${operation.id}.${q.name}`), `${operation.id}.${q.name}`).toBeDefined();
      if (operation.body !== undefined) expect(methods.get(`${operation.id}.body`)).toMatch(/10,485,760 bytes/);
      for (const s of operation.errors.statuses) expect(methods.get(`${operation.id}.${s.status}`), `${operation.id}.${s.status}`).toBeDefined();
      expect([...methods.keys()].filter((id) => id.startsWith(`${operation.id}.result.`)).length).toBeGreaterThan(0);
    }
  });

  it('gives every top-level field of every payload its own row: each argument, each result field, each event field', () => {
    const model = built.result.model;
    const events = rowsById(built.read('site/events.html'));
    const methods = rowsById(built.read('site/methods.html'));
    const fieldsOf = (ref: string) => Object.keys(schemaByName(model, ref).schema.properties ?? {});
    const missing: string[] = [];
    let checked = 0;
    const expectRow = (rows: Map<string, string>, id: string) => {
      checked += 1;
      if (!rows.has(id)) missing.push(id);
    };
    for (const request of model.requests) {
      // The rows of one table each: a result field is not stood in for by an argument of the same name.
      if (request.request.payload !== undefined) for (const field of fieldsOf(request.request.payload.ref)) expectRow(methods, `${request.id}.${field}`);
      if (request.response.payload !== undefined) for (const field of fieldsOf(request.response.payload.ref)) expectRow(methods, `${request.id}.result.${field}`);
    }
    for (const event of emittedEvents(model)) if (event.payload !== undefined) for (const field of fieldsOf(event.payload.ref)) expectRow(events, `${event.name}.${field}`);
    expect(missing).toEqual([]);
    // The fields that only a result has the name of (updateLastSeenTimestamp's timestamp is an argument too).
    expect(methods.get('updateLastSeenTimestamp.result.timestamp')).toBeDefined();
    expect(checked).toBeGreaterThan(50);
  });

  it("shows the spec's rules in each row: lengths, limits, ranges, patterns, formats, constants", () => {
    const model = built.result.model;
    const map = roots(model);
    const events = rowsById(built.read('site/events.html'));
    const methods = rowsById(built.read('site/methods.html'));
    expect(missingRules(model, events, map)).toEqual([]);
    expect(missingRules(model, methods, map)).toEqual([]);
    // The message cap a client author most needs.
    expect(methods.get('sendEvent.event')).toBeDefined();
    const text = [...methods.entries()].find(([id]) => id.startsWith('sendEvent.event.text'))?.[1] ?? events.get('new_event.text') ?? '';
    expect(text).toMatch(/1 to 16,384 characters/);
    // Rules are checked on enough rows to mean something.
    const checked = [...events, ...methods].filter(([id]) => {
      const [owner, ...rest] = id.split('.');
      const result = rest[0] === 'result';
      const root = map.get(result ? `${owner!}.result` : owner!);
      const field = root === undefined ? undefined : fieldSchema(model, root, result ? rest.slice(1) : rest);
      return field !== undefined && expectedRules(model, field).length > 0;
    });
    expect(checked.length).toBeGreaterThan(40);
  });

  it('the checker catches a rule left out of a row (it is not vacuous)', () => {
    const model = built.result.model;
    const methods = rowsById(built.read('site/methods.html'));
    const broken = new Map([...methods].map(([id, text]) => [id, text.replace('16,384 characters', 'characters')]));
    expect(missingRules(model, broken, roots(model)).some((m) => m.includes('16,384 character'))).toBe(true);
  });

  it('indexes every event and method field for search, as an event or method field', () => {
    const script = built.read('site/assets/search-index.js');
    const entries = JSON.parse(script.slice(script.indexOf('['), script.lastIndexOf(']') + 1)) as Array<{ t: string; k: string; h: string }>;
    const byHref = new Map(entries.map((e) => [e.h, e]));
    for (const id of rowsById(built.read('site/events.html')).keys()) expect(byHref.get(`events.html#${id}`)?.k, id).toBe('event field');
    for (const id of rowsById(built.read('site/methods.html')).keys()) expect(byHref.get(`methods.html#${id}`)?.k, id).toBe('method field');
    expect(byHref.get('events.html#connected.totalChats')?.t).toBe('connected.totalChats');
  });
});
