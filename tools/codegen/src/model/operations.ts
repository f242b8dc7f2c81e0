// Reads `operations`: `send` operations with a `reply` are requests (AsyncAPI 3 request/reply);
// `receive` operations are pushes, or client events when their channel is `x-emitted-by: client`.
import type { ProblemCollector } from './errors.js';
import type { ReceiveOperationModel, RequestOperationModel } from './types.js';

interface RawOperation {
  action?: string;
  channel?: { $ref?: string };
  messages?: Array<{ $ref?: string }>;
  reply?: { messages?: Array<{ $ref?: string }> };
  title?: string;
  summary?: string;
  description?: string;
  'x-errors'?: unknown;
}

export interface RawOperations {
  requests: RequestOperationModel[];
  receives: ReceiveOperationModel[];
}

/** `#/channels/customer/messages/sendEventRequest` -> `sendEventRequest`. */
function messageKey(ref: string | undefined): string | undefined {
  const match = /^#\/channels\/[^/]+\/messages\/([^/]+)$/.exec(ref ?? '');
  return match?.[1];
}

export function readOperations(
  raw: Record<string, unknown>,
  channelMessages: (channel: string, key: string) => string | undefined,
  clientChannels: ReadonlySet<string>,
  errorTypes: ReadonlySet<string>,
  problems: ProblemCollector,
): RawOperations {
  const requests: RequestOperationModel[] = [];
  const receives: ReceiveOperationModel[] = [];
  for (const [id, op] of Object.entries((raw.operations ?? {}) as Record<string, RawOperation>)) {
    const pointer = `/operations/${id}`;
    const channel = op.channel?.$ref?.replace('#/channels/', '') ?? '';
    // Operation messages point into their channel; resolve them to component message keys.
    const resolve = (ref: string | undefined, at: string) => {
      const key = messageKey(ref);
      const component = key === undefined ? undefined : channelMessages(ref!.split('/')[2]!, key);
      if (component === undefined) problems.add(at, `${String(ref)} is not a message of a channel`);
      return component ?? '';
    };
    const sent = (op.messages ?? []).map((m, i) => resolve(m.$ref, `${pointer}/messages/${i}`));
    if (sent.length !== 1) {
      problems.add(`${pointer}/messages`, 'an operation must carry exactly one message (one request, or one push)');
      continue;
    }
    if (op.action === 'send') {
      const replies = (op.reply?.messages ?? []).map((m, i) => resolve(m.$ref, `${pointer}/reply/messages/${i}`));
      if (replies.length !== 2) {
        problems.add(`${pointer}/reply`, 'a request needs a reply with two messages: its response, then the error response');
        continue;
      }
      const errors = Array.isArray(op['x-errors']) ? (op['x-errors'] as string[]) : [];
      if (!Array.isArray(op['x-errors'])) problems.add(pointer, 'a request must list the error types it can fail with in x-errors');
      for (const [i, type] of errors.entries()) {
        if (!errorTypes.has(type)) problems.add(`${pointer}/x-errors/${i}`, `"${type}" is not an error type of the catalogue`);
      }
      requests.push({
        id,
        action: '',
        title: op.title,
        summary: op.summary,
        description: op.description,
        request: sent[0]!,
        response: replies[0]!,
        error: replies[1]!,
        errors,
      });
    } else if (op.action === 'receive') {
      receives.push({ id, message: sent[0]!, emittedBy: clientChannels.has(channel) ? 'client' : 'server' });
    } else {
      problems.add(`${pointer}/action`, 'action must be send or receive');
    }
  }
  return { requests, receives };
}
