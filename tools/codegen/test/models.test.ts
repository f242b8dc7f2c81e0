// The models emitter on the real document: the declarations must compile under the repo's strictest
// settings, type the protocol faithfully (checked by a type-test file with @ts-expect-error cases)
// and never invent names, while unsupported schema constructs fail with their JSON pointer.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCleanSpec } from '@customer-chat/spec-loader';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateModelDeclarations, type ModelDeclaration } from '../src/plugins/models/render.js';
import type { Discriminator, JsonSchema, NamedSchema } from '@customer-chat/spec-model';

const SPEC = fileURLToPath(new URL('../../../spec/asyncapi.yaml', import.meta.url));

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The document's schema as the model holds it: `x-` keys dropped, refs to `#/definitions/`. */
function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean);
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-')) continue;
    out[key] =
      key === '$ref' && typeof value === 'string' ? value.replace('#/components/schemas/', '#/definitions/') : clean(value);
  }
  return out;
}

function toNamedSchemas(raw: Record<string, unknown>): NamedSchema[] {
  const components = raw.components;
  const schemas = isObject(components) && isObject(components.schemas) ? components.schemas : {};
  return Object.entries(schemas).map(([name, schema]) => {
    const cleaned = clean(schema) as JsonSchema;
    return {
      name,
      pointer: `/components/schemas/${name}`,
      description: typeof cleaned.description === 'string' ? cleaned.description : undefined,
      schema: cleaned,
    };
  });
}

/** Unions with a `discriminator`: branches by their `const`, the fallback by its `not`. */
function toDiscriminators(schemas: NamedSchema[]): Discriminator[] {
  const byName = new Map(schemas.map((s) => [s.name, s.schema]));
  return schemas.flatMap(({ name, schema }) => {
    const property = schema.discriminator;
    if (typeof property !== 'string' || !Array.isArray(schema.oneOf)) return [];
    const discriminator: Discriminator = { union: name, property, branches: [], fallback: undefined };
    for (const member of schema.oneOf) {
      const branch = isObject(member) && typeof member.$ref === 'string' ? member.$ref.replace('#/definitions/', '') : '';
      const properties = byName.get(branch)?.properties;
      const discriminant = isObject(properties) ? properties[property] : undefined;
      if (isObject(discriminant) && typeof discriminant.const === 'string') {
        discriminator.branches.push({ value: discriminant.const, schema: branch });
      } else if (isObject(discriminant) && discriminant.not !== undefined) {
        discriminator.fallback = branch;
      }
    }
    return [discriminator];
  });
}

