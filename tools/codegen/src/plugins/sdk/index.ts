// Emits @customer-chat/sdk's protocol layer: the event and request type maps, the protocol
// description the hand-written runtime runs on (tables, frame encoding and classification read
// from the spec), and the client class with one typed method per request operation.
import { camelCase, GeneratedFile, importSymbol, literal, type GeneratedFile as File } from '../../printer/generated-file.js';
import { operationDocsLink } from '@customer-chat/spec-model';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import { definePlugin, PluginProblems, type PluginProblem } from '../../plugin.js';
import { printHttpOperations } from '../../common/http-operations.js';
import { payloadType, VALIDATORS } from '../../common/payload-type.js';
import { emittedEvents, pointerOfName, requiresNoArguments } from '../../common/queries.js';
import { classMembers, importClashes, isBindableIdentifier, parseRepositoryModule, resolvePackageImport } from '../../common/typescript-names.js';
import type { ClientLifecycle, ProtocolModel } from '@customer-chat/spec-model';

// The SDK's hand-written runtime, by the package's own import specifier (package.json "imports").
const RUNTIME_PROTOCOL = '#runtime/protocol';
const RUNTIME_CORE = '#runtime/client-core';
const RUNTIME_ERRORS = '#runtime/errors';
const SDK_PACKAGE = 'packages/sdk';
const CLIENT_BASE = 'ClientCore';

/** A JS object key: bare when it is an identifier, quoted otherwise. */
function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : literal(name);
}

function requireLifecycle(model: ProtocolModel): ClientLifecycle {
  // The plugin requires the lifecycle: the model reports its absence before any plugin runs.
  if (!model.lifecycle) throw new PluginProblems('sdk', [{ pointer: '/x-client-lifecycle', message: 'the SDK needs x-client-lifecycle (which requests start a session)' }]);
  const { frameConstants } = model;
  const kinds = ['response', 'error', 'push'] as const;
  const signatures = kinds.map((kind) => JSON.stringify(frameConstants[kind]));
  if (new Set(signatures).size !== signatures.length || signatures.some((s) => s === '{}')) {
    // At the headers of a message of each kind whose constants are empty or shared: where the frames are told apart.
    const problems = kinds
      .filter((kind, i) => signatures[i] === '{}' || signatures.indexOf(signatures[i]!) !== i || signatures.lastIndexOf(signatures[i]!) !== i)
      .flatMap((kind) => model.messages.filter((m) => m.kind === kind).slice(0, 1))
      .map((m) => ({ pointer: appendPointer(m.pointer, 'headers'), message: `response, error and push frames must differ in their constant header fields (${signatures.join(' / ')})` }));
    throw new PluginProblems('sdk', problems.length > 0 ? problems : [{ pointer: '/components/messages', message: `response, error and push frames must differ in their constant header fields (${signatures.join(' / ')})` }]);
  }
  return model.lifecycle;
}

function condition(constants: Record<string, string | boolean | number>): string {
  return Object.entries(constants)
    .map(([field, value]) => `frame.${field} === ${typeof value === 'string' ? literal(value) : String(value)}`)
    .join(' && ');
}

function printTypeMaps(file: File, model: ProtocolModel): void {
  const events = emittedEvents(model);
  file.jsDoc('Every event the SDK emits, with its payload: `api.on(name, (payload) => ...)`.');
  file.block('export interface CustomerEvents {', () => {
    for (const m of events) {
      file.jsDoc(`${m.summary ?? ''}${m.kind === 'client' ? ' (Emitted by the client itself.)' : ''}`);
      file.print(key(m.name), ': ', payloadType(m), ';');
    }
  });
  file.blank();
  file.jsDoc('Every request the SDK sends, by method name, with its arguments and result.');
  file.block('export interface CustomerRequests {', () => {
    for (const r of model.requests) {
      file.print(key(r.id), ': { args: ', payloadType(r.request), '; result: ', payloadType(r.response), ' };');
    }
  });
}

