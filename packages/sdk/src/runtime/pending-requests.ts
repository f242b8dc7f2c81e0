// Request/response correlation: every request gets a unique id and a promise that a response
// with that id settles, or a timer rejects, so a lost response never leaves a caller hanging.

import { RuntimeErrorCodes, SDKError } from './errors.js';

export interface PendingRequestsOptions {
  /** Default time to wait for a response, in ms. */
  timeout: number;
  /**
   * Called when `resolve` or `reject` names an id that is not pending (a late response after a
   * timeout, a server bug): reported, not thrown, since the caller is usually a frame handler.
   */
  onUnknown?: ((id: string, outcome: 'resolve' | 'reject') => void) | undefined;
  /** Called once a request is settled, whatever the way (lets the owner drop its own records). */
  onSettled?: ((id: string) => void) | undefined;
}

interface Entry {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

export class PendingRequests {
  readonly #entries = new Map<string, Entry>();
  readonly #options: PendingRequestsOptions;
  #counter = 0;
  // A per-instance prefix keeps ids unique across client instances sharing a server log.
  readonly #prefix = Math.random().toString(36).slice(2, 8);

  constructor(options: PendingRequestsOptions) {
    this.#options = options;
  }

  /** How many requests wait for their response. */
  get size(): number {
    return this.#entries.size;
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** Registers a request: its id and a promise settled by `resolve`/`reject` or the timeout. */
  create(timeout: number = this.#options.timeout): { id: string; promise: Promise<unknown> } {
    this.#counter += 1;
    const id = `${this.#prefix}-${this.#counter}`;
    const promise = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#settle(id)?.reject(
          new SDKError(RuntimeErrorCodes.REQUEST_TIMEOUT, `no response within ${timeout} ms`),
        );
      }, timeout);
      this.#entries.set(id, { resolve, reject, timer });
    });
    return { id, promise };
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

  /** Rejects every pending request, each with its own error (stacks stay distinct). */
  rejectAll(makeError: (id: string) => unknown): void {
    for (const id of [...this.#entries.keys()]) this.#settle(id)?.reject(makeError(id));
  }

  #settle(id: string): Entry | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    clearTimeout(entry.timer);
    this.#entries.delete(id);
    this.#options.onSettled?.(id);
    return entry;
  }
}