const TYPE_TESTS = `
import type {
  Acknowledgement, ChatSummary, ClientErrorCode, Customer, CustomerFields, ErrorResponseHeaders, ErrorType,
  Event, EventInput, MessageEvent, NullableTimestamp, Properties, ResponseHeaders, StartChatArguments,
  ThreadSummary, UnknownEvent, User,
} from './models.mjs';

const message: MessageEvent = { id: 'e1', type: 'message', chat: 'c1', thread: 't1', author: 'u1', timestamp: 1, text: 'Hi' };

// Every known case sees its own branch only; the fallback is exactly what the default case keeps.
export function describeEvent(event: Event): string | undefined {
  switch (event.type) {
    case 'message':
      return event.text;
    case 'file':
      return event.url;
    case 'system_message':
      return event.text;
    default: {
      const unknown: UnknownEvent = event;
      const type: string = unknown.type;
      return type;
    }
  }
}
export function textOf(event: Event): string | undefined {
  return event.type === 'message' ? event.text : undefined;
}
// @ts-expect-error \`text\` is not on every event
export const unnarrowed = (event: Event): string => event.text;
// The seed lists only \`type\` for events: a message with nothing else is still one...
export const seedOnlyMessage: MessageEvent = { type: 'message' };
// @ts-expect-error ...but the discriminant is required
export const missingType: MessageEvent = { id: 'e1', text: 'Hi' };
// @ts-expect-error the discriminant is the literal 'message'
export const wrongLiteral: MessageEvent = { ...message, type: 'file' };
// @ts-expect-error exactOptionalPropertyTypes: optional is not \`| undefined\`
export const undefinedOptional: MessageEvent = { ...message, customId: undefined };

// An unknown event's type is made with a cast (only a validator can tell a type is unknown)...
export const unknownEvent: UnknownEvent = {
  id: 'e2', type: 'rich_message' as UnknownEvent['type'], chat: 'c1', thread: 't1', author: 'u1', timestamp: 2,
};
// @ts-expect-error ...as a plain string might be a known type
export const uncheckedUnknown: UnknownEvent = { ...unknownEvent, type: 'rich_message' };

export function userLabel(user: User): string | undefined {
  switch (user.type) {
    case 'agent':
      return user.email;
    case 'customer':
      return user.name ?? user.id;
    default:
      return user.id;
  }
}
// A user with no fields at all (the seed lists none) is an UnknownUser.
export const emptyUser: User = {};
// @ts-expect-error only the fallback may leave \`type\` out
export const agentWithoutType: Extract<User, { type: 'agent' }> = { id: 'a1' };
// thread_metada carries what the seed lists; \`chat\` may be left out.
export const seedOnlyThread: ThreadSummary = { id: 't1', order: 1, totalEvents: 0 };
export const inputLabel = (input: EventInput): string => (input.type === 'message' ? input.text : input.url);
export const customer: Customer = { id: 'u1', type: 'customer', fields: {} };

// Maps are records of parsed JSON, read under noUncheckedIndexedAccess.
export const summary: ChatSummary = {
  id: 'c1',
  users: ['u1'],
  lastEventsPerType: { message },
  lastSeenTimestamps: { u1: null, u2: 5 },
  properties: { rating: { score: 5, comment: 'Great', resolved: true, note: null } },
};
export const lastMessage: Event | undefined = summary.lastEventsPerType?.['message'];
// @ts-expect-error a map entry may be missing
export const lastMessageId: string = (summary.lastEventsPerType ?? {})['message'].id;
// @ts-expect-error property values are primitives
export const nestedProperty: Properties = { rating: { score: { value: 5 } } };
export const fields: CustomerFields = { plan: 'premium' };
// @ts-expect-error custom fields are strings
export const numericField: CustomerFields = { plan: 1 };
export const acknowledgement: Acknowledgement = {};
export const openAcknowledgement: Acknowledgement = { extra: [1] };
export const never: NullableTimestamp = null;
export const code: ClientErrorCode = 'CONNECTION_LOST';
// @ts-expect-error not in the error catalogue
export const teapot: ErrorType = 'teapot';
export const failed: ErrorResponseHeaders = { requestId: null, action: 'x', type: 'response', success: false };
// @ts-expect-error a successful response has \`success: true\`
export const notSuccess: ResponseHeaders = { requestId: '1', action: 'x', type: 'response', success: false };
export const start: StartChatArguments = { scope: { groups: [1, 2] }, events: [{ type: 'message', text: 'Hi' }] };
`;

