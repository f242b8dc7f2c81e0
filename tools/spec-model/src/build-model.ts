// Builds the intermediate model from the parser's document (references resolved and traits merged
// by @asyncapi/parser): one pass per spec object, then the cross-checks that need them all (every
// message used by exactly one operation, unique names, examples valid against their payloads).
// Problems are collected and thrown together; a mistake is reported once, where it is, and the
// messages it leaves without a role are left out of the checks that follow.
import { readErrorShape } from './error-shape.js';
import { relative } from 'node:path';
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import type { LoadedSpec } from '@customer-chat/spec-loader';
import { appendPointer, parsePointer } from '@customer-chat/spec-loader/json-pointer';
import { readCatalogues } from './catalogues.js';
import { readServers, readWireChannel } from './channel.js';
import { readDiscriminators } from './discriminators.js';
import { checkExamples } from './examples.js';
import { checkDocumentExtensions } from './extensions.js';
import { readHttpOperations } from './http.js';
import { readFrameConstants, readLifecycle } from './lifecycle.js';
import { readMessages } from './messages.js';
import { pascalCase } from './naming.js';
import { definitionName } from './references.js';
import { readOperations } from './operations.js';
import { NamedSchemaFinder } from './parser-schemas.js';
import { ProblemCollector } from './problems.js';
import { readSchemas } from './schemas.js';
import type { JsonSchema, MessageKind, MessageModel, ProtocolModel } from './types.js';

/** A loaded document the model can be built from: parsed, with the locations of its nodes. */
export type ParsedSpec = Pick<LoadedSpec, 'file' | 'locate'> & { document: AsyncAPIDocumentInterface };

/**
 * The parts of the model a document may leave out (a document without them still describes the
 * protocol), but which some readers cannot do without: the client needs `x-client-lifecycle`, a
 * server `x-close-code` on the disconnection reasons.
 */
export type OptionalModelPart = 'lifecycle' | 'disconnectCloseCode';

export interface BuildModelOptions {
  /**
   * Optional parts some readers need, each with who needs them (`the sdk plugin`): a part the
   * document leaves out is then a problem at the pointer where its extension belongs, reported with
   * the others before any reader runs.
   */
  require?: Partial<Record<OptionalModelPart, readonly string[]>>;
}

/** `a needs it`, `a and b need it`, `a, b and c need it`. */
function neededBy(names: readonly string[]): string {
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  return `${list} need${names.length === 1 ? 's' : ''} it`;
}

