// Fault injection, for testing how a client copes with a bad network or a misbehaving server.
import { ProtocolError } from './errors.js';
import type { SessionRegistry } from './sessions.js';

export interface Faults {
  /** Drops a customer's connections (all connections without an id) without a close frame; returns how many. */
  dropConnections(customerId?: string): number;
  /**
   * Delays every reply by `ms` milliseconds from now on (0 turns the delay off), errors included;
   * only `pending_requests_limit_reached` still comes at once (the limit bounds what a connection
   * makes the server hold).
   */
  setReplyDelay(ms: number): void;
  /** The current reply delay in milliseconds. */
  readonly replyDelayMs: number;
  /** Sends `text` as is (no JSON, no schema check) to every connection of a customer; returns how many. */
  sendRaw(customerId: string, text: string): number;
}

export function createFaults(sessions: SessionRegistry, initialDelayMs: number): Faults {
  let replyDelayMs = checkDelay(initialDelayMs);
  return {
    dropConnections: (customerId) => sessions.terminate(customerId),
    setReplyDelay(ms) {
      replyDelayMs = checkDelay(ms);
    },
    get replyDelayMs() {
      return replyDelayMs;
    },
    sendRaw(customerId, text) {
      if (typeof text !== 'string') throw new ProtocolError('validation', 'the raw frame must be a string');
      return sessions.sendRaw(customerId, text);
    },
  };
}

function checkDelay(ms: number): number {
  // setTimeout cannot wait longer than 2^31-1 ms.
  if (!Number.isInteger(ms) || ms < 0 || ms > 2_147_483_647) throw new ProtocolError('validation', `the reply delay must be a whole number of milliseconds >= 0, not ${String(ms)}`);
  return ms;
}
