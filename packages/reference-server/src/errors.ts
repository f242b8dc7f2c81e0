// The two ways a request can fail on purpose: a protocol error the client is told about (one of the
// spec's error types), and an outgoing frame that breaks the spec (a server bug, caught when
// `validateOutgoing` is on).
import type { ValidationIssue } from '@customer-chat/validators';
import type { ErrorType } from './gen/protocol.js';

/** A failure the client receives as an error frame; handlers and the store throw it. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly type: ErrorType;
  /** JSON pointer to the offending field of the request frame, for `validation` errors. */
  readonly pointer: string | undefined;

  constructor(type: ErrorType, message: string, pointer?: string) {
    super(message);
    this.type = type;
    this.pointer = pointer;
  }

  /** The `error` object of the error frame (`pointer` only when there is one). */
  toPayload(): { type: ErrorType; message: string; pointer?: string } {
    return this.pointer === undefined ? { type: this.type, message: this.message } : { type: this.type, message: this.message, pointer: this.pointer };
  }
}

/** One outgoing frame that failed its schema. */
export interface OutgoingViolation {
  /** The key of the validator in the generated `outgoingFrameValidators`, e.g. `push_new_event`. */
  readonly validator: string;
  readonly frame: unknown;
  readonly errors: readonly ValidationIssue[];
}

/** Thrown instead of sending a frame that breaks the spec (only with `validateOutgoing: true`). */
export class OutgoingFrameError extends Error {
  override readonly name = 'OutgoingFrameError';
  readonly violation: OutgoingViolation;

  constructor(violation: OutgoingViolation) {
    const issues = violation.errors.map((e) => `${e.path === '' ? '(frame)' : e.path} ${e.message}`).join('; ');
    super(`the server built an invalid ${violation.validator} frame: ${issues}`);
    this.violation = violation;
  }
}

/** Describes validation issues in one line: `/payload/limit must be <= 25; ...`. */
export function describeIssues(errors: readonly ValidationIssue[]): string {
  const lines = errors.map((e) => `${e.path === '' ? '(frame)' : e.path} ${e.message}`);
  return [...new Set(lines)].join('; ');
}

/**
 * Thrown by a handler that ended the connection itself (a login over the customer's connection
 * limit): the session is over, so the request gets no answer.
 */
export class SessionEndedError extends Error {
  override readonly name = 'SessionEndedError';
}
