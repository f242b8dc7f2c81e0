// The inbound frame router: decodes each frame, classifies it (response, error, push), checks its payload and dispatches it.

import { type ClientErrorEvent, RuntimeErrorCodes, SDKError } from './errors.js';
import { own, summarize } from './helpers.js';
import type { Call, PendingRequests } from './pending-requests.js';
import type { IncomingFrame, ProtocolDescription, Validate, ValidationIssue } from './protocol.js';
import { messageText } from './socket.js';

/** The check of a payload against its message, or undefined when validation is off or absent. */
export type Check = (message: string, data: unknown) => ReturnType<Validate> | undefined;

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

export class FrameRouter {
  readonly #protocol: ProtocolDescription;
  readonly #pending: PendingRequests<Call>;
  readonly #check: Check;
  readonly #targets: FrameTargets;

  constructor(protocol: ProtocolDescription, pending: PendingRequests<Call>, check: Check, targets: FrameTargets) {
    this.#protocol = protocol;
    this.#pending = pending;
    this.#check = check;
    this.#targets = targets;
  }

  /** Handles one message of the socket: settles a pending request, emits an event or reports a problem. */
  route(data: unknown): void {
    const text = messageText(data);
    if (text === undefined) {
      this.#targets.error({ code: RuntimeErrorCodes.INVALID_FRAME, message: 'a frame that is not text' });
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.#invalidFrame('a frame that is not JSON', text);
      return;
    }
    let incoming: IncomingFrame;
    try {
      incoming = this.#protocol.classify(frame);
    } catch {
      incoming = { kind: 'unknown' };
    }
    switch (incoming.kind) {
      case 'push':
        this.#onPush(incoming.action, incoming.payload, text);
        return;
      case 'response':
        this.#onResponse(incoming.id, incoming.payload, text);
        return;
      case 'error':
        this.#onErrorResponse(incoming.id, incoming.payload, text);
        return;
      case 'unknown':
        this.#invalidFrame('a frame of no known kind', text);
        return;
    }
  }

  #invalidFrame(message: string, text: string, errors?: ValidationIssue[]): void {
    const event: ClientErrorEvent = { code: RuntimeErrorCodes.INVALID_FRAME, message: `dropped ${message}`, frame: excerpt(text) };
    if (errors !== undefined) event.errors = errors;
    this.#targets.error(event);
  }

  #onPush(action: string, payload: unknown, text: string): void {
    const push = own(this.#protocol.pushes, action);
    if (push === undefined) {
      this.#invalidFrame(`an unknown push "${action}"`, text);
      return;
    }
    let value = payload;
    const checked = this.#check(push.message, payload);
    if (checked !== undefined) {
      if (!checked.ok) {
        this.#invalidFrame(`an invalid "${action}" push: ${summarize(checked.errors)}`, text, checked.errors);
        return;
      }
      value = checked.value;
    }
    if (push.endsSession !== undefined) this.#targets.endSession(push.endsSession.payload, value);
    else this.#targets.emit(push.event, value);
  }

  #onResponse(id: string, payload: unknown, text: string): void {
    const call = this.#pending.get(id);
    if (call === undefined || !call.sent) {
      // A late answer after a timeout, or a server bug.
      this.#invalidFrame(`a response to an unknown request "${id}"`, text);
      return;
    }
    const checked = this.#check(call.description.response, payload);
    if (checked === undefined) {
      this.#pending.resolve(id, payload);
      return;
    }
    if (checked.ok) {
      this.#pending.resolve(id, checked.value);
      return;
    }
    const message = `invalid response to "${call.operation}": ${summarize(checked.errors)}`;
    this.#targets.error({ code: RuntimeErrorCodes.INVALID_RESPONSE, message, frame: excerpt(text), errors: checked.errors });
    this.#pending.reject(id, new SDKError(RuntimeErrorCodes.INVALID_RESPONSE, message, { details: checked.errors }));
  }

  #onErrorResponse(id: string | null, payload: unknown, text: string): void {
    const call = id === null ? undefined : this.#pending.get(id);
    const checked = this.#check(this.#protocol.errorMessage, payload);
    const server = checked === undefined || checked.ok ? this.#protocol.readError(payload) : undefined;
    let error: SDKError;
    if (server !== undefined) {
      const code = own(this.#protocol.errorCodes, server.type) ?? server.type.toUpperCase();
      error = new SDKError(code, server.message === '' ? server.type : server.message, { type: server.type, details: payload });
    } else {
      const issues = checked !== undefined && !checked.ok ? checked.errors : undefined;
      error = new SDKError(
        RuntimeErrorCodes.INVALID_RESPONSE,
        `invalid error response${issues === undefined ? '' : `: ${summarize(issues)}`}`,
        { details: issues ?? payload },
      );
      const event: ClientErrorEvent = { code: error.code, message: error.message, frame: excerpt(text) };
      if (issues !== undefined) event.errors = issues;
      this.#targets.error(event);
    }
    if (call === undefined || !call.sent || id === null) {
      // An error about no request of ours (a frame the server could not read): report it.
      if (server !== undefined) {
        this.#targets.error({ code: error.code, message: `the server reported: ${error.message}`, frame: excerpt(text), cause: error });
      }
      return;
    }
    this.#pending.reject(id, error);
  }
}
