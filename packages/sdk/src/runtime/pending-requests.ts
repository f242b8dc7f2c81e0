// The pending requests, in one map: by id, the record of each request, the promise its response settles and its timeout.

import { RuntimeErrorCodes, SDKError } from './errors.js';
import type { RequestDescription } from './protocol.js';

/** The client's record of a pending request: what it needs to send it and to read its response. */
export interface Call {
  operation: string;
  description: RequestDescription;
  /** The encoded request frame. */
  text: string;
  /** Whether it went out on the current socket (only those can get a response on it). */
  sent: boolean;
  /**
   * Whether it waits in the offline queue (made while not connected, with `offlineQueue` on): it
   * goes out on the next session, whichever attempt sets it up. Otherwise an unsent request
   * belongs to the connection attempt under way and fails with it.
   */
  queued: boolean;
}

export interface PendingRequestsOptions<Data = undefined> {
  /** Default time to wait for a response, in ms. */
  timeout: number;
  /**
   * Called when `resolve` or `reject` names an id that is not pending (a late response after a
   * timeout, a server bug): reported, not thrown, since the caller is usually a frame handler.
   */
  onUnknown?: ((id: string, outcome: 'resolve' | 'reject') => void) | undefined;
  /** Called once a request is settled, whatever the way; `timedOut` when no answer came in time. */
  onSettled?: ((id: string, timedOut: boolean) => void) | undefined;
  /** The error a request that timed out rejects with; default (or undefined) REQUEST_TIMEOUT "no response within N ms". */
  timeoutError?: ((record: Data, timeout: number) => unknown) | undefined;
}

interface Entry<Data> {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
  record: Data;
}

export class PendingRequests<Data = undefined> {
  readonly #entries = new Map<string, Entry<Data>>();
  readonly #options: PendingRequestsOptions<Data>;
  #counter = 0;
  // A per-instance prefix keeps ids unique across client instances sharing a server log.
  readonly #prefix = Math.random().toString(36).slice(2, 8);

  constructor(options: PendingRequestsOptions<Data>) {
    this.#options = options;
  }

  /** How many requests wait for their response. */
  get size(): number {
    return this.#entries.size;
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** The record kept with a pending request; undefined when the id is not pending. */
  get(id: string): Data | undefined {
    return this.#entries.get(id)?.record;
  }

  /** Every pending request as `[id, record]`, oldest first; a copy, so settling meanwhile is safe. */
  list(): [id: string, record: Data][] {
    return [...this.#entries].map(([id, entry]) => [id, entry.record]);
  }

  /**
   * Registers a request: a fresh id, the record kept with it (made by `makeRecord` from the id) and
   * a promise settled by `resolve`/`reject` or the timeout. If `makeRecord` throws, nothing is registered.
   */
  create(
    timeout: number = this.#options.timeout,
    makeRecord?: (id: string) => Data,
  ): { id: string; promise: Promise<unknown>; record: Data } {
    this.#counter += 1;
    const id = `${this.#prefix}-${this.#counter}`;
    const record = makeRecord?.(id) as Data;
    const promise = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        const entry = this.#settle(id, true);
        if (entry === undefined) return;
        entry.reject(
          this.#options.timeoutError?.(entry.record, timeout) ??
            new SDKError(RuntimeErrorCodes.REQUEST_TIMEOUT, `no response within ${timeout} ms`),
        );
      }, timeout);
      this.#entries.set(id, { resolve, reject, timer, record });
    });
    return { id, promise, record };
  }

  /** Settles a request with its result; `false` (and `onUnknown`) when the id is not pending. */
  resolve(id: string, value: unknown): boolean {
    const entry = this.#settle(id);
    if (entry === undefined) {
      this.#options.onUnknown?.(id, 'resolve');
      return false;
    }
    entry.resolve(value);
    return true;
  }

  /** Rejects a request; `false` (and `onUnknown`) when the id is not pending. */
  reject(id: string, error: unknown): boolean {
    const entry = this.#settle(id);
    if (entry === undefined) {
      this.#options.onUnknown?.(id, 'reject');
      return false;
    }
    entry.reject(error);
    return true;
  }

  /**
   * Settles a request now (its timeout stops, a later answer is unknown) and gives the function
   * that rejects it, for an error that takes a moment to build; undefined when the id is not pending.
   */
  detach(id: string): ((error: unknown) => void) | undefined {
    return this.#settle(id)?.reject;
  }

  /** Rejects every pending request, each with its own error (stacks stay distinct). */
  rejectAll(makeError: (id: string) => unknown): void {
    for (const id of [...this.#entries.keys()]) this.#settle(id)?.reject(makeError(id));
  }

  #settle(id: string, timedOut = false): Entry<Data> | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    clearTimeout(entry.timer);
    this.#entries.delete(id);
    this.#options.onSettled?.(id, timedOut);
    return entry;
  }
}
