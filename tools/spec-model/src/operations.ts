// Reads `operations`: `send` operations with a `reply` are requests (AsyncAPI 3 request/reply);
// `receive` operations are pushes, or client events when their channel is `x-emitted-by: client`.
// Their messages are the model's message objects (the parser resolved the channel references).
import type { AsyncAPIDocumentInterface, MessageInterface, OperationInterface } from '@asyncapi/parser';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import type { ProblemCollector } from './problems.js';
import type { MessageModel, ReceiveOperationModel, RequestOperationModel } from './types.js';

export interface ReadOperations {
  requests: RequestOperationModel[];
  receives: ReceiveOperationModel[];
}

function isClientChannel(operation: OperationInterface): boolean {
  return operation.channels().all().some((channel) => channel.extensions().get('x-emitted-by')?.value<unknown>() === 'client');
}

export function readOperations(
  document: AsyncAPIDocumentInterface,
  messageOf: (json: unknown) => MessageModel | undefined,
  errorTypes: ReadonlySet<string>,
  problems: ProblemCollector,
): ReadOperations {
  const requests: RequestOperationModel[] = [];
  const receives: ReceiveOperationModel[] = [];
  for (const operation of document.operations().all()) {
    const id = operation.id() ?? '';
    const pointer = appendPointer('/operations', id);
    const json = operation.json<{ messages?: unknown; title?: string; 'x-errors'?: unknown }>();
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
      continue;
    }
    if (operation.action() === 'send') {
      const replies = toModels(operation.reply()?.messages().all() ?? [], appendPointer(pointer, 'reply', 'messages'));
      if (replies.length !== 2) {
        problems.add(appendPointer(pointer, 'reply'), 'a request needs a reply with two messages: its response, then the error response');
        continue;
      }
      const declared: unknown = json['x-errors'];
      const errors = Array.isArray(declared) ? (declared as string[]) : [];
      if (!Array.isArray(declared)) problems.add(pointer, 'a request must list the error types it can fail with in x-errors');
      for (const [i, type] of errors.entries()) {
        if (!errorTypes.has(type)) problems.add(appendPointer(pointer, 'x-errors', i), `"${type}" is not an error type of the catalogue`);
      }
      const [request, response, error] = [sent[0], replies[0], replies[1]];
      if (request === undefined || response === undefined || error === undefined) continue;
      requests.push({ id, action: request.name, title: json.title, summary: operation.summary(), description: operation.description(), request, response, error, errors });
    } else if (operation.action() === 'receive') {
      const message = sent[0];
      if (message !== undefined) receives.push({ id, message, emittedBy: isClientChannel(operation) ? 'client' : 'server' });
    } else {
      problems.add(appendPointer(pointer, 'action'), 'action must be send or receive');
    }
  }
  return { requests, receives };
}