/** Compiles the declarations and the type tests (and their .d.ts) and returns every diagnostic. */
async function compile(declarations: ModelDeclaration[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'codegen-models-'));
  try {
    const models = declarations.map((d) => `// ${d.pointer}\n${d.code}\n`).join('\n');
    await writeFile(join(dir, 'models.mts'), models);
    await writeFile(join(dir, 'type-tests.mts'), TYPE_TESTS);
    const options: ts.CompilerOptions = {
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noUnusedLocals: true,
      isolatedModules: true,
      verbatimModuleSyntax: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts'],
      types: [],
      declaration: true,
      emitDeclarationOnly: true,
      outDir: join(dir, 'out'),
    };
    const program = ts.createProgram([join(dir, 'models.mts'), join(dir, 'type-tests.mts')], options);
    const emitted = program.emit(undefined, () => undefined);
    return [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const file = d.file ? d.file.fileName.slice(dir.length + 1) : '';
      return `${file}:${where ? where.line + 1 : 0} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('generateModelDeclarations on spec/asyncapi.yaml', () => {
  let schemas: NamedSchema[];
  let discriminators: Discriminator[];
  let declarations: ModelDeclaration[];
  const code = (name: string): string => declarations.find((d) => d.name === name)?.code ?? `(no ${name})`;

  beforeAll(async () => {
    const { raw } = await loadCleanSpec(SPEC);
    schemas = toNamedSchemas(raw);
    discriminators = toDiscriminators(schemas);
    declarations = await generateModelDeclarations(schemas, discriminators);
  });

  it('reads the unions the brief describes', () => {
    expect(discriminators).toEqual([
      {
        union: 'User',
        property: 'type',
        branches: [
          { value: 'agent', schema: 'Agent' },
          { value: 'customer', schema: 'Customer' },
        ],
        fallback: 'UnknownUser',
      },
      {
        union: 'Event',
        property: 'type',
        branches: [
          { value: 'message', schema: 'MessageEvent' },
          { value: 'file', schema: 'FileEvent' },
          { value: 'system_message', schema: 'SystemMessageEvent' },
        ],
        fallback: 'UnknownEvent',
      },
      {
        union: 'EventInput',
        property: 'type',
        branches: [
          { value: 'message', schema: 'MessageEventInput' },
          { value: 'file', schema: 'FileEventInput' },
        ],
        fallback: undefined,
      },
    ]);
  });

  it('declares every schema once, in input order, under its component key', () => {
    expect(declarations.map((d) => [d.name, d.pointer, d.description])).toEqual(
      schemas.map((s) => [s.name, s.pointer, s.description]),
    );
    for (const d of declarations) {
      expect(d.code.startsWith(`export interface ${d.name} {\n`) || d.code.startsWith(`export type ${d.name} = `)).toBe(true);
    }
  });

  it('invents no names and renders no Map or additionalProperties member', () => {
    const all = declarations.map((d) => d.code).join('\n');
    expect(all).not.toMatch(/AnonymousSchema|anonymSchema/i);
    expect(all).not.toContain('Map<');
    expect(all).not.toContain('additionalProperties');
    // Only an index signature (beside properties) may say `undefined`: its optional properties' values.
    expect(all.split('\n').filter((line) => line.includes('| undefined') && !line.trimStart().startsWith('[key: string]: '))).toEqual([]);
    const types = all
      .split('\n')
      .filter((line) => !/^\s*(\/\*\*|\*)/.test(line))
      .join('\n');
    expect(types).not.toContain('"');
    expect(types).not.toMatch(/\bany\b/);
  });

  it('renders aliases, maps, literals and unions', () => {
    expect(code('ChatId')).toBe('export type ChatId = string;');
    expect(code('Timestamp')).toBe('export type Timestamp = number;');
    expect(code('NullableTimestamp')).toBe('export type NullableTimestamp = number | null;');
    expect(code('CustomerFields')).toBe('export type CustomerFields = Record<string, string>;');
    expect(code('PropertyNamespace')).toBe('export type PropertyNamespace = Record<string, PropertyValue>;');
    expect(code('PropertyValue')).toBe('export type PropertyValue = string | number | boolean | null;');
    // Properties beside a named additionalProperties: the properties, then an index signature that
    // holds every property's type too (TypeScript requires it).
    expect(code('Properties')).toMatch(/\n {2}rating\?: StoredRating;\n {2}\/\*\* Any other key: PropertyNamespace\. \*\/\n {2}\[key: string\]: PropertyNamespace \| StoredRating \| undefined;\n\}$/);
    expect(code('PropertiesUpdate')).toMatch(/\n {2}rating\?: Rating;\n {2}\/\*\* Any other key: PropertyNamespace\. \*\/\n {2}\[key: string\]: PropertyNamespace \| Rating \| undefined;\n\}$/);
    // A required and an optional property of named types, beside a named additionalProperties.
    expect(code('Rating')).toMatch(/\n {2}score: RatingScore;\n[\s\S]*\n {2}comment\?: RatingComment;\n {2}\/\*\* Any other key: PropertyValue\. \*\/\n {2}\[key: string\]: PropertyValue \| RatingScore \| RatingComment \| undefined;\n\}$/);
    expect(code('StoredRating')).toMatch(/\n {2}score\?: RatingScore;\n/);
    expect(code('RatingScore')).toBe('export type RatingScore = number;');
    expect(code('Acknowledgement')).toBe('export type Acknowledgement = Record<string, unknown>;');
    expect(code('User')).toBe('export type User = Agent | Customer | UnknownUser;');
    expect(code('EventInput')).toBe('export type EventInput = MessageEventInput | FileEventInput;');
    expect(code('Event')).toBe('export type Event = MessageEvent | FileEvent | SystemMessageEvent | UnknownEvent;');
    expect(code('ErrorType')).toMatch(/^export type ErrorType = 'authentication' \| 'authorization' \| .* \| 'internal';$/);
    expect(code('ChatSummary')).toContain('  lastEventsPerType?: Record<string, Event>;\n');
    expect(code('ChatSummary')).toContain('  lastEvent?: Event;\n');
    expect(code('ChatSummary')).toContain('  lastSeenTimestamps?: Record<string, NullableTimestamp>;\n');
    expect(code('UnknownUser')).toContain('  type?: UnknownUserType;\n');
    expect(code('ErrorResponseHeaders')).toContain('  success: false;\n');
    expect(code('ResponseHeaders')).toContain('  success: true;\n');
    expect(code('MessageEvent')).toContain("  /** Always `message`. */\n  type: 'message';\n");
    expect(code('StartChatArguments')).toContain(
      '  scope?: {\n    /**\n     * Ids of the agent groups that may take the chat: the license\'s groups, which the operator\n     * configures and the widget knows from its own configuration (no request lists them).\n     * Group 0, the license\'s default group, always exists; a group that does not is\n     * answered `group_not_found`.\n     */\n    groups?: number[];\n  };\n',
    );
    expect(code('UnknownEvent')).toContain('  type: UnknownEventType;\n');
    expect(code('UnknownEvent')).toMatch(/\ndeclare enum UnknownEventType \{\n {2}Unknown = '.*',\n\}$/);
  });

  it('compiles with the type tests under strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess', async () => {
    expect(await compile(declarations)).toEqual([]);
  });

  it('is deterministic', async () => {
    const again = await generateModelDeclarations(structuredClone(schemas), structuredClone(discriminators));
    expect(again).toEqual(declarations);
  });
});

describe('generateModelDeclarations on unsupported input', () => {
  const named = (name: string, schema: JsonSchema): NamedSchema => ({
    name,
    pointer: `/components/schemas/${name}`,
    description: undefined,
    schema,
  });

  it('renders inline constructs in place, with literal types and quoted wire names', async () => {
    const [alias, thing, closed, nullable, literal, mixed] = await generateModelDeclarations(
      [
        named('Alias', { $ref: '#/definitions/Thing' }),
        named('Thing', {
          type: 'object',
          required: ['a-b', 'zero', 'ref'],
          properties: {
            'a-b': { type: 'string', description: 'A wire name that is no identifier; */ is escaped.' },
            zero: { const: 0 },
            ref: { description: 'Nullable reference.', oneOf: [{ $ref: '#/definitions/Alias' }, { type: 'null' }] },
            maybe: { type: ['object', 'null'], required: ['x'], properties: { x: { type: 'integer' } } },
            list: { type: 'array', items: { type: ['integer', 'null'] } },
            unions: { type: 'array', items: { oneOf: [{ $ref: '#/definitions/Closed' }, { type: 'string' }] } },
            maps: { type: 'object', additionalProperties: { type: 'array', items: { $ref: '#/definitions/Thing' } } },
            open: { type: 'object', additionalProperties: true, properties: { y: { type: 'boolean' } } },
            indexed: { type: 'object', required: ['z'], properties: { z: { type: 'integer' } }, additionalProperties: { $ref: '#/definitions/Closed' } },
            anything: {},
          },
        }),
        named('Closed', { type: 'object', additionalProperties: false }),
        named('Nullable', { type: ['object', 'null'], properties: { a: { type: 'string' } } }),
        named('Literal', { const: false }),
        named('Mixed', { enum: ['a', 1, true, null] }),
      ],
      [],
    );
    expect(alias?.code).toBe('export type Alias = Thing;');
    expect(thing?.code).toBe(
      [
        'export interface Thing {',
        '  /** A wire name that is no identifier; *\\/ is escaped. */',
        "  'a-b': string;",
        '  zero: 0;',
        '  /** Nullable reference. */',
        '  ref: Alias | null;',
        '  maybe?: {',
        '    x: number;',
        '  } | null;',
        '  list?: (number | null)[];',
        '  unions?: (Closed | string)[];',
        '  maps?: Record<string, Thing[]>;',
        '  open?: {',
        '    y?: boolean;',
        '  };',
        '  indexed?: {',
        '    z: number;',
        '    /** Any other key: Closed. */',
        '    [key: string]: Closed | number;',
        '  };',
        '  anything?: unknown;',
        '}',
      ].join('\n'),
    );
    expect(closed?.code).toBe('export type Closed = Record<string, never>;');
    expect(nullable?.code).toBe('export type Nullable = {\n  a?: string;\n} | null;');
    expect(literal?.code).toBe('export type Literal = false;');
    expect(mixed?.code).toBe("export type Mixed = 'a' | 1 | true | null;");
  });

  // Constructs the types cannot say (unsupported keywords, a schema next to properties, a stray
  // `not`, object constants, built-in names, fallbacks that miss a value) are the model's problems,
  // reported with file, line and pointer: see tools/spec-model/test/errors.test.ts.

});
