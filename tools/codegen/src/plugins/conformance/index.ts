// Emits @customer-chat/conformance's protocol table: what the conformance kit and the validating
// proxy check, read from the spec. Per request: its messages, errors (own and common), the pushes
// it causes, its examples with the ids to replace by real ones, and invalid payloads computed from
// its schema (a missing required field, a field of the wrong type, an unknown field of a closed
// object). The kit's scenarios are computed from this table, none written per message.
import { GeneratedFile, importSymbol } from '../../printer/generated-file.js';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import { definePlugin, PluginProblems } from '../../plugin.js';
import type { JsonSchema, MessageModel, ProtocolModel } from '@customer-chat/spec-model';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type IdKind = 'chat' | 'thread';

/** The named schemas of the ids a conformance run must get from the server (the spec's example ids exist nowhere). */
const ID_SCHEMAS: Record<string, IdKind> = { ChatId: 'chat', ThreadId: 'thread' };
/** The named schema of a user's id (the customer's, in the login's result). */
const USER_ID_SCHEMA = 'UserId';
/** The situations the kit provokes, by their key in the table, with their name in the spec's `x-answers` (ErrorType). */
const SITUATIONS = {
  refusedToken: 'refused_token',
  beforeLogin: 'before_login',
  invalidFrame: 'invalid_frame',
  unknownId: 'unknown_id',
  closedThread: 'closed_thread',
  unknownGroup: 'unknown_group',
} as const;
type Rules = Record<keyof typeof SITUATIONS, string>;

/** The field an unknown-field payload adds: a name no version of a closed object will define. */
export const UNKNOWN_FIELD = 'conformanceUnknownField';

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

function refName(schema: JsonSchema): string | undefined {
  const ref = schema.$ref;
  return typeof ref === 'string' && ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;
}

class SchemaWalker {
  constructor(private readonly schemas: ReadonlyMap<string, JsonSchema>) {}

  /** The schema itself, references followed (to an id schema's reference only when `intoIds`). */
  resolve(schema: JsonSchema, intoIds = false): JsonSchema {
    let current = schema;
    for (let name = refName(current); name !== undefined && (intoIds || !Object.hasOwn(ID_SCHEMAS, name)); name = refName(current)) {
      current = this.schemas.get(name) ?? {};
    }
    return current;
  }

  /** Every place in `value` whose schema is an id schema, with its kind. */
  idSlots(schema: JsonSchema, value: unknown, pointer = ''): Array<{ pointer: string; id: IdKind }> {
    const name = refName(schema);
    if (name !== undefined && Object.hasOwn(ID_SCHEMAS, name)) return typeof value === 'string' ? [{ pointer, id: ID_SCHEMAS[name]! }] : [];
    const resolved = this.resolve(schema);
    if (resolved !== schema) return this.idSlots(resolved, value, pointer);
    if (Array.isArray(value) && typeof resolved.items === 'object' && resolved.items !== null) {
      return value.flatMap((item, i) => this.idSlots(resolved.items as JsonSchema, item, `${pointer}/${i}`));
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const properties = (resolved.properties ?? {}) as Record<string, JsonSchema>;
      return Object.entries(value).flatMap(([key, item]) => (Object.hasOwn(properties, key) ? this.idSlots(properties[key]!, item, `${pointer}/${escape(key)}`) : []));
    }
    return [];
  }