/** The protocol description the runtime runs on: tables naming messages, no validators. */
function printProtocol(file: File, model: ProtocolModel, lifecycle: ClientLifecycle): void {
  const protocolType = importSymbol('ProtocolDescription', RUNTIME_PROTOCOL, true);
  file.jsDoc(
    `The protocol as the runtime needs it, read from ${model.source}. Payload checks come from`,
    '@customer-chat/validators through `guards` and `loadExplainer` (see src/validated.ts), so bundles without them stay small.',
  );
  file.block(['export const protocol: ', protocolType, ' = {'], () => {
    file.block('requests: {', () => {
      for (const r of model.requests) {
        // The request's message is named after its action unless it says otherwise (RequestDescription).
        const request = r.request.name === r.action ? [] : [', request: ', literal(r.request.name)];
        file.print(key(r.id), ': { action: ', literal(r.action), ...request, ', response: ', literal(r.response.name), ' },');
      }
    }, '},');
    file.block('pushes: {', () => {
      for (const m of model.messages.filter((p) => p.kind === 'push')) {
        // Event and message are named after the action unless they say otherwise (PushDescription).
        const event = m.clientEvent?.event ?? m.name;
        const fields = [
          ...(event === m.action ? [] : [`event: ${literal(event)}`]),
          ...(m.name === m.action ? [] : [`message: ${literal(m.name)}`]),
          ...(m.clientEvent ? [`endsSession: { payload: ${literal(m.clientEvent.payload)} }`] : []),
        ];
        file.print(key(m.action!), ': ', fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`, ',');
      }
    }, '},');
    file.print('errorMessage: ', literal(model.messages.find((m) => m.kind === 'error')!.name), ',');
    const { errorType, clientErrorCode } = model.catalogueSchemas;
    // Only the types whose client code is not the type in upper case (the runtime's rule for the
    // rest); `satisfies`: a client code that is not in the spec's list does not compile.
    file.block('errorCodes: {', () => {
      for (const e of model.errorTypes) if (e.clientCode !== e.value.toUpperCase()) file.print(key(e.value), ': ', literal(e.clientCode), ',');
    }, ['} satisfies Partial<Record<', importSymbol(errorType, VALIDATORS, true), ', ', importSymbol(clientErrorCode, VALIDATORS, true), '>>,']);
    file.block('reactions: {', () => {
      for (const r of model.disconnectionReasons) file.print(key(r.value), ': ', literal(r.reaction), ',');
    }, '},');
    file.block('lifecycle: {', () => {
      file.print('login: { operation: ', literal(lifecycle.login.operation), ', tokenArgument: ', literal(lifecycle.login.tokenArgument), ' },');
      file.print('ready: { operation: ', literal(lifecycle.ready.operation), ' },');
      const e = lifecycle.events;
      const linkEvents = e.unstable !== undefined && e.recovered !== undefined ? [', unstable: ', literal(e.unstable), ', recovered: ', literal(e.recovered)] : [];
      file.print('events: { connected: ', literal(e.connected), ', restored: ', literal(e.restored), ', lost: ', literal(e.lost), ', disconnected: ', literal(e.disconnected), ...linkEvents, ' },');
      const policy = lifecycle.policy;
      if (policy !== undefined) {
        const r = policy.reconnect;
        const unstable = policy.unstableAfterMs === undefined ? [] : [', unstableAfterMs: ', String(policy.unstableAfterMs)];
        file.print('policy: { requestTimeoutMs: ', String(policy.requestTimeoutMs), ', handshakeTimeoutMs: ', String(policy.handshakeTimeoutMs), ...unstable, ', reconnect: { initialDelayMs: ', String(r.initialDelayMs), ', maxDelayMs: ', String(r.maxDelayMs), ', factor: ', String(r.factor), ', jitter: ', String(r.jitter), ', minUptimeForResetMs: ', String(r.minUptimeForResetMs), ' } },');
      }
    }, '},');
    file.block('socketUrl(base, query) {', () => {
      file.print('const url = new URL(', literal(model.channel.address.replace(/^\//, '')), ", base.endsWith('/') ? base : `${base}/`);");
      // Parameters are spec names: each gets a local name that is a valid binding and clashes with no other local.
      const taken = new Set(['url', 'base', 'query']);
      model.channel.query.forEach((q, index) => {
        const preferred = /^[A-Za-z_$]/.test(q.name) ? camelCase(q.name.replace(/[^A-Za-z0-9_$]+/g, '_')) : '';
        let local = isBindableIdentifier(preferred) && !taken.has(preferred) ? preferred : `parameter${index}`;
        while (taken.has(local)) local = `_${local}`;
        taken.add(local);
        file.print('const ', local, ' = query[', literal(q.name), '];');
        if (q.required) file.print('if (', local, ' === undefined || ', local, " === '') throw new TypeError(", literal(`the connection needs "${q.name}"`), ');');
        file.print('if (', local, ' !== undefined) url.searchParams.set(', literal(q.name), ', ', local, ');');
      });
      file.print('return url.toString();');
    }, '},');
    file.block('encodeRequest(id, action, payload) {', () => {
      file.print('return { ', key(model.correlationField), ': id, action, payload };');
    }, '},');
    file.block('classify(frame: any, into) {', () => {
      file.print("if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) return 'unknown';");
      const c = model.frameConstants;
      const id = `frame.${model.correlationField}`;
      file.block(['if (', condition(c.push), " && typeof frame.action === 'string') {"], () => {
        file.print('into.key = frame.action;');
        file.print('into.payload = frame.payload;');
        file.print("return 'push';");
      });
      file.block(['if (', condition(c.response), ' && typeof ', id, " === 'string') {"], () => {
        file.print('into.key = ', id, ';');
        // A response repeats its request's action; the runtime checks it against the request.
        file.print('into.action = frame.action;');
        file.print('into.payload = frame.payload;');
        file.print("return 'response';");
      });
      file.block(['if (', condition(c.error), ') {'], () => {
        file.print('into.key = typeof ', id, " === 'string' ? ", id, ' : null;');
        file.print('into.action = frame.action;');
        file.print('into.payload = frame.payload;');
        file.print("return 'error';");
      });
      file.print("return 'unknown';");
    }, '},');
    // The model guarantees the shape whenever there is a lifecycle (a client to generate).
    const { property, typeField, messageField } = model.errorShape!;
    file.block('readError(payload: any) {', () => {
      file.print('const error = payload?.', property, ';');
      // A message that is not a string (possible unvalidated) is none: String() of an object may throw.
      file.print('return error && typeof error.', typeField, " === 'string' ? { type: error.", typeField, ', message: typeof error.', messageField, " === 'string' ? error.", messageField, " : '' } : undefined;");
    }, '},');
  }, '};');
}

/** The events the client emits itself (no wire frame); apart from `protocol`, which the runtime does not need them in. */
function printClientEvents(file: File, model: ProtocolModel): void {
  file.jsDoc('The events the client emits itself (no wire frame).');
  file.print('export const clientEvents = [', model.messages.filter((c) => c.kind === 'client').map((m) => literal(m.name)).join(', '), '] as const;');
}

/** Every server error type with the `code` of the error the client rejects it with (the spec's list). */
function printErrorCodeList(file: File, model: ProtocolModel): void {
  const { errorType, clientErrorCode } = model.catalogueSchemas;
  file.jsDoc('Every server error type with the `code` of the error the client rejects it with.');
  file.block('export const errorCodes = {', () => {
    for (const e of model.errorTypes) file.print(key(e.value), ': ', literal(e.clientCode), ',');
  }, ['} as const satisfies Record<', importSymbol(errorType, VALIDATORS, true), ', ', importSymbol(clientErrorCode, VALIDATORS, true), '>;']);
}

function printServers(file: File, model: ProtocolModel): void {
  file.jsDoc('The servers of the spec, as WebSocket base URLs; `local` is the reference server the SDK connects to by default.');
  file.block('export const servers = {', () => {
    for (const server of model.servers) {
      file.jsDoc(server.title, server.description);
      file.print(key(server.name), ': ', literal(server.url), ',');
    }
  }, '} as const;');
}

function printClient(file: File, model: ProtocolModel, lifecycle: ClientLifecycle): void {
  const core = importSymbol('ClientCore', RUNTIME_CORE);
  const events = importSymbol('CustomerEvents', './protocol.js', true);
  const requests = importSymbol('CustomerRequests', './protocol.js', true);
  file.jsDoc("The typed client: one method per request operation of the spec, on the runtime's connection handling.");
  file.block(['export class CustomerClient extends ', core, '<', events, ', ', requests, '> {'], () => {
    let first = true;
    for (const r of model.requests) {
      if (r.id === lifecycle.login.operation) continue; // sent by the runtime on every connection
      const request = r.request;
      if (!first) file.blank();
      first = false;
      file.jsDoc(r.title ? `${r.title}: ${r.summary ?? ''}` : r.summary, r.description, r.errors.length > 0 ? `Fails with the server errors: ${r.errors.join(', ')}.` : undefined, `@see ${operationDocsLink(model, r.id)}`);
      const args = requiresNoArguments(model, request) ? ['args: ', payloadType(request), ' = {}'] : ['args: ', payloadType(request)];
      file.block([r.id, '(', ...args, '): Promise<', payloadType(r.response), '> {'], () => {
        file.print('return this.request(', literal(r.id), ', args);');
      });
    }
  });
}


/**
 * The runtime raises some codes itself (CONNECTION_LOST, REQUEST_TIMEOUT, ...) and knows no spec;
 * this type-only check makes a code the spec's list lacks a compile error in the SDK.
 */
function printErrorCodeCheck(file: File, model: ProtocolModel): void {
  const specCodes = importSymbol(model.catalogueSchemas.clientErrorCode, VALIDATORS, true);
  const runtimeCodes = importSymbol('RuntimeErrorCode', RUNTIME_ERRORS, true);
  file.jsDoc('Accepts `true` only.');
  file.print('type Holds<T extends true> = T;');
  file.blank();
  file.jsDoc(
    `Compile-time check: every code the runtime raises itself is a \`${model.catalogueSchemas.clientErrorCode}\` of the spec, so ` +
      'the `SDKError` the package exports can narrow `code` to that union.',
  );
  file.print('export type RuntimeCodesInSpec = Holds<[', runtimeCodes, '] extends [', specCodes, '] ? true : false>;');
}

/**
 * Operation ids that cannot be methods of the client: members of its base class (read from the
 * runtime's source, so the list follows the class) would be overridden with another signature.
 */
function clientNameProblems(model: ProtocolModel, lifecycle: ClientLifecycle): PluginProblem[] {
  const path = resolvePackageImport(SDK_PACKAGE, RUNTIME_CORE);
  const members = classMembers(parseRepositoryModule(path), CLIENT_BASE);
  return model.requests
    .filter((r) => r.id !== lifecycle.login.operation && members.has(r.id))
    .map((r) => ({ pointer: appendPointer('/operations', r.id), message: `operation id ${r.id} would override ${CLIENT_BASE}.${r.id} (${path}) in the generated client; rename the operation` }));
}

export const sdkPlugin = definePlugin({
  name: 'sdk',
  description: "@customer-chat/sdk's protocol layer: event and request maps, the protocol description and the typed client (operations, messages, x-client-lifecycle).",
  output: { dir: 'packages/sdk/src/gen', owns: true },
  requires: ['lifecycle'],
  reads: ['messages', 'requests', 'errorTypes', 'catalogueSchemas', 'disconnectionReasons', 'lifecycle', 'frameConstants', 'channel', 'servers', 'correlationField', 'source', 'info', 'schemas', 'errorShape', 'http'],
  dependsOn: ['models'],
  emit(model, context) {
    const lifecycle = requireLifecycle(model);
    const protocol = new GeneratedFile('protocol.ts', context.generator);
    printTypeMaps(protocol, model);
    protocol.blank();
    printProtocol(protocol, model, lifecycle);
    protocol.blank();
    printClientEvents(protocol, model);
    protocol.blank();
    printErrorCodeList(protocol, model);
    protocol.blank();
    printServers(protocol, model);
    // A module of its own: only sendFile's chunk, loaded on first use, reads it.
    const http = new GeneratedFile('http-operations.ts', context.generator);
    printHttpOperations(http, model);
    const client = new GeneratedFile('client.ts', context.generator);
    printClient(client, model, lifecycle);
    const errors = new GeneratedFile('errors.ts', context.generator);
    printErrorCodeCheck(errors, model);
    const files = [protocol, http, client, errors].map((file) => ({ file, content: file.toString() }));
    // A spec name imported into a module that declares the same name (a schema `CustomerEvents`) would not compile.
    const problems = [
      ...clientNameProblems(model, lifecycle),
      ...files.flatMap(({ file, content }) =>
        importClashes(file, content).map((name) => ({ pointer: pointerOfName(model, name), message: `${name} is declared by the generated ${file.path} too; rename it` })),
      ),
    ];
    if (problems.length > 0) throw new PluginProblems('sdk', problems);
    return files.map(({ file, content }) => ({ path: file.path, content }));
  },
});
