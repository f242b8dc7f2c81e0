// The inbound frame router: decodes each frame, classifies it (response, error, push), checks its payload and dispatches it.

import type { Checks } from './checks.js';
import { type ClientErrorEvent, RuntimeErrorCodes, SDKError } from './errors.js';
import { describe, errorCode, summarize } from './helpers.js';
import type { Call, PendingRequests } from './pending-requests.js';
import type { FrameFields, FrameKind, Guard, ProtocolDescription, PushDescription, ValidationIssue } from './protocol.js';
import { messageText } from './socket.js';

/** Where the router sends what is not a response to a pending request. */
export interface FrameTargets {
  /** A push the client emits as the event `name`. */
  emit(name: string, payload: unknown): void;
  /** A push by which the server ends the session; the reason is at `reasonPointer` in `payload`. */
  endSession(reasonPointer: string, payload: unknown): void;
  /** A problem that is nobody's rejection (a dropped frame, an error about no request). */
  error(event: ClientErrorEvent): void;
}

const FRAME_EXCERPT = 1_000;

function excerpt(text: string): string {
  return text.length > FRAME_EXCERPT ? `${text.slice(0, FRAME_EXCERPT)}… (${text.length} characters)` : text;
}

/** A push action as the router dispatches it: its event, message and payload's guard, looked up once. */
interface PushRoute {
  event: string;
  message: string;
  endsSession: PushDescription['endsSession'];
  guard: Guard | undefined;
}

export class FrameRouter {
  readonly #protocol: ProtocolDescription;
  readonly #pending: PendingRequests<Call>;
  readonly #checks: Checks;
  readonly #targets: FrameTargets;
  readonly #pushes = new Map<string, PushRoute>();
  readonly #errorGuard: Guard | undefined;
  /** Reused for every frame: `classify` writes into it, the router copies out at once. */
  readonly #fields: FrameFields = { key: null, payload: undefined, action: undefined };

  constructor(protocol: ProtocolDescription, pending: PendingRequests<Call>, checks: Checks, targets: FrameTargets) {
    this.#protocol = protocol;
    this.#pending = pending;
    this.#checks = checks;
    this.#targets = targets;
    for (const [action, { event = action, message = action, endsSession }] of Object.entries(protocol.pushes)) {
      this.#pushes.set(action, { event, message, endsSession, guard: checks.guard(message) });
    }
    this.#errorGuard = checks.guard(protocol.errorMessage);
  }

  /**
   * Handles one message of the socket: settles a pending request, emits an event or reports a
   * problem. Never throws: it runs in the socket's message listener, where a throw would be an
   * uncaught exception; a frame the client fails on is reported and dropped, as an invalid one is.
   */
  route(data: unknown): void {
    try {
      this.#route(data);
    } catch (error) {
      this.#targets.error({ code: RuntimeErrorCodes.INVALID_FRAME, message: `dropped a frame the client could not handle: ${describe(error)}`, cause: error });
    }
  }