  /** The pointer of the first element of a non-empty array of integers in `value` (an id list, e.g. agent groups). */
  integerListElement(schema: JsonSchema, value: unknown, pointer = ''): string | undefined {
    const resolved = this.resolve(schema, true);
    if (Array.isArray(value)) {
      const items = typeof resolved.items === 'object' && resolved.items !== null ? this.resolve(resolved.items as JsonSchema, true) : {};
      return items.type === 'integer' && value.length > 0 ? `${pointer}/0` : undefined;
    }
    if (typeof value !== 'object' || value === null) return undefined;
    const properties = (resolved.properties ?? {}) as Record<string, JsonSchema>;
    for (const [key, item] of Object.entries(value)) {
      if (!Object.hasOwn(properties, key)) continue;
      const found = this.integerListElement(properties[key]!, item, `${pointer}/${escape(key)}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /**
   * Every place in values of `schema` that the named schema `target` types, as a pointer pattern:
   * `*` stands for any array item or any value of a map (`additionalProperties`, `patternProperties`);
   * each branch of `oneOf`, `anyOf` and `allOf` counts. A schema met again inside itself is not
   * walked twice (a recursive schema ends there).
   */
  patternsOf(schema: JsonSchema, target: string, pointer = '', walking: ReadonlySet<string> = new Set()): string[] {
    const name = refName(schema);
    if (name === target) return [pointer];
    if (name !== undefined) {
      if (walking.has(name)) return [];
      return this.patternsOf(this.schemas.get(name) ?? {}, target, pointer, new Set([...walking, name]));
    }
    const inner = (child: unknown, at: string) => (typeof child === 'object' && child !== null && !Array.isArray(child) ? this.patternsOf(child as JsonSchema, target, at, walking) : []);
    const found: string[] = [];
    for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) {
      const branches = schema[keyword];
      if (Array.isArray(branches)) for (const branch of branches) found.push(...inner(branch, pointer));
    }
    for (const [key, property] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) found.push(...inner(property, `${pointer}/${escape(key)}`));
    found.push(...inner(schema.items, `${pointer}/*`), ...inner(schema.additionalProperties, `${pointer}/*`));
    for (const property of Object.values((schema.patternProperties ?? {}) as Record<string, JsonSchema>)) found.push(...inner(property, `${pointer}/*`));
    return [...new Set(found)];
  }

  /** Pointers (within values of `schema`) of the first property typed with each of `kinds`' schemas, two levels deep at most. */
  idPointers<K extends string>(schema: JsonSchema, kinds: Record<string, K>, depth = 0, pointer = ''): Partial<Record<K, string>> {
    const found: Partial<Record<K, string>> = {};
    const properties = (this.resolve(schema).properties ?? {}) as Record<string, JsonSchema>;
    for (const [key, property] of Object.entries(properties)) {
      const name = refName(property);
      const at = `${pointer}/${escape(key)}`;
      if (name !== undefined && Object.hasOwn(kinds, name)) found[kinds[name]!] ??= at;
      else if (depth < 1) for (const [kind, inner] of Object.entries(this.idPointers(property, kinds, depth + 1, at)) as Array<[K, string]>) found[kind] ??= inner;
    }
    return found;
  }
}

/** A value of another JSON type than the schema allows. */
function wrongValueFor(schema: JsonSchema): Json | undefined {
  const type = schema.type;
  if (type === 'string' || schema.enum !== undefined || schema.const !== undefined) return 12345;
  if (type === 'integer' || type === 'number') return 'not a number';
  if (type === 'boolean') return 'not a boolean';
  if (type === 'object') return 'not an object';
  if (type === 'array') return 'not an array';
  return undefined;
}

function invalidPayloads(walker: SchemaWalker, payloadSchema: JsonSchema, example: Json): Array<{ name: string; payload: Json; pointer: string }> {
  const schema = walker.resolve(payloadSchema);
  const base = (typeof example === 'object' && example !== null && !Array.isArray(example) ? example : {}) as Record<string, Json>;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const cases: Array<{ name: string; payload: Json; pointer: string }> = [];
  const required = (schema.required ?? []) as string[];
  const missing = required.find((key) => Object.hasOwn(base, key));
  if (missing !== undefined) {
    const { [missing]: _left, ...rest } = base;
    cases.push({ name: `missing field ${missing}`, payload: rest, pointer: `/payload/${escape(missing)}` });
  }
  for (const [key, property] of Object.entries(properties)) {
    const wrong = wrongValueFor(walker.resolve(property, true));
    if (wrong === undefined) continue;
    cases.push({ name: `wrong type of ${key}`, payload: { ...base, [key]: wrong }, pointer: `/payload/${escape(key)}` });
    break;
  }
  if (schema.additionalProperties === false) {
    cases.push({ name: `unknown field ${UNKNOWN_FIELD}`, payload: { ...base, [UNKNOWN_FIELD]: true }, pointer: `/payload/${UNKNOWN_FIELD}` });
  }
  return cases;
}

/**
 * The payload with every array of ids cut to its first id: a run has one chat and one thread to
 * put in, and the same id twice would break `uniqueItems`.
 */
function oneIdPerArray(walker: SchemaWalker, schema: JsonSchema, payload: Json): Json {
  const copy = structuredClone(payload);
  for (const slot of walker.idSlots(schema, payload).reverse()) {
    const match = /^(.*)\/(\d+)$/.exec(slot.pointer);
    if (match === null || match[2] === '0') continue;
    const parent = match[1]!.split('/').slice(1).reduce<Json>((node, key) => (node as Record<string, Json>)[key.replace(/~1/g, '/').replace(/~0/g, '~')]!, copy);
    if (Array.isArray(parent)) parent.splice(Number(match[2]), 1);
  }
  return copy;
}

/** What the kit cannot do without, located in the document like the model's own problems. */
function refuse(pointer: string, message: string): never {
  throw new PluginProblems('conformance', [{ pointer, message }]);
}

export function conformanceTable(model: ProtocolModel) {
  const schemas = new Map(model.schemas.map((s) => [s.name, s.schema] as const));
  const schemaPointer = (name: string) => model.schemas.find((s) => s.name === name)?.pointer ?? '/components/schemas';
  const operationPointer = (id: string) => appendPointer('/operations', id);
  const walker = new SchemaWalker(schemas);
  const payloadSchema = (m: MessageModel): JsonSchema => (m.payload === undefined ? {} : { $ref: `#/definitions/${m.payload.ref}` });
  // The error each provoked situation gets: the spec's rule (`x-answers`), never the kit's guess.
  const rules = Object.fromEntries(
    Object.entries(SITUATIONS).map(([key, situation]) => {
      const type = Object.hasOwn(model.errorAnswers, situation) ? model.errorAnswers[situation] : undefined;
      if (type === undefined) refuse(appendPointer(schemaPointer(model.catalogueSchemas.errorType), 'x-answers'), `the conformance kit needs the error of "${situation}" in x-answers of the error catalogue (${model.catalogueSchemas.errorType})`);
      return [key, type];
    }),
  ) as Rules;
  const lifecycle = model.lifecycle;
  const errorShape = model.errorShape;
  const errorMessage = model.messages.find((m) => m.kind === 'error')!;
  // The plugin requires the lifecycle, and the model gives an error shape whenever there is one.
  if (lifecycle === undefined) refuse('/x-client-lifecycle', 'the conformance kit needs x-client-lifecycle');
  if (errorShape === undefined) refuse(errorMessage.pointer, 'the conformance kit needs an error response shape');
  const login = model.requests.find((r) => r.id === lifecycle.login.operation)!;
  // The error object's field holding the JSON pointer of the offending value.
  const errorProperties = (walker.resolve(payloadSchema(errorMessage)).properties ?? {}) as Record<string, JsonSchema>;
  const errorObject = walker.resolve(Object.hasOwn(errorProperties, errorShape.property) ? errorProperties[errorShape.property]! : {});
  const pointerField = Object.hasOwn((errorObject.properties ?? {}) as object, 'pointer') ? 'pointer' : undefined;
  if (pointerField === undefined) refuse(schemaPointer(errorShape.payloadSchema), `the conformance kit needs the error's JSON pointer field ("pointer" in ${errorShape.payloadSchema}'s ${errorShape.property})`);

  const requests = model.requests.map((r) => {
    const schema = payloadSchema(r.request);
    const examples = r.request.examples.map((e, i) => {
      const payload = oneIdPerArray(walker, schema, (e.payload ?? {}) as Json);
      return { name: e.name ?? `example ${i + 1}`, payload, ids: walker.idSlots(schema, payload) };
    });
    const first = examples[0]?.payload ?? {};
    const invalid = invalidPayloads(walker, schema, first).map((c) => ({ ...c, ids: walker.idSlots(schema, c.payload) }));
    // Where an example names an agent group: the kit puts a group no license has there.
    const groups = r.errors.includes(rules.unknownGroup)
      ? examples.map((e, index) => ({ example: index, pointer: walker.integerListElement(schema, e.payload) })).find((g) => g.pointer !== undefined)
      : undefined;
    return {
      action: r.action,
      request: r.request.name,
      unknownGroup: groups === undefined ? null : { example: groups.example, pointer: groups.pointer! },
      response: r.response.name,
      errors: r.errors,
      // The example a conditional push comes with, by its index among `examples` (0: the first).
      pushes: r.pushes.map((p) => ({ push: p.push, requester: p.requester, others: p.others, when: p.when ?? null, example: Math.max(0, r.request.examples.findIndex((e) => e.name === p.example)) })),
      examples,
      invalid,
      // Where its response names users: each must have been introduced on the connection before it.
      userIds: walker.patternsOf(payloadSchema(r.response), USER_ID_SCHEMA),
    };
  });

  // The request that starts a chat: it names no chat, and its result holds a chat id and a thread id.
  const chatStart = model.requests
    .map((r) => ({ r, ids: walker.idPointers(payloadSchema(r.response), ID_SCHEMAS) }))
    .find(({ r, ids }) => ids.chat !== undefined && ids.thread !== undefined && walker.idPointers(payloadSchema(r.request), ID_SCHEMAS).chat === undefined);
  if (chatStart === undefined) refuse('/operations', 'the conformance kit needs a request that starts a chat (a result with a ChatId and a ThreadId)');
  // The request that closes a chat's thread: it may meet a closed thread, and its push goes to everyone.
  const threadEnd = model.requests.find((r) => r.errors.includes(rules.closedThread) && r.pushes.some((p) => p.requester && p.others));
  if (threadEnd === undefined) {
    // Located at the request that may meet a closed thread (its pushes are what is missing), else at the operations.
    const candidate = model.requests.find((r) => r.errors.includes(rules.closedThread));
    refuse(candidate === undefined ? '/operations' : appendPointer(operationPointer(candidate.id), 'x-pushes'), `the conformance kit needs a request that closes a thread (${rules.closedThread} among its errors, a push to all)`);
  }
  const customerId = walker.idPointers(payloadSchema(login.response), { [USER_ID_SCHEMA]: 'user' }).user;
  if (customerId === undefined) {
    refuse(login.response.payload === undefined ? login.response.pointer : schemaPointer(login.response.payload.ref), `the conformance kit needs the customer's id (a property typed ${USER_ID_SCHEMA}) in the result of ${login.action}`);
  }
  const ready = model.requests.find((r) => r.id === lifecycle.ready.operation)!;
  // The push that introduces a user, and where its payload says which user it introduces.
  const introduction = model.messages.find((m) => m.introduction);
  const introduced = introduction === undefined ? [] : walker.patternsOf(payloadSchema(introduction), USER_ID_SCHEMA);
  if (introduction !== undefined && (introduced.length !== 1 || introduced[0]!.includes('*'))) {
    refuse(introduction.payload === undefined ? introduction.pointer : schemaPointer(introduction.payload.ref), `the conformance kit needs the user a push with x-introduction introduces: one property typed ${USER_ID_SCHEMA} in its payload, not in an array or a map (found ${introduced.length === 0 ? 'none' : introduced.join(', ')})`);
  }

  // The push that ends a session: its payload holds a disconnection reason.
  const reasonSchema = model.catalogueSchemas.disconnectionReason;
  const reasonField = (m: MessageModel) => Object.entries((walker.resolve(payloadSchema(m)).properties ?? {}) as Record<string, JsonSchema>).find(([, p]) => refName(p) === reasonSchema)?.[0];
  const disconnection = model.messages.find((m) => m.kind === 'push' && reasonField(m) !== undefined);
  if (disconnection === undefined) refuse(schemaPointer(reasonSchema), `the conformance kit needs a push carrying a disconnection reason (a property typed ${reasonSchema})`);
  if (model.disconnectCloseCode === undefined) refuse(appendPointer(schemaPointer(reasonSchema), 'x-close-code'), 'the conformance kit needs x-close-code on the disconnection reasons');

  return {
    title: model.info.title,
    version: model.info.version,
    channel: { address: model.channel.address, query: model.channel.query.filter((q) => q.required).map((q) => q.name) },
    correlationField: model.correlationField,
    login: { action: login.action, tokenArgument: lifecycle.login.tokenArgument, customerId },
    ready: ready.action,
    rules,
    error: { message: errorMessage.name, property: errorShape.property, typeField: errorShape.typeField, messageField: errorShape.messageField, pointerField },
    frameConstants: model.frameConstants,
    requests,
    pushes: model.messages.filter((m) => m.kind === 'push').map((m) => m.name),
    // The push that may precede any reply without being listed in x-pushes (x-introduction), or null.
    introduction: introduction === undefined ? null : { push: introduction.name, user: introduced[0]! },
    commonErrors: model.commonErrors,
    errorTypes: model.errorTypes.map((e) => e.value),
    disconnection: { push: disconnection.name, reason: `/${escape(reasonField(disconnection)!)}`, closeCode: model.disconnectCloseCode, reasons: model.disconnectionReasons.map((r) => r.value) },
    chatStart: { action: chatStart.r.action, chat: chatStart.ids.chat!, thread: chatStart.ids.thread! },
    threadEnd: threadEnd.action,
  };
}

export const conformancePlugin = definePlugin({
  name: 'conformance',
  description: "@customer-chat/conformance's protocol table: requests with examples, computed invalid payloads, errors and pushes; push names; disconnection (operations, messages, schemas, x-errors, x-pushes, x-answers, x-close-code).",
  output: { dir: 'packages/conformance/src/gen', owns: true },
  requires: ['lifecycle', 'disconnectCloseCode'],
  reads: ['info', 'schemas', 'messages', 'requests', 'lifecycle', 'errorShape', 'channel', 'correlationField', 'frameConstants', 'commonErrors', 'errorTypes', 'errorAnswers', 'catalogueSchemas', 'disconnectionReasons', 'disconnectCloseCode'],
  dependsOn: [],
  emit(model, context) {
    const file = new GeneratedFile('protocol.ts', context.generator);
    const type = importSymbol('ProtocolTable', '#runtime/protocol-table', true);
    file.jsDoc('The protocol as the conformance kit and the validating proxy check it, read from the spec.');
    file.print('export const protocol: ', type, ' = ', JSON.stringify(conformanceTable(model), null, 2).replace(/\n/g, '\n'), ';');
    return [{ path: file.path, content: file.toString() }];
  },
});
