// From one incoming WebSocket message to one reply: parse, find the request in the generated
// `requests` table, validate the frame against the spec, check the login, call the handler, answer.
// Every failure becomes an error frame on the same connection; nothing here can throw out of a
// connection, let alone crash the process.
import { setTimeout as sleep } from 'node:timers/promises';
import { describeIssues, OutgoingFrameError, ProtocolError } from './errors.js';
import { correlationField, frames, loginAction, outgoingFrameValidators, requests, type RequestAction, type RequestHandlers } from './gen/protocol.js';
import type { Session, SessionRegistry } from './sessions.js';

/** The request a connection must send (and succeed with) before any other (`x-client-lifecycle`). */
const LOGIN: RequestAction = loginAction;

export interface DispatchContext {
  readonly handlers: RequestHandlers<Session>;
  readonly sessions: SessionRegistry;
  /** The current reply delay (fault injection). */
  replyDelayMs(): number;
  /** Where unexpected failures (handler bugs) are reported. */
  log(message: string, error?: unknown): void;
}

export type Dispatch = (session: Session, data: Buffer, isBinary: boolean) => Promise<void>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an own property only: a frame's `__proto__` or `constructor` key is data, never inherited. */
function own(frame: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(frame, key) ? frame[key] : undefined;
}

/** The request id to echo: the frame's own when the error frame schema allows it, otherwise null. */
function echoableRequestId(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return outgoingFrameValidators.error(frames.error(value, '', { type: 'validation', message: '' })).ok ? value : null;
}

function isKnownAction(action: string): action is RequestAction {
  return Object.hasOwn(requests, action);
}

function clip(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}

export function createDispatch(ctx: DispatchContext): Dispatch {
  const { sessions } = ctx;

  async function handle(session: Session, data: Buffer, isBinary: boolean): Promise<void> {
    if (isBinary) {
      sessions.fail(session, null, '', { type: 'validation', message: 'binary messages are not frames: send each frame as a JSON text message' });
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString('utf8'));
    } catch (error) {
      sessions.fail(session, null, '', { type: 'validation', message: `the frame is not JSON: ${clip(error instanceof Error ? error.message : String(error), 200)}` });
      return;
    }
    if (!isObject(frame)) {
      sessions.fail(session, null, '', { type: 'validation', message: `a frame is a JSON object { ${correlationField}, action, payload }`, pointer: '' });
      return;
    }

    const requestId = echoableRequestId(own(frame, correlationField));
    const action = own(frame, 'action');
    if (typeof action !== 'string' || !isKnownAction(action)) {
      const message =
        typeof action === 'string'
          ? `unknown action "${clip(action)}"; the requests are ${Object.keys(requests).join(', ')}`
          : 'the frame has no action: a string naming the request';
      sessions.fail(session, requestId, typeof action === 'string' ? action : '', { type: 'validation', message, pointer: '/action' });
      return;
    }

    const checked = requests[action].validateFrame(frame);
    if (!checked.ok) {
      sessions.fail(session, requestId, action, { type: 'validation', message: describeIssues(checked.errors), pointer: checked.errors[0]?.path ?? '' });
      return;
    }
    const { [correlationField]: id, payload } = checked.value;
    if (action !== LOGIN && session.customerId === undefined) {
      sessions.fail(session, id, action, { type: 'authorization', message: `log in first: send \`${LOGIN}\` (and wait for its response) before \`${action}\`` });
      return;
    }

    const delay = ctx.replyDelayMs();
    if (delay > 0) await sleep(delay);
    try {
      // The table maps each action to its operation; the frame was validated against that action's schema.
      const handler = ctx.handlers[requests[action].operation] as (args: unknown, session: Session) => unknown;
      const result = await handler.call(ctx.handlers, payload, session);
      sessions.respond(session, id, action, result);
    } catch (error) {
      if (error instanceof ProtocolError) {
        sessions.fail(session, id, action, error.toPayload());
      } else if (error instanceof OutgoingFrameError) {
        ctx.log(error.message);
        sessions.fail(session, id, action, { type: 'internal', message: 'the server built a frame that breaks the spec (see its log)' });
      } else {
        ctx.log(`handler of ${action} failed`, error);
        sessions.fail(session, id, action, { type: 'internal', message: 'the server failed to handle the request' });
      }
    }
  }

  return async (session, data, isBinary) => {
    try {
      await handle(session, data, isBinary);
    } catch (error) {
      ctx.log('could not answer a frame', error);
    }
  };
}