  #route(data: unknown): void {
    const text = messageText(data);
    if (text === undefined) {
      this.#targets.error({ code: RuntimeErrorCodes.INVALID_FRAME, message: 'dropped a frame that is neither text nor UTF-8 bytes' });
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.#invalidFrame('a frame that is not JSON', text);
      return;
    }
    const fields = this.#fields;
    let kind: FrameKind;
    try {
      kind = this.#protocol.classify(frame, fields);
    } catch {
      kind = 'unknown';
    }
    const { key, payload, action } = fields;
    fields.key = null;
    fields.payload = undefined;
    fields.action = undefined;
    switch (kind) {
      case 'push': {
        const route = this.#pushes.get(key!);
        if (route === undefined) {
          this.#invalidFrame(`an unknown push "${key}"`, text);
          return;
        }
        // The common case in line (it is most of the traffic): a push that passes its check and
        // does not end the session becomes its event; the other cases go out of line.
        const valid = route.guard === undefined || route.guard(payload);
        if (valid && route.endsSession === undefined) this.#targets.emit(route.event, payload);
        else this.#onRarePush(key!, route, valid, payload, text);
        return;
      }
      case 'response':
        this.#onResponse(key!, action, payload, text);
        return;
      case 'error':
        this.#onErrorResponse(key, action, payload, text);
        return;
      default:
        this.#invalidFrame('a frame of no known kind', text);
        return;
    }
  }

  #invalidFrame(message: string, text: string, errors?: ValidationIssue[]): void {
    const event: ClientErrorEvent = { code: RuntimeErrorCodes.INVALID_FRAME, message: `dropped ${message}`, frame: excerpt(text) };
    if (errors !== undefined) event.errors = errors;
    this.#targets.error(event);
  }

  /** A push that failed its check, or a valid one by which the server ends the session (the others are emitted in line). */
  #onRarePush(action: string, route: PushRoute, valid: boolean, payload: unknown, text: string): void {
    const { endsSession } = route;
    if (valid) {
      this.#targets.endSession(endsSession!.payload, payload);
      return;
    }
    this.#checks.explain(route.message, payload, (errors) => this.#invalidFrame(`an invalid "${action}" push: ${summarize(errors)}`, text, errors));
    // The session is over all the same (a reason newer than the spec, say): it ends now, before
    // the close that follows could pass for a lost link, as one without a readable reason.
    if (endsSession !== undefined) this.#targets.endSession(endsSession.payload, undefined);
  }

  /**
   * Whether a frame that answers `call` by its id names another request's action: a server bug
   * that must not settle the call with the answer to something else (a `start_chat` result for a
   * `close_thread`). The call fails with INVALID_RESPONSE, also reported as an error event.
   */
  #answersAnother(id: string, call: Call, action: unknown, text: string): boolean {
    const expected = call.description.action;
    if (action === undefined || action === expected) return false;
    // JSON, as the frame had it (a string quoted, `5`, `null`), cut short: the frame is in the event.
    const named = JSON.stringify(action).slice(0, 100);
    const message = `invalid response to "${call.operation}": its action is ${named}, not "${expected}"`;
    // Settled before the error event: a listener that disconnects must not fail it another way.
    const reject = this.#pending.detach(id);
    this.#targets.error({ code: RuntimeErrorCodes.INVALID_RESPONSE, message, frame: excerpt(text) });
    reject?.(new SDKError(RuntimeErrorCodes.INVALID_RESPONSE, message, { details: { requestId: id, action } }));
    return true;
  }

  #onResponse(id: string, action: unknown, payload: unknown, text: string): void {
    const call = this.#pending.get(id);
    if (call === undefined || !call.sent) {
      // A late answer after a timeout, or a server bug.
      this.#invalidFrame(`a response to an unknown request "${id}"`, text);
      return;
    }
    if (this.#answersAnother(id, call, action, text)) return;
    const guard = this.#checks.guard(call.description.response);
    if (guard === undefined || guard(payload)) {
      this.#pending.resolve(id, payload);
      return;
    }
    // Settled now (no timeout, no second answer), rejected once the failure is explained.
    const reject = this.#pending.detach(id)!;
    this.#checks.explain(call.description.response, payload, (errors) => {
      const message = `invalid response to "${call.operation}": ${summarize(errors)}`;
      this.#targets.error({ code: RuntimeErrorCodes.INVALID_RESPONSE, message, frame: excerpt(text), errors });
      reject(new SDKError(RuntimeErrorCodes.INVALID_RESPONSE, message, { details: errors }));
    });
  }

  #onErrorResponse(id: string | null, action: unknown, payload: unknown, text: string): void {
    const call = id === null ? undefined : this.#pending.get(id);
    const ours = call !== undefined && call.sent && id !== null;
    if (ours && this.#answersAnother(id, call, action, text)) return;
    const guard = this.#errorGuard;
    if (guard !== undefined && !guard(payload)) {
      const reject = ours ? this.#pending.detach(id) : undefined;
      this.#checks.explain(this.#protocol.errorMessage, payload, (issues) => {
        const error = new SDKError(RuntimeErrorCodes.INVALID_RESPONSE, `invalid error response: ${summarize(issues)}`, { details: issues });
        this.#targets.error({ code: error.code, message: error.message, frame: excerpt(text), errors: issues });
        reject?.(error);
      });
      return;
    }
    const server = this.#protocol.readError(payload);
    let error: SDKError;
    if (server !== undefined) {
      const code = errorCode(this.#protocol, server.type);
      error = new SDKError(code, server.message === '' ? server.type : server.message, { type: server.type, details: payload });
    } else {
      error = new SDKError(RuntimeErrorCodes.INVALID_RESPONSE, 'invalid error response', { details: payload });
      this.#targets.error({ code: error.code, message: error.message, frame: excerpt(text) });
    }
    if (!ours) {
      // An error about no request of ours (a frame the server could not read): report it.
      if (server !== undefined) {
        this.#targets.error({ code: error.code, message: `the server reported: ${error.message}`, frame: excerpt(text), cause: error });
      }
      return;
    }
    this.#pending.reject(id, error);
  }
}
