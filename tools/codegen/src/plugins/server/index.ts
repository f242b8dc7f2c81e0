// Emits @customer-chat/reference-server's protocol layer: one typed handler per request operation
// (a missing handler is a compile error), the request dispatch table with its validators, typed
// push payloads, and the frame encoders, all read from the spec.
import { GeneratedFile, importSymbol, literal, type GeneratedFile as File } from '../../printer/generated-file.js';
import { definePlugin, PluginProblems } from '../../plugin.js';
import { printHttpOperations } from '../../common/http-operations.js';
import { messageTypeNames, pointerOfName } from '../../common/queries.js';
import { importClashes } from '../../common/typescript-names.js';
import type { MessageModel, ProtocolModel } from '@customer-chat/spec-model';

const VALIDATORS = '@customer-chat/validators';

function printServerProtocol(file: File, model: ProtocolModel): void {
  const type = (m: MessageModel) => (m.payload === undefined ? 'undefined' : importSymbol(m.payload.ref, VALIDATORS, true));
  const validate = (m: MessageModel) => importSymbol(messageTypeNames(m).validate, VALIDATORS);
  const validateFrame = (m: MessageModel) => importSymbol(messageTypeNames(m).validateFrame, VALIDATORS);
  const pushes = model.messages.filter((m) => m.kind === 'push');
  const errorMessage = model.messages.find((m) => m.kind === 'error')!;

  file.jsDoc('One handler per request operation of the spec; `session` is the connection that sent it.');
  file.block('export interface RequestHandlers<Session> {', () => {
    for (const r of model.requests) {
      file.jsDoc(r.summary, `Errors: ${r.errors.join(', ')}.`);
      file.print(r.id, '(args: ', type(r.request), ', session: Session): ', type(r.response), ' | Promise<', type(r.response), '>;');
    }
  });
  file.blank();
  file.jsDoc('Every push the server sends, by action, with its payload.');
  file.block('export interface PushPayloads {', () => {
    for (const p of pushes) file.print(p.action!, ': ', type(p), ';');
  });
  file.blank();
  file.print('export type RequestAction = ', model.requests.map((r) => literal(r.action)).join(' | '), ';');
  file.print('export type PushAction = keyof PushPayloads;');
  file.print('export type ErrorType = ', model.errorTypes.map((e) => literal(e.value)).join(' | '), ';');
  file.print('export type DisconnectionReason = ', model.disconnectionReasons.map((r) => literal(r.value)).join(' | '), ';');
  file.blank();
  file.jsDoc(
    'Requests by wire action: the handler to call, the checks of its arguments and result, the error',
    'types it may answer with (`x-errors`) and the defaults of its optional arguments.',
  );
  file.block('export const requests = {', () => {
    for (const r of model.requests) {
      const schema = model.schemas.find((s) => s.name === r.request.payload?.ref)?.schema;
      const defaults = Object.entries((schema?.properties ?? {}) as Record<string, { default?: unknown }>)
        .filter(([, p]) => p.default !== undefined)
        .map(([name, p]) => `${name}: ${JSON.stringify(p.default)}`);
      file.block([r.action, ': {'], () => {
        file.print('operation: ', literal(r.id), ' as const,');
        file.print('validateFrame: ', validateFrame(r.request), ',');
        file.print('validateResult: ', validate(r.response), ',');
        file.print('errors: [', r.errors.map(literal).join(', '), '] as readonly ErrorType[],');
        file.print('defaults: { ', defaults.join(', '), ' },');
      }, '},');
    }
  }, '} as const;');
  if (model.lifecycle) {
    const login = model.requests.find((r) => r.id === model.lifecycle!.login.operation)!;
    file.blank();
    file.jsDoc('The request that starts a session (`x-client-lifecycle`): no other request is served before it succeeds.');
    file.print('export const loginAction = ', literal(login.action), ' satisfies RequestAction;');
    file.print('/** The argument of the login request that carries the token. */');
    file.print('export const loginTokenArgument = ', literal(model.lifecycle.login.tokenArgument), ';');
  }
  file.blank();
  file.jsDoc('Checks of every outgoing push payload, by action (the server never sends what the spec does not allow).');
  file.block('export const pushValidators = {', () => {
    for (const p of pushes) file.print(p.action!, ': ', validate(p), ',');
  }, '} as const;');
  file.blank();
  file.jsDoc('Checks of whole outgoing frames.');
  file.block('export const outgoingFrameValidators = {', () => {
    for (const p of pushes) file.print('push_', p.action!, ': ', validateFrame(p), ',');
    for (const r of model.requests) file.print('response_', r.action, ': ', validateFrame(r.response), ',');
    file.print('error: ', validateFrame(errorMessage), ',');
  }, '} as const;');
  file.blank();
  file.print('export const errorTypes: readonly ErrorType[] = [', model.errorTypes.map((e) => literal(e.value)).join(', '), '];');
  file.print('export const disconnectionReasons: readonly DisconnectionReason[] = [', model.disconnectionReasons.map((r) => literal(r.value)).join(', '), '];');
  file.print('/** The socket path and the query parameters a connection must carry. */');
  file.print('export const channel = { address: ', literal(model.channel.address), ', query: [', model.channel.query.filter((q) => q.required).map((q) => literal(q.name)).join(', '), '] } as const;');
  file.print('/** The header field correlating a response with its request. */');
  file.print('export const correlationField = ', literal(model.correlationField), ';');
  file.jsDoc('The WebSocket close code right after `customer_disconnected` (`x-close-code` of the disconnection reasons); the close reason is the disconnection reason.');
  if (model.disconnectCloseCode === undefined) {
    // The plugin requires it: the model reports its absence first; located like the model would.
    const reasons = model.schemas.find((s) => s.name === model.catalogueSchemas.disconnectionReason)?.pointer ?? '/components/schemas';
    throw new PluginProblems('server', [{ pointer: `${reasons}/x-close-code`, message: 'the reference server needs x-close-code on the disconnection reasons' }]);
  }
  file.print('export const disconnectCloseCode = ', String(model.disconnectCloseCode), ';');
  file.blank();
  const constants = (kind: 'response' | 'error' | 'push') =>
    Object.entries(model.frameConstants[kind]).map(([field, value]) => `${field}: ${typeof value === 'string' ? literal(value) : String(value)} as const`).join(', ');
  printHttpOperations(file, model);
  file.blank();
  file.jsDoc('Frame encoders: the layout of each kind of frame, from the headers in the spec.');
  file.block('export const frames = {', () => {
    file.block('response(id: string, action: string, payload: unknown) {', () => {
      file.print('return { ', model.correlationField, ': id, action, ', constants('response'), ', payload };');
    }, '},');
    const errorShape = model.errorShape;
    if (errorShape === undefined) throw new PluginProblems('server', [{ pointer: errorMessage.pointer, message: 'the reference server needs an error response whose payload holds the error (type and message)' }]);
    const errorType = [importSymbol(errorShape.payloadSchema, VALIDATORS, true), `[${literal(errorShape.property)}]`];
    file.block(['error(id: string | null, action: string, error: ', ...errorType, ') {'], () => {
      const field = errorShape.property === 'error' ? 'error' : `${literal(errorShape.property)}: error`;
      file.print('return { ', model.correlationField, ': id, action, ', constants('error'), ', payload: { ', field, ' } };');
    }, '},');
    file.block('push<A extends PushAction>(action: A, payload: PushPayloads[A]) {', () => {
      file.print('return { action, ', constants('push'), ', payload };');
    }, '},');
  }, '};');
}

export const serverPlugin = definePlugin({
  name: 'server',
  description: "@customer-chat/reference-server's protocol layer: request handlers, dispatch table, push payloads, frame encoders (operations, messages, frame headers).",
  output: { dir: 'packages/reference-server/src/gen', owns: true },
  requires: ['disconnectCloseCode'],
  reads: ['messages', 'requests', 'errorTypes', 'catalogueSchemas', 'disconnectionReasons', 'disconnectCloseCode', 'frameConstants', 'correlationField', 'schemas', 'lifecycle', 'channel', 'errorShape', 'http'],
  dependsOn: ['validators'],
  emit(model, context) {
    const file = new GeneratedFile('protocol.ts', context.generator);
    printServerProtocol(file, model);
    const content = file.toString();
    // A schema named like a declaration of the module (`PushPayloads`, the type parameter `Session`) would clash or be shadowed.
    const clashes = importClashes(file, content);
    if (clashes.length > 0) {
      throw new PluginProblems('server', clashes.map((name) => ({ pointer: pointerOfName(model, name), message: `${name} is declared by the generated ${file.path} too; rename it` })));
    }
    return [{ path: file.path, content }];
  },
});
