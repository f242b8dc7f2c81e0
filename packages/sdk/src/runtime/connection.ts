// The connection state machine: the client's states, one socket per attempt, the transitions
// between them, the handshake deadline and reconnection with back-off.

import type { Backoff, BackoffOptions } from './backoff.js';
import { type ClientErrorEvent, RuntimeErrorCodes, SDKError, destroyedError, isSDKError } from './errors.js';
import { describe } from './helpers.js';
import type { Reaction } from './protocol.js';
import { type WebSocketConstructor, type WebSocketLike, listen } from './socket.js';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'destroyed';

export interface ReconnectOptions extends BackoffOptions {
  /**
   * Called each time a reconnection attempt is scheduled, with its delay in ms and its number
   * since the back-off last started over (1, 2, ...): for a "reconnecting in N s" display.
   */
  onRetryScheduled?: ((delay: number, attempt: number) => void) | undefined;
}

/** What the connection asks of the client it belongs to. */
export interface ConnectionHooks {
  /** A socket opened: run the handshake on it (it counts while `isCurrent(generation)`). */
  opened(generation: number): void;
  /** A message arrived on the current socket. */
  message(data: unknown): void;
  /** The socket is gone: fail the requests that went out on it, each with `makeError()`. */
  socketGone(makeError: () => SDKError): void;
  /** The client stopped (disconnected or destroyed): fail every request, each with `makeError()`. */
  stopped(makeError: () => SDKError): void;
  /** A connection that was up is lost (announce it). */
  lost(): void;
  /** A problem that is nobody's rejection (a socket that cannot be opened). */
  error(event: ClientErrorEvent): void;
}

