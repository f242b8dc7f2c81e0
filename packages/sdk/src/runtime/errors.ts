// The one error class of the SDK. Every failure carries a stable `code` so applications branch on
// codes, never on messages. The runtime knows no protocol: the generated layer narrows `Code` to
// the spec's `ClientErrorCode` and checks at compile time that it lists every code raised here.

import type { ValidationIssue } from './protocol.js';

/**
 * The codes of the failures the runtime detects itself. Server failures use the code the
 * protocol maps the server's error type to (`ProtocolDescription.errorCodes`).
 */
export const RuntimeErrorCodes = {
  /** The link dropped while the request was waiting for its response. */
  CONNECTION_LOST: 'CONNECTION_LOST',
  /** No response came within `requestTimeout`. */
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  /** The arguments failed the request's schema (or were not JSON); nothing was sent. */
  INVALID_ARGS: 'INVALID_ARGS',
  /** The client was destroyed. */
  DESTROYED: 'DESTROYED',
  /** A frame from the server was not JSON, was unknown or failed its schema; it was dropped. */
  INVALID_FRAME: 'INVALID_FRAME',
  /** A response (or an error response) failed its schema. */
  INVALID_RESPONSE: 'INVALID_RESPONSE',
  /**
   * The server refused the credentials. Also the code a server `authentication` error maps to;
   * the runtime retries a failed login once with a fresh token on this code.
   */
  AUTHENTICATION: 'AUTHENTICATION',
  /** An event listener threw; reported through the `error` event only (never a rejection). */
  LISTENER_ERROR: 'LISTENER_ERROR',
  /** The caller's AbortSignal aborted the operation (an upload). */
  CANCELLED: 'CANCELLED',
  /** An HTTP upload got no answer (a network failure). */
  UPLOAD_FAILED: 'UPLOAD_FAILED',
} as const;

export type RuntimeErrorCode = (typeof RuntimeErrorCodes)[keyof typeof RuntimeErrorCodes];

export interface SDKErrorOptions {
  /** The server's error type, for errors the server answered with. */
  type?: string | undefined;
  /** Anything that helps understand the failure: validation issues, the server's error payload. */
  details?: unknown;
  cause?: unknown;
}

export class SDKError<Code extends string = string> extends Error {
  /** A `RuntimeErrorCode`, or the code the protocol maps a server error type to. */
  readonly code: Code;
  // `declare`: no class field, so the two exist only when given (a field would define them as
  // undefined on every error, and `'type' in error` would no longer tell server errors apart).
  /** The server's error type when the server answered with an error. */
  declare readonly type?: string;
  declare readonly details?: unknown;

  constructor(code: Code, message: string, options: SDKErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SDKError';
    this.code = code;
    // Assigned only when given, so `'type' in error` tells server errors apart.
    if (options.type !== undefined) this.type = options.type;
    if (options.details !== undefined) this.details = options.details;
  }
}

/** What every call on a destroyed client fails with. */
export function destroyedError(): SDKError {
  return new SDKError(RuntimeErrorCodes.DESTROYED, 'the client was destroyed');
}

/** Whether `error` is an SDKError, optionally with the given code. */
export function isSDKError<Code extends string = string>(error: unknown, code?: Code): error is SDKError<Code> {
  return error instanceof SDKError && (code === undefined || error.code === code);
}

/** The payload of the `error` event: problems that are nobody's rejection (bad frames, listeners). */
export interface ClientErrorEvent {
  /** A `RuntimeErrorCode` (`INVALID_FRAME`, `INVALID_RESPONSE`, `LISTENER_ERROR`...) or a server code. */
  code: string;
  message: string;
  /** The offending frame as received (truncated), for frame problems. */
  frame?: string;
  /** The validation issues, for frames or responses that failed their schema. */
  errors?: ValidationIssue[];
  /** The underlying error (what a listener threw, the server error...). */
  cause?: unknown;
}
