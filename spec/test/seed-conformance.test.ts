// Checks spec/asyncapi.yaml against the normative seed event reference, as recorded in
// seed-facts.json (the repository's record of that reference, checked against it once):
// every seed event is a message of that exact name, with the seed's payload kind, fields,
// nesting and types, and every field on the way is described; and nothing the seed's tables do
// not list is required, at any depth (a server that sends exactly the seed's fields conforms).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCleanSpec, type LoadedSpec } from '@customer-chat/spec-loader';
import { facts, repoRoot, type SeedEvent, type SeedField } from './seed-facts.js';

type Document = NonNullable<LoadedSpec['document']>;
type Message = ReturnType<ReturnType<Document['allMessages']>['all']>[number];
type Schema = NonNullable<ReturnType<Message['payload']>>;

// ASYNCAPI_SPEC_PATH only exists to point the test at a broken copy when checking that it can fail.
const specPath = process.env['ASYNCAPI_SPEC_PATH'] ?? resolve(repoRoot, 'spec', 'asyncapi.yaml');

const show = (value: unknown): string => (value === undefined ? 'undefined' : JSON.stringify(value));
const schemaName = (schema: Schema): string => schema.title() ?? schema.id();

/**
 * The object schemas a value of this schema may be: the schema itself when it is an object, every
 * branch (recursively) when it is a `oneOf` union. Undefined when any branch is not an object.
 */
function objectBranches(schema: Schema): Schema[] | undefined {
  const union = schema.oneOf();
  if (union && union.length > 0) {
    const branches: Schema[] = [];
    for (const member of union) {
      const inner = objectBranches(member);
      if (!inner) return undefined;
      branches.push(...inner);
    }
    return branches;
  }
  return schema.type() === 'object' ? [schema] : undefined;
}

function describeShape(schema: Schema): string {
  const union = schema.oneOf();
  if (union && union.length > 0) return `oneOf[${union.map(describeShape).join(', ')}]`;
  const type = schema.type();
  if (type === 'array') {
    const items = schema.items();
    return `array of ${items === undefined ? 'anything' : Array.isArray(items) ? 'a tuple' : describeShape(items)}`;
  }
  return type === undefined ? 'untyped' : show(type);
}

/** Does the schema have the seed's type? Undefined when it does, the mismatch otherwise. */
function typeMismatch(seedType: string, schema: Schema): string | undefined {
  const type = schema.type();
  const items = schema.items();
  const single = items !== undefined && !Array.isArray(items) ? items : undefined;
  let ok: boolean;
  switch (seedType) {
    case '':
      return undefined;
    case 'string':
      ok = type === 'string';
      break;
    case 'number':
      ok = type === 'integer' || type === 'number';
      break;
    case 'object':
      ok = objectBranches(schema) !== undefined;
      break;
    case 'object[]':
      ok = type === 'array' && single !== undefined && objectBranches(single) !== undefined;
      break;
    case 'string[]':
      ok = type === 'array' && single !== undefined && single.type() === 'string';
      break;
    default:
      return `the seed type "${seedType}" is not one this test knows`;
  }
  const expected: Record<string, string> = {
    string: 'type string',
    number: 'type integer or number',
    object: 'an object or a oneOf of objects',
    'object[]': 'an array whose items are objects',
    'string[]': 'an array of strings',
  };
  return ok ? undefined : `expected ${expected[seedType]}, got ${describeShape(schema)}`;
}

interface Located {
  /** Which union branches were taken to get here, for messages. */
  via: string;
  schema: Schema;
}

