// From one incoming WebSocket message to one reply: parse, find the request in the generated
// `requests` table, validate the frame against the spec, check the login, call the handler, answer.
// Every failure becomes an error frame on the same connection; nothing here can throw out of a
// connection, let alone crash the process.
import { setTimeout as sleep } from 'node:timers/promises';
import { describeIssues, OutgoingFrameError, ProtocolError, SessionEndedError } from './errors.js';
import { correlationField, frames, loginAction, outgoingFrameValidators, requests, type RequestAction, type RequestHandlers } from './gen/protocol.js';
import type { Inbound, Session, SessionRegistry } from './sessions.js';

/** The request a connection must send (and succeed with) before any other (`x-client-lifecycle`). */
const LOGIN: RequestAction = loginAction;

export interface DispatchContext {
  readonly handlers: RequestHandlers<Session>;
  readonly sessions: SessionRegistry;
  /** The current reply delay (fault injection). */
  replyDelayMs(): number;
  /** Where unexpected failures (handler bugs) are reported. */
  log(message: string, error?: unknown): void;
  /** Test-only protocol break: logs a connection in as a fresh customer instead of refusing a request before login. */
  loginAnonymously?(session: Session): void;
  /** Test-only protocol break: a second login's payload is checked against its schema before the second login is refused. */
  schemaBeforeSecondLogin?: boolean;
}

export interface Dispatch {
  /** Handles one frame and answers it; never rejects. */
  handle(session: Session, inbound: Inbound): Promise<void>;
  /**
   * Answers a frame at once with `pending_requests_limit_reached`, without handling it: the
   * connection has `limit` requests waiting already. Echoes its request id and action when it has them.
   * Not held by the reply delay: the limit bounds what a connection makes the server hold, and a
   * delayed refusal would be held too.
   */
  refuse(session: Session, inbound: Inbound, limit: number): void;
}

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

/**
 * Waits out the reply delay (fault injection) of a request; false when its connection closed
 * meanwhile. The timer never keeps the process alive (`ref: false`) and ends when the connection's
 * socket closes: a connection that dies, or the server closing (which closes every connection), takes
 * its timer and its session with it instead of holding them until the delay is over.
 */
async function replyDelay(session: Session, ms: number): Promise<boolean> {
  if (!session.open) return false;
  const closed = new AbortController();
  const abort = (): void => closed.abort();
  session.socket.once('close', abort);
  try {
    await sleep(ms, undefined, { ref: false, signal: closed.signal });
    return true;
  } catch {
    // Only the abort rejects: the connection closed.
    return false;
  } finally {
    session.socket.off('close', abort);
  }
}

export function createDispatch(ctx: DispatchContext): Dispatch {
  const { sessions } = ctx;

  async function handle(session: Session, data: Buffer, isBinary: boolean): Promise<void> {
    // The reply delay (fault injection) holds every reply, errors included, from the frame's turn on.
    const delay = ctx.replyDelayMs();
    if (delay > 0 && !(await replyDelay(session, delay))) return;
    if (!session.open) return;
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

    // The spec's order of reading a frame ("Reading a frame"): the request id, then the login (a
    // request before it, or a second one), then the payload, so nothing about a request is checked
    // before login, nor about a second login.
    if (requestId === null) {
      const message = `the frame needs a ${correlationField}: a string of 1 to 64 characters, echoed in the response`;
      sessions.fail(session, null, action, { type: 'validation', message, pointer: `/${correlationField}` });
      return;
    }
    if (action !== LOGIN && session.customerId === undefined && ctx.loginAnonymously !== undefined) ctx.loginAnonymously(session);
    if (action !== LOGIN && session.customerId === undefined) {
      sessions.fail(session, requestId, action, { type: 'authorization', message: `log in first: send \`${LOGIN}\` (and wait for its response) before \`${action}\`` });
      return;
    }
    // A connection logs in once: a second `login`, whatever its payload, changes nothing (not even
    // the customer details it carries) and is answered `validation` (one of login's errors in the spec).
    const secondLogin = action === LOGIN && session.customerId !== undefined;
    const refuseSecondLogin = () => {
      const message = `this connection is already logged in as ${session.customerId}; a connection logs in once: open a new connection to log in again or as another customer`;
      sessions.fail(session, requestId, action, { type: 'validation', message, pointer: '/action' });
    };
    if (secondLogin && ctx.schemaBeforeSecondLogin !== true) return refuseSecondLogin();
    const checked = requests[action].validateFrame(frame);
    if (!checked.ok) {
      sessions.fail(session, requestId, action, { type: 'validation', message: describeIssues(checked.errors), pointer: checked.errors[0]?.path ?? '' });
      return;
    }
    if (secondLogin) return refuseSecondLogin();
    const { [correlationField]: id, payload } = checked.value;

    const loggedInBefore = session.customerId;
    try {
      // The table maps each action to its operation; the frame was validated against that action's schema.
      const handler = ctx.handlers[requests[action].operation] as (args: unknown, session: Session) => unknown;
      const result = await handler.call(ctx.handlers, payload, session);
      sessions.respond(session, id, action, result);
    } catch (error) {
      // A login that failed after it bound the connection (a push or its response broke the spec)
      // leaves it as it was: never half logged in.
      if (session.customerId !== loggedInBefore) sessions.release(session);
      if (error instanceof SessionEndedError) return;
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

  function refuse(session: Session, { data, isBinary }: Inbound, limit: number): void {
    let requestId: string | null = null;
    let action = '';
    if (!isBinary) {
      try {
        const frame: unknown = JSON.parse(data.toString('utf8'));
        if (isObject(frame)) {
          requestId = echoableRequestId(own(frame, correlationField));
          const named = own(frame, 'action');
          if (typeof named === 'string') action = named;
        }
      } catch {
        // Not JSON: answered without a request id, as any frame that is not JSON.
      }
    }
    const message = `this connection already has ${limit} requests waiting for their response; retry after some of them are answered`;
    try {
      sessions.fail(session, requestId, action, { type: 'pending_requests_limit_reached', message });
    } catch (error) {
      ctx.log('could not answer a frame', error);
    }
  }

  return {
    async handle(session, { data, isBinary }) {
      try {
        await handle(session, data, isBinary);
      } catch (error) {
        ctx.log('could not answer a frame', error);
      }
    },
    refuse,
  };
}