export interface ConnectionOptions {
  WebSocket: WebSocketConstructor;
  url: string;
  /** Undefined when reconnection is disabled. */
  backoff: Backoff | undefined;
  /** Called with each scheduled reconnection delay (see `ReconnectOptions.onRetryScheduled`). */
  onRetryScheduled?: ((delay: number, attempt: number) => void) | undefined;
  /** How long socket open + handshake may take before the attempt is abandoned, in ms. */
  handshakeTimeout: number;
  /** How long a session must have been up for its end to start the back-off over, in ms. */
  minUptimeForBackoffReset: number;
  hooks: ConnectionHooks;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting (autoConnect): a failure must not become an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export class Connection {
  readonly #WebSocket: WebSocketConstructor;
  readonly #url: string;
  readonly #backoff: Backoff | undefined;
  readonly #onRetryScheduled: ((delay: number, attempt: number) => void) | undefined;
  readonly #handshakeTimeout: number;
  readonly #minUptime: number;
  readonly #hooks: ConnectionHooks;

  #state: ConnectionState = 'idle';
  #socket: WebSocketLike | undefined;
  /** Bumped whenever the client gives up a socket: events of older sockets are ignored. */
  #generation = 0;
  /** Whether this run had a connection: the next handshake emits `restored`, not `connected`. */
  #wasConnected = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** The deadline of the handshake under way. */
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the current session came up (Date.now()); undefined while there is none. */
  #upSince: number | undefined;
  /** What `connect()` callers wait on while connecting. */
  #waiter: Deferred | undefined;

  constructor(options: ConnectionOptions) {
    this.#WebSocket = options.WebSocket;
    this.#url = options.url;
    this.#backoff = options.backoff;
    this.#onRetryScheduled = options.onRetryScheduled;
    this.#handshakeTimeout = options.handshakeTimeout;
    this.#minUptime = options.minUptimeForBackoffReset;
    this.#hooks = options.hooks;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /**
   * Whether this run of the client had a session: attempts are then the client's own
   * reconnections, not the connection `connect()` (or autoConnect) asked for.
   */
  get hadSession(): boolean {
    return this.#wasConnected;
  }

  /** Whether the socket of `generation` is still the current one. */
  isCurrent(generation: number): boolean {
    return generation === this.#generation;
  }

  /** Connects (idempotent); resolves once connected, rejects if the client gives up first. */
  connect(): Promise<void> {
    switch (this.#state) {
      case 'destroyed':
        return Promise.reject(destroyedError());
      case 'connected':
        return Promise.resolve();
      case 'connecting':
      case 'reconnecting':
        return (this.#waiter ??= deferred()).promise;
      case 'idle':
      case 'disconnected': {
        const waiter = (this.#waiter ??= deferred());
        this.#state = 'connecting';
        this.#open();
        return waiter.promise;
      }
    }
  }

  /** Sends on the current socket; throws when there is none or it refuses. */
  send(text: string): void {
    if (this.#socket === undefined) throw new Error('no socket');
    this.#socket.send(text);
  }

  /**
   * The handshake succeeded: connected. Returns whether it is a reconnection (`restored`). The
   * back-off starts over only once the session has lasted `minUptimeForBackoffReset` (see #sessionOver).
   */
  up(): boolean {
    const restored = this.#wasConnected;
    this.#wasConnected = true;
    this.#state = 'connected';
    this.#clearHandshakeTimer();
    this.#upSince = Date.now();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve();
    return restored;
  }

  /** The handshake on the current socket failed for a passing cause: retried with back-off (if on). */
  handshakeFailed(error: unknown): void {
    this.#abandonSocket();
    this.#linkDown(error);
  }

  /**
   * The server ended the session: gives the socket up, fails what went out on it, then reacts;
   * `announce` reports it once the state says what comes next.
   */
  end(reaction: Reaction, makeError: () => SDKError, announce: () => void): void {
    // Nothing useful can come on this socket any more; the server closes it anyway.
    this.#abandonSocket();
    this.#sessionOver();
    this.#hooks.socketGone(makeError);
    if (reaction === 'destroy') {
      this.stop('destroyed', destroyedError);
      announce();
    } else if (reaction === 'reconnect' && this.#backoff !== undefined) {
      this.#reconnect(announce);
    } else {
      this.stop('disconnected', makeError);
      announce();
    }
  }

  /**
   * Ends the connection and every request; the client stays put until `connect()` (or for good),
   * and the back-off starts over there. A `connect()` under way rejects with `waiterError`.
   */
  stop(state: 'disconnected' | 'destroyed', makeError: () => SDKError, waiterError: unknown = makeError()): void {
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#clearHandshakeTimer();
    this.#abandonSocket();
    this.#state = state;
    this.#wasConnected = false;
    this.#upSince = undefined;
    this.#backoff?.reset();
    this.#hooks.stopped(makeError);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(waiterError);
  }

  #open(): void {
    const generation = ++this.#generation;
    this.#armHandshakeTimer(generation);
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(this.#url);
    } catch (error) {
      // The constructor refused (a malformed URL, a page that may not open ws://): treated like a
      // failed open, then reported once the state says what comes next (a listener may disconnect
      // or destroy, and that must stand).
      this.#linkDown(error);
      this.#hooks.error({ code: RuntimeErrorCodes.CONNECTION_LOST, message: `cannot open the socket: ${describe(error)}`, cause: error });
      return;
    }
    this.#socket = socket;
    try {
      // Binary messages as ArrayBuffer (decodable synchronously), never as a Blob.
      socket.binaryType = 'arraybuffer';
    } catch {
      // An implementation without binaryType only sends text anyway.
    }
    listen(socket, {
      open: () => {
        if (this.isCurrent(generation)) this.#hooks.opened(generation);
      },
      message: (data) => {
        if (this.isCurrent(generation)) this.#hooks.message(data);
      },
      close: (code, reason) => {
        if (!this.isCurrent(generation)) return;
        const attempt = this.#state !== 'connected';
        this.#linkDown();
        // An attempt that ends before its session is up says so (a session's end is connection_lost),
        // once the state says what comes next, as the handshake deadline does.
        if (attempt) this.#hooks.error({ code: RuntimeErrorCodes.CONNECTION_LOST, message: `the connection attempt failed: the socket closed (${code}${reason === '' ? '' : ` ${reason}`})` });
      },
      // Always followed by `close`, which does the work; the event carries no detail.
      error: () => undefined,
    });
  }

  /** Open + handshake must be done within `handshakeTimeout`, else the attempt is given up like a lost link. */
  #armHandshakeTimer(generation: number): void {
    this.#clearHandshakeTimer();
    this.#handshakeTimer = setTimeout(() => {
      this.#handshakeTimer = undefined;
      if (!this.isCurrent(generation) || this.#state === 'connected') return;
      const error = new SDKError(RuntimeErrorCodes.CONNECTION_LOST, `the connection handshake did not complete within ${this.#handshakeTimeout} ms`);
      this.#abandonSocket();
      this.#linkDown(error);
      // Reported once the state says what comes next (a listener may disconnect or destroy).
      this.#hooks.error({ code: error.code, message: error.message });
    }, this.#handshakeTimeout);
  }

  #clearHandshakeTimer(): void {
    if (this.#handshakeTimer !== undefined) clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
  }

  /**
   * A session (or an attempt) ended: the back-off starts over only if a session lasted long
   * enough, so a server that accepts and drops at once sees growing delays, not a storm.
   */
  #sessionOver(): void {
    if (this.#upSince !== undefined && Date.now() - this.#upSince >= this.#minUptime) this.#backoff?.reset();
    this.#upSince = undefined;
  }

  /** Gives the current socket up: its later events are ignored. */
  #abandonSocket(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#generation += 1;
    try {
      socket?.close(1000);
    } catch {
      // Already closing or closed.
    }
  }

  /** The socket closed (or never opened) without the server ending the session. */
  #linkDown(cause?: unknown): void {
    const wasConnected = this.#state === 'connected';
    this.#socket = undefined;
    this.#generation += 1;
    this.#clearHandshakeTimer();
    this.#sessionOver();
    // One error per request (stacks stay distinct), each keeping the cause when there is one.
    const lost = (): SDKError => new SDKError(RuntimeErrorCodes.CONNECTION_LOST, 'the connection was lost', cause === undefined ? {} : { cause });
    this.#hooks.socketGone(lost);
    const announce = (): void => {
      if (wasConnected) this.#hooks.lost();
    };
    if (this.#backoff === undefined) {
      // Giving up: what is left fails with why (the deadline, the server's refusal...).
      this.stop('disconnected', () => (isSDKError(cause) ? new SDKError(cause.code, cause.message, { type: cause.type, details: cause.details, cause }) : lost()));
      announce();
      return;
    }
    this.#reconnect(announce);
  }

  /** State first, so the listeners of `announce` see 'reconnecting' (and may disconnect or destroy). */
  #reconnect(announce: () => void): void {
    this.#state = 'reconnecting';
    announce();
    if (this.#state === 'reconnecting') this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#backoff === undefined || this.#reconnectTimer !== undefined) return;
    const delay = this.#backoff.next();
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#state === 'reconnecting' && this.#socket === undefined) this.#open();
    }, delay);
    try {
      this.#onRetryScheduled?.(delay, this.#backoff.attempts);
    } catch (error) {
      this.#hooks.error({ code: RuntimeErrorCodes.LISTENER_ERROR, message: `onRetryScheduled threw: ${describe(error)}`, cause: error });
    }
  }
}