/** The payload problems of one seed event; empty when the message conforms. */
function conformanceProblems(document: Document, fact: SeedEvent): string[] {
  const problems: string[] = [];
  const at = (path: string[]): string => `${fact.event} ${path.length ? path.join('.') : '(payload)'}`;

  const messages = document.allMessages().all().filter((message) => message.name() === fact.event);
  if (messages.length !== 1) {
    return [`${fact.event}: expected exactly one message named "${fact.event}", found ${messages.length}`];
  }
  const message = messages[0]!;
  const payload = message.hasPayload() ? message.payload() : undefined;

  if (fact.payload === 'none') {
    if (payload) problems.push(`${at([])}: expected no payload schema, got ${describeShape(payload)}`);
    return problems;
  }
  if (!payload) return [`${at([])}: expected a ${fact.payload} payload, the message has no payload schema`];
  if (fact.payload === 'string') {
    if (payload.type() !== 'string') problems.push(`${at([])}: expected type string, got ${describeShape(payload)}`);
    if (fact.optional) problems.push(...optionalSources(fact.event).map((problem) => `${at([])}: the seed makes it optional, but ${problem}`));
    return problems;
  }

  const roots = objectBranches(payload);
  if (!roots) return [`${at([])}: expected an object or a oneOf union of objects, got ${describeShape(payload)}`];
  if (fact.open) {
    for (const root of roots) {
      if (root.additionalProperties() === false) {
        problems.push(`${at([])}: the seed allows other properties ("..."), but ${schemaName(root)} has additionalProperties: false`);
      }
    }
  }

  for (const field of fact.fields) {
    let here: Located[] = roots.map((schema) => ({ via: roots.length > 1 ? schemaName(schema) : '', schema }));
    field.path.forEach((segment, depth) => {
      const prefix = field.path.slice(0, depth + 1);
      const next: Located[] = [];
      for (const { via, schema } of here) {
        const where = via ? ` (in branch ${via})` : '';
        const property = schema.properties()?.[segment];
        if (!property) {
          problems.push(`${at(prefix)}: missing${where}; properties there: ${show(Object.keys(schema.properties() ?? {}))}`);
          continue;
        }
        if (!property.description()?.trim()) problems.push(`${at(prefix)}: no description in the spec${where}`);
        if (depth === field.path.length - 1) {
          const mismatch = typeMismatch(field.type, property);
          if (mismatch) problems.push(`${at(prefix)}${where}: seed type "${field.type}": ${mismatch}`);
          continue;
        }
        // Walk into the container: through an array to its items, then into every object branch.
        const items = property.type() === 'array' ? property.items() : undefined;
        const container = items !== undefined && !Array.isArray(items) ? items : property;
        const branches = objectBranches(container);
        if (!branches) {
          problems.push(`${at(prefix)}${where}: has children in the seed but is ${describeShape(property)} in the spec`);
          continue;
        }
        for (const branch of branches) {
          const label = branches.length > 1 ? schemaName(branch) : '';
          next.push({ via: [via, label].filter(Boolean).join(' > '), schema: branch });
        }
      }
      here = next;
    });
  }
  return [...new Set(problems)];
}

/**
 * For a client event the seed makes optional: what, in the pushes it comes from (`x-client-event`),
 * still requires it; nothing when a server may leave it out of every one of them.
 */
function optionalSources(event: string): string[] {
  const sources = document.allMessages().all().filter((m) => (m.extensions().get('x-client-event')?.value() as { event?: unknown } | undefined)?.event === event);
  if (sources.length === 0) return [`no push names it in x-client-event`];
  return sources.flatMap((message) => {
    const pointer = (message.extensions().get('x-client-event')!.value() as { payload: string }).payload;
    let schema = message.payload();
    for (const segment of pointer.split('/').slice(1)) {
      if (schema === undefined) break;
      if ((schema.required() ?? []).includes(segment)) return [`${message.name()} requires ${pointer}`];
      schema = schema.properties()?.[segment];
    }
    return pointer === '' ? [`${message.name()} carries it as its whole payload`] : [];
  });
}

/**
 * Seed fields whose description names the shape of another seed event's payload, and which list no
 * children of their own: `lastEvent` is an "Event", the shape of new_event's payload.
 */
const SHAPES: Readonly<Record<string, string>> = { Event: 'new_event' };

/**
 * Where the schema requires what the seed's table does not list, as `event /pointer (why)`: a
 * `required` name at an object the seed describes that is not one of its fields there, or any
 * `required` inside a field the seed lists without children (`properties`: any object). A union
 * requires nothing beyond the seed when one of its branches does not; an array is seen through to
 * its items, as the seed's `object[]` fields are. Fields the seed does not list are optional
 * additions a conforming server never sends: what they require does not count.
 */