export function buildModel(spec: ParsedSpec, repositoryRoot: string, options: BuildModelOptions = {}): ProtocolModel {
  const problems = new ProblemCollector(spec);
  const { document } = spec;

  checkDocumentExtensions(document, problems);
  const { schemas, parsed } = readSchemas(document, problems);
  const discriminators = readDiscriminators(schemas, problems);
  const catalogues = readCatalogues(parsed, problems);

  const read = readMessages(document, schemas, new NamedSchemaFinder(parsed), problems);
  const messages = read.map((m) => m.model);
  const byJson = new Map(read.map((m) => [m.json, m.model]));
  const { requests, receives, commonErrors, incomplete } = readOperations(document, (json) => byJson.get(json), new Set(catalogues.errorTypes.map((e) => e.value)), problems);

  const roles = new Set<MessageModel>();
  // Messages with two roles: reported once, then left out of the checks by kind (their headers
  // would make the healthy messages of either kind look wrong).
  const conflicted = new Set<MessageModel>();
  const assign = (message: MessageModel, kind: MessageKind, action: string | undefined, pointer: string) => {
    // The error response answers every request; any other message has exactly one role.
    if (roles.has(message) && !(kind === 'error' && message.kind === 'error')) {
      problems.add(pointer, `message ${message.key} is used by more than one operation`);
      conflicted.add(message);
      return;
    }
    roles.add(message);
    Object.assign(message, { kind, action });
  };
  for (const request of requests) {
    const pointer = appendPointer('/operations', request.id);
    assign(request.request, 'request', request.action, appendPointer(pointer, 'messages', 0));
    assign(request.response, 'response', request.action, appendPointer(pointer, 'reply', 'messages', 0));
    assign(request.error, 'error', undefined, appendPointer(pointer, 'reply', 'messages', 1));
  }
  for (const receive of receives) {
    const client = receive.emittedBy === 'client';
    assign(receive.message, client ? 'client' : 'push', client ? undefined : receive.message.name, appendPointer('/operations', receive.id));
  }
  // A message without a role takes no part in the checks by kind (it would count as a push). When
  // an operation could not be read its messages are unaccounted for: that problem says it all.
  const settled = messages.filter((m) => roles.has(m) && !conflicted.has(m));
  const pushNames = new Set(receives.filter((r) => r.emittedBy === 'server').map((r) => r.message.name));
  for (const request of requests) {
    for (const [i, push] of request.pushes.entries()) {
      if (!pushNames.has(push.push)) problems.add(appendPointer('/operations', request.id, 'x-pushes', i, 'push'), `"${push.push}" is not a push message (one of ${[...pushNames].join(', ')})`);
      const examples = request.request.examples.map((e) => e.name);
      if (push.example !== undefined && !examples.includes(push.example)) {
        problems.add(appendPointer('/operations', request.id, 'x-pushes', i, 'example'), `"${push.example}" is not an example of ${request.request.name} (${examples.map(String).join(', ') || 'it has none'})`);
      }
    }
  }
  const introductions = settled.filter((m) => m.introduction);
  for (const m of introductions) {
    if (m.kind !== 'push') problems.add(appendPointer(m.pointer, 'x-introduction'), 'only a push can introduce a user (x-introduction)');
  }
  if (introductions.length > 1) {
    problems.add(appendPointer(introductions[1]!.pointer, 'x-introduction'), `one push introduces users, and ${introductions[0]!.name} does already (x-introduction)`);
  }
  for (const m of messages) {
    if (!roles.has(m)) {
      if (!incomplete) problems.add(m.pointer, 'message is not used by any operation');
    } else if (conflicted.has(m)) continue;
    else if (m.kind !== 'client' && m.headers === undefined) problems.add(m.pointer, 'a message on the wire needs frame headers');
  }

  // Generated identifiers come from the name (`note_posted` -> `NotePosted`, `notePostedPayload`):
  // two names that give the same identifiers (`note_posted`, `note_posted_`; `get_v2`, `get_v_2`)
  // would make one message's precompiled validator silently replace the other's.
  const seen = new Set<string>();
  const identifiers = new Map<string, string>();
  for (const m of messages) {
    if (seen.has(m.name)) problems.add(m.pointer, `message name "${m.name}" is used twice`);
    seen.add(m.name);
    const identifier = pascalCase(m.name);
    const other = identifiers.get(identifier);
    if (other !== undefined && other !== m.name) problems.add(m.pointer, `message name "${m.name}" gives the same generated names (${identifier}) as "${other}"`);
    if (other === undefined) identifiers.set(identifier, m.name);
  }

  const schemaByName = new Map(schemas.map((s) => [s.name, s.schema]));
  const lifecycle = readLifecycle(document, requests, messages, (m) => (m.payload ? schemaByName.get(m.payload.ref) : undefined), problems);
  const frameConstants = readFrameConstants(settled, problems);
  const correlationFields = new Set(settled.filter((m) => m.kind !== 'client' && m.kind !== 'push').map((m) => m.correlationField));
  if (correlationFields.size !== 1 || correlationFields.has(undefined)) {
    problems.add('/components/messages', `every request and reply needs the same correlationId header field, found ${[...correlationFields].map(String).join(', ')}`);
  }
  for (const m of messages) {
    if (m.clientEvent && !messages.some((c) => c.kind === 'client' && c.name === m.clientEvent!.event)) {
      problems.add(appendPointer(m.pointer, 'x-client-event'), `"${m.clientEvent.event}" is not a client event`);
    }
  }
  for (const client of messages.filter((m) => m.kind === 'client')) {
    client.payloadOptional = messages.some(
      (m) => m.clientEvent?.event === client.name && m.payload !== undefined && mayBeAbsent(schemaByName, m.payload.ref, m.clientEvent.payload),
    );
  }
  // The document's rule: "Every request carries `payload`, `{}` when the request takes no arguments."
  for (const request of requests) {
    if (request.request.payload === undefined && !conflicted.has(request.request)) {
      problems.add(request.request.pointer, 'a request carries a payload (`{}` when it takes no arguments): a $ref to a named schema, an object schema without properties for none');
    }
  }
  // Against a schema with problems every example would fail too: those say it already.
  if (!problems.hasUnder('/components/schemas')) checkExamples(messages, schemas, problems);
  const channel = readWireChannel(document, problems);
  // Without the client code catalogue (reported already) x-http's codes cannot be checked.
  const clientCodes = catalogues.catalogueSchemas.clientErrorCode === '' ? undefined : new Set(catalogues.clientErrorCodes.map((c) => c.value));
  const http = readHttpOperations(document, schemas, clientCodes, problems);
  const errorShape = readErrorShape(messages, schemas, catalogues.catalogueSchemas.errorType);
  const errorMessage = messages.find((m) => m.kind === 'error');
  if (lifecycle !== undefined && errorShape === undefined && errorMessage !== undefined) {
    problems.add(appendPointer(errorMessage.pointer, 'payload'), `a client reads errors as { <property>: { <field typed ${catalogues.catalogueSchemas.errorType}>, <string explaining it> } } (one required property, both fields required)`);
  }
  const needs = (part: OptionalModelPart) => options.require?.[part]?.filter((by) => by !== '') ?? [];
  if (needs('lifecycle').length > 0 && lifecycle === undefined) {
    problems.add('/x-client-lifecycle', `x-client-lifecycle is missing (which requests log in and make a session ready, and the client's connection events): ${neededBy(needs('lifecycle'))}`);
  }
  if (needs('disconnectCloseCode').length > 0 && catalogues.disconnectCloseCode === undefined) {
    const reasons = catalogues.catalogueSchemas.disconnectionReason;
    // Where x-close-code belongs: on the disconnection reasons (the schema with x-reactions); a wrong value there is reported already.
    const pointer = reasons === '' ? '/components/schemas' : appendPointer('/components/schemas', reasons, 'x-close-code');
    if (!problems.has(pointer)) {
      problems.add(pointer, `x-close-code is missing on the disconnection reasons (the WebSocket close code, 4000 to 4999, a server closes with after a disconnection): ${neededBy(needs('disconnectCloseCode'))}`);
    }
  }
  problems.throwIfAny();

  const info = document.info();
  return {
    servers: readServers(document),
    channel,
    lifecycle,
    frameConstants,
    correlationField: [...correlationFields][0] ?? '',
    errorShape,
    http,
    source: relative(repositoryRoot, spec.file).split('\\').join('/'),
    info: { title: info.title(), version: info.version(), description: info.description(), docsUrl: info.externalDocs()?.url() },
    schemas,
    discriminators,
    messages,
    requests,
    receives,
    commonErrors,
    ...catalogues,
  };
}

/**
 * Whether the value at `pointer` in a payload of the named schema may be missing: some property on
 * the way is not required (a `$ref` is followed to its named schema; a pointer the schema does not
 * describe counts as missing).
 */
function mayBeAbsent(schemas: ReadonlyMap<string, JsonSchema>, name: string, pointer: string): boolean {
  let schema = schemas.get(name);
  for (const segment of parsePointer(pointer)) {
    while (schema !== undefined && typeof schema.$ref === 'string') schema = schemas.get(definitionName(schema.$ref) ?? '');
    const required = (schema?.required ?? []) as unknown[];
    const property = (schema?.properties as Record<string, JsonSchema> | undefined)?.[segment];
    if (property === undefined || !required.includes(segment)) return true;
    schema = property;
  }
  return false;
}
