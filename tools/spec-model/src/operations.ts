// Reads `operations`: `send` operations with a `reply` are requests (AsyncAPI 3 request/reply);
// `receive` operations are pushes, or client events when their channel is `x-emitted-by: client`.
// Their messages are the model's message objects (the parser resolved the channel references).
import type { AsyncAPIDocumentInterface, MessageInterface, OperationInterface } from '@asyncapi/parser';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import { operationIdProblem } from './naming.js';
import type { ProblemCollector } from './problems.js';
import type { MessageModel, ReceiveOperationModel, RequestOperationModel, RequestPushModel } from './types.js';

export interface ReadOperations {
  requests: RequestOperationModel[];
  receives: ReceiveOperationModel[];
  /** Error types every request may get (the error response's `x-errors`), in catalogue order. */
  commonErrors: string[];
  /** Whether some operation could not be read: its messages are then unaccounted for, not unused. */
  incomplete: boolean;
}

const PUSH_TARGETS = { requester: [true, false], others: [false, true], all: [true, true] } as const;
const ENTRY = '{ push: <push message name>, to: requester | others | all, when?: <condition>, example?: <name of a request example that causes it> }';

/** `x-pushes`: `[{ push, to: requester | others | all, when?, example? }]`; push and example names are checked once the messages are known. */
function readPushes(declared: unknown, pointer: string, problems: ProblemCollector): RequestPushModel[] {
  if (declared === undefined) return [];
  if (!Array.isArray(declared)) {
    problems.add(pointer, `x-pushes must list the pushes the request causes: [${ENTRY}]`);
    return [];
  }
  return declared.flatMap((entry: unknown, i) => {
    const at = appendPointer(pointer, i);
    const { push, to, when, example, ...rest } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const targets = typeof to === 'string' && Object.hasOwn(PUSH_TARGETS, to) ? PUSH_TARGETS[to as keyof typeof PUSH_TARGETS] : undefined;
    const optionalText = (value: unknown) => value === undefined || typeof value === 'string';
    if (typeof push !== 'string' || targets === undefined || !optionalText(when) || !optionalText(example) || Object.keys(rest).length > 0) {
      problems.add(at, `an x-pushes entry is ${ENTRY}`);
      return [];
    }
    return [{ push, requester: targets[0], others: targets[1], when: when as string | undefined, example: example as string | undefined }];
  });
}

/** `x-errors` of the error response: the errors any request may get, which every operation inherits. */
function readCommonErrors(errorMessage: MessageInterface | undefined, errorTypes: ReadonlySet<string>, problems: ProblemCollector): string[] {
  const declared: unknown = errorMessage?.json<Record<string, unknown>>()['x-errors'];
  if (declared === undefined) return [];
  const pointer = appendPointer('/components/messages', errorMessage?.id() ?? '', 'x-errors');
  if (!Array.isArray(declared)) {
    problems.add(pointer, 'x-errors of the error response lists the error types any request may get');
    return [];
  }
  for (const [i, type] of declared.entries()) {
    if (!errorTypes.has(type as string)) problems.add(appendPointer(pointer, i), `"${String(type)}" is not an error type of the catalogue`);
  }
  return declared as string[];
}

// Any x-emitted-by marks a client channel: `client` is its only value, and another one (`Client`)
// is reported where it stands (extensions.ts) rather than turning every client event into a push.
function isClientChannel(operation: OperationInterface): boolean {
  return operation.channels().all().some((channel) => channel.extensions().get('x-emitted-by') !== undefined);
}

export function readOperations(
  document: AsyncAPIDocumentInterface,
  messageOf: (json: unknown) => MessageModel | undefined,
  errorTypes: ReadonlySet<string>,
  problems: ProblemCollector,
): ReadOperations {
  const requests: RequestOperationModel[] = [];
  const receives: ReceiveOperationModel[] = [];
  // Every request shares one error response (the model checks it); its `x-errors` apply to all.
  const errorMessage = document.operations().all().find((o) => o.action() === 'send')?.reply()?.messages().all()[1];
  const commonErrors = readCommonErrors(errorMessage, errorTypes, problems);
  const catalogueOrder = [...errorTypes];
  let incomplete = false;
  for (const operation of document.operations().all()) {
    const id = operation.id() ?? '';
    const pointer = appendPointer('/operations', id);
    // Ids name SDK members and handlers, like x-http's: the same rule.
    const idProblem = operationIdProblem(id);
    if (idProblem !== undefined) problems.add(pointer, idProblem);
    const json = operation.json<{ messages?: unknown; title?: string; 'x-errors'?: unknown; 'x-pushes'?: unknown }>();
    // Each message is one of components.messages, reached through the operation's channel.
    const toModels = (messages: MessageInterface[], at: string) =>
      messages.map((message, i) => {
        const model = messageOf(message.json());
        if (model === undefined) problems.add(appendPointer(at, i), 'the message is not one of components.messages (through a channel)');
        return model;
      });
    // The parser lists every channel message when `messages` is left out; the model wants it said.
    const sent = toModels(Array.isArray(json.messages) ? operation.messages().all() : [], appendPointer(pointer, 'messages'));
    if (sent.length !== 1) {
      problems.add(appendPointer(pointer, 'messages'), 'an operation must carry exactly one message (one request, or one push)');
      incomplete = true;
      continue;
    }
    if (operation.action() === 'send') {
      const replies = toModels(operation.reply()?.messages().all() ?? [], appendPointer(pointer, 'reply', 'messages'));
      if (replies.length !== 2) {
        problems.add(appendPointer(pointer, 'reply'), 'a request needs a reply with two messages: its response, then the error response');
        incomplete = true;
        continue;
      }
      const declared: unknown = json['x-errors'];
      const errors = Array.isArray(declared) ? (declared as string[]) : [];
      if (!Array.isArray(declared)) problems.add(pointer, 'a request must list the error types it can fail with in x-errors');
      for (const [i, type] of errors.entries()) {
        if (!errorTypes.has(type)) problems.add(appendPointer(pointer, 'x-errors', i), `"${type}" is not an error type of the catalogue`);
        else if (commonErrors.includes(type)) problems.add(appendPointer(pointer, 'x-errors', i), `"${type}" is one of the errors every request may get (the error response's x-errors): list it there only`);
      }
      const effective = catalogueOrder.filter((type) => errors.includes(type) || commonErrors.includes(type));
      const pushes = readPushes(json['x-pushes'], appendPointer(pointer, 'x-pushes'), problems);
      const [request, response, error] = [sent[0], replies[0], replies[1]];
      if (request === undefined || response === undefined || error === undefined) {
        incomplete = true;
        continue;
      }
      requests.push({ id, action: request.name, title: json.title, summary: operation.summary(), description: operation.description(), request, response, error, errors: effective, pushes });
    } else if (operation.action() === 'receive') {
      const message = sent[0];
      if (message !== undefined) receives.push({ id, message, emittedBy: isClientChannel(operation) ? 'client' : 'server' });
      else incomplete = true;
    } else {
      problems.add(appendPointer(pointer, 'action'), 'action must be send or receive');
      incomplete = true;
    }
  }
  return { requests, receives, commonErrors: catalogueOrder.filter((type) => commonErrors.includes(type)), incomplete };
}