function requiredBeyondSeed(fact: SeedEvent, payload: Schema): string[] {
  const fieldsOf = (event: string): SeedField[] => facts.events.find((e) => e.event === event)!.fields;
  const walk = (schema: Schema, fields: SeedField[], path: string[] | undefined, pointer: string, trail: Set<Schema>): string[] => {
    if (trail.has(schema)) return [];
    const inner = new Set(trail).add(schema);
    const union = [...(schema.oneOf() ?? []), ...(schema.anyOf() ?? [])];
    if (union.length > 0) {
      const outcomes = union.map((branch) => walk(branch, fields, path, pointer, inner));
      return outcomes.some((problems) => problems.length === 0) ? [] : outcomes.reduce((a, b) => (b.length < a.length ? b : a));
    }
    const items = schema.items();
    if (items !== undefined && !Array.isArray(items)) return walk(items, fields, path, `${pointer}/*`, inner);
    // The seed's fields one level below `path` (none when `path` is undefined: a field the seed lists without children).
    const children = path === undefined ? [] : fields.filter((f) => f.path.length === path.length + 1 && path.every((segment, i) => f.path[i] === segment));
    const problems: string[] = [];
    for (const name of schema.required() ?? []) {
      if (!children.some((f) => f.path.at(-1) === name)) problems.push(`${fact.event} ${pointer}/${name} (${path === undefined ? `inside a field the seed lists without children` : 'not a field of the seed there'})`);
    }
    for (const [name, property] of Object.entries(schema.properties() ?? {})) {
      if (path === undefined) {
        problems.push(...walk(property, fields, undefined, `${pointer}/${name}`, inner));
        continue;
      }
      const field = children.find((f) => f.path.at(-1) === name);
      if (field === undefined) continue;
      const hasChildren = fields.some((f) => f.path.length > field.path.length && field.path.every((segment, i) => f.path[i] === segment));
      const shape = hasChildren ? undefined : SHAPES[field.description];
      if (shape !== undefined) problems.push(...walk(property, fieldsOf(shape), [], `${pointer}/${name}`, inner));
      else problems.push(...walk(property, fields, hasChildren ? field.path : undefined, `${pointer}/${name}`, inner));
    }
    const extra = schema.additionalProperties();
    if (path === undefined && typeof extra === 'object') problems.push(...walk(extra as Schema, fields, undefined, `${pointer}/*`, inner));
    return problems;
  };
  return walk(payload, fact.fields, [], '', new Set());
}

/** The seed events' requirements beyond the seed in one loaded document. */
function everyRequiredBeyondSeed(doc: Document): string[] {
  return facts.events.flatMap((fact) => {
    if (fact.payload !== 'object') return [];
    const message = doc.allMessages().all().find((m) => m.name() === fact.event);
    const payload = message?.hasPayload() ? message.payload() : undefined;
    return payload === undefined ? [] : requiredBeyondSeed(fact, payload);
  });
}

let document: Document;

beforeAll(async () => {
  expect(existsSync(specPath), `the AsyncAPI document is missing at ${specPath}`).toBe(true);
  ({ document } = await loadCleanSpec(specPath));
}, 60_000);

describe('spec conforms to the seed event reference', () => {
  it('has facts for every seed event (the fixture is not empty)', () => {
    expect(facts.source).toMatch(/event reference/);
    expect(facts.events.map((e) => e.event).sort()).toEqual([
      'chat_properties_updated', 'chat_thread_properties_updated', 'connected', 'connection_lost', 'connection_restored',
      'customer_id', 'disconnected', 'last_seen_timestamp_updated', 'new_event', 'thread_closed', 'thread_metada',
      'user_data', 'user_is_typing', 'user_stopped_typing',
    ]);
  });

  it.each(facts.events)('$event: message, payload kind, fields, types and descriptions match the seed', (fact) => {
    expect(conformanceProblems(document, fact), `${fact.event} does not conform to ${facts.source}`).toEqual([]);
  });

  it('requires nothing the seed does not list, at any depth: a server that sends exactly the seed fields conforms', () => {
    expect(everyRequiredBeyondSeed(document)).toEqual([]);
  });

  it('the check can fail: a rating that requires its score, inside the seed\'s `properties: object`, is found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-required-'));
    try {
      const text = readFileSync(specPath, 'utf8');
      const at = text.indexOf('    StoredRating:\n      type: object\n');
      expect(at).toBeGreaterThan(0);
      const broken = join(dir, 'asyncapi.yaml');
      writeFileSync(broken, `${text.slice(0, at)}    StoredRating:\n      type: object\n      required: [score]\n${text.slice(at + '    StoredRating:\n      type: object\n'.length)}`);
      const { document: edited } = await loadCleanSpec(broken);
      expect(everyRequiredBeyondSeed(edited!)).toEqual([
        'chat_properties_updated /properties/rating/score (inside a field the seed lists without children)',
        'chat_thread_properties_updated /properties/rating/score (inside a field the seed lists without children)',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('spells thread_metada exactly as the seed does (not "thread_metadata")', () => {
    expect(facts.events.map((e) => e.event)).toContain('thread_metada');
    const names = document.allMessages().all().map((message) => message.name());
    expect(names.filter((name) => name === 'thread_metada'), 'messages named thread_metada').toHaveLength(1);
    expect(names, 'a message named thread_metadata').not.toContain('thread_metadata');
  });
});
