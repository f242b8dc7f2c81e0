// ClientCore: the client as the composition of the connection state machine, the pending requests and the inbound frame router.
// Besides wiring them it holds the events API, sending requests and the login handshake. Everything
// protocol-specific (action and event names, frame layout, error types, disconnection reasons)
// comes from the ProtocolDescription the generated layer passes in; the generated client
// subclasses this class and adds one typed method per request.

import { createBackoff } from './backoff.js';
import { Connection, type ConnectionState, type ReconnectOptions } from './connection.js';
import { Emitter, type EventTuple, type Handler, type Unsubscribe, type WildcardHandler } from './emitter.js';
import { type ClientErrorEvent, RuntimeErrorCodes, SDKError, destroyedError, isSDKError } from './errors.js';
import { Checks } from './checks.js';
import { FrameRouter } from './frame-router.js';
import { LinkWatch } from './link-watch.js';
import { readToken } from './token.js';
import { describe, own, summarize } from './helpers.js';
import { readPointer } from './json-pointer.js';
import { type InteropObservable, defineObservable } from './observable.js';
import { type Call, PendingRequests } from './pending-requests.js';
import type { ProtocolDescription, Reaction } from './protocol.js';
import type { WebSocketConstructor } from './socket.js';

export type { ClientErrorEvent } from './errors.js';
export type { ConnectionState, ReconnectOptions } from './connection.js';

/** The rejection of a request that never left: CONNECTION_LOST, "not sent: ...", `details.sent` false. */
function notSent(why: string, details?: unknown, cause?: unknown): SDKError {
  return new SDKError(RuntimeErrorCodes.CONNECTION_LOST, `not sent: ${why}`, { details: { ...(details as object | undefined), sent: false }, cause });
}

/** The entries of `options` that are not undefined (an option left undefined takes its default). */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * An option's value, or `fallback` when it is left out. Only undefined takes the default: null is
 * a value like any other, refused by the option's check (a `?? default` would hide it).
 */
function given<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/** An option's value, or INVALID_ARGS naming the option and the value when it is not `ok`. */
export function option<T>(name: string, value: T, ok: boolean): T {
  if (!ok) throw new SDKError(RuntimeErrorCodes.INVALID_ARGS, `invalid ${name}: ${describe(value)}`);
  return value;
}

/**
 * A delay option in ms: a number above 0 (or 0 itself when `zero` is allowed) and below 2^31, the
 * longest delay setTimeout takes (a longer one fires at once).
 */
export function delayOption<T>(name: string, value: T, zero = false): T {
  return option(name, value, typeof value === 'number' && (zero ? value >= 0 : value > 0) && value < 2 ** 31);
}

/** The socket's URL from the `url` and `query` options: a ws, wss, http or https URL, or INVALID_ARGS saying why not. */
function socketUrl(protocol: ProtocolDescription, options: ClientOptions): string {
  if (typeof options.url !== 'string') throw new SDKError(RuntimeErrorCodes.INVALID_ARGS, `invalid url ${describe(options.url)}: not a string`);
  let url: string;
  try {
    url = protocol.socketUrl(options.url, options.query ?? {});
  } catch (error) {
    throw new SDKError(RuntimeErrorCodes.INVALID_ARGS, `invalid url ${JSON.stringify(options.url)}: ${describe(error)}`, { cause: error });
  }
  // What a WebSocket opens (http and https stand for ws and wss); anything else would fail on every attempt.
  if (!/^(wss?|https?):/i.test(url)) throw new SDKError(RuntimeErrorCodes.INVALID_ARGS, `invalid url ${JSON.stringify(options.url)}: not a ws, wss, http or https URL`);
  return url;
}

/** The events a client emits: the protocol's events plus `error`. */
export type ClientEvents<Events> = Events & { error: ClientErrorEvent };

/** Requests by operation: the arguments they take and the result they resolve with. */
export type RequestMap<Requests> = { [K in keyof Requests]: { args: unknown; result: unknown } };

export interface ClientOptions {
  /** The server's base URL, e.g. `wss://chat.example.com` (the protocol adds the path). */
  url: string;
  /** Connection options the protocol puts in the socket URL, e.g. `{ licenseId }`. */
  query?: Readonly<Record<string, string>> | undefined;
  /** Gives the access token; called on every login (and once more when the server refuses it). */
  getToken: () => string | Promise<string>;
  /** A WebSocket class (browser-native or `ws`); default `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor | undefined;
  /** How long a request waits for its response, in ms (default: the protocol's policy, `requestTimeoutMs`). */
  requestTimeout?: number | undefined;
  /** Reconnection back-off (defaults: the protocol's policy, `reconnect`), or `false` for none. */
  reconnect?: boolean | ReconnectOptions | undefined;
  /**
   * How long one connection attempt (socket open, login, ready request) may take, in ms (default:
   * the protocol's policy, `handshakeTimeoutMs`); past it the attempt is abandoned and retried with back-off.
   */
  handshakeTimeout?: number | undefined;
  /**
   * How long a session must have lasted for the back-off to start over when it ends, in ms
   * (default: the protocol's policy, `reconnect.minUptimeForResetMs`): a server that accepts and
   * drops at once gets growing delays.
   */
  minUptimeForBackoffReset?: number | undefined;
  /**
   * Requests made while not connected fail at once with CONNECTION_LOST ("not sent: ...") unless
   * this is set: then up to `max` of them wait, in order, for the next session (their timeout
   * still runs); more fail at once.
   */
  offlineQueue?: { max: number } | undefined;
  /**
   * How long a request may wait for its response before the client emits the protocol's
   * `unstable` event (and its `recovered` event once none waits that long), in ms (default: the
   * protocol's policy, `unstableAfterMs`), or `false` for neither.
   */
  unstableAfter?: number | false | undefined;
  /** Validate every incoming payload (and outgoing arguments) with the protocol's validators (default true). */
  validate?: boolean | undefined;
  /** Extra login arguments sent besides the token. */
  loginArguments?: Readonly<Record<string, unknown>> | undefined;
  /** Connect right after construction (default true); else call `connect()`. */
  autoConnect?: boolean | undefined;
}

// The implementation signatures take any handler; the overloads carry the types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = (...args: any[]) => void;

export interface ClientCore<Events extends object, Requests extends RequestMap<Requests>> {
  /** Observable interop: every event, `error` included, as a `[name, payload]` tuple. */
  [Symbol.observable](): InteropObservable<EventTuple<ClientEvents<Events>>>;
}

export class ClientCore<Events extends object, Requests extends RequestMap<Requests>> {
  readonly #protocol: ProtocolDescription;
  readonly #getToken: () => string | Promise<string>;
  readonly #loginArguments: Readonly<Record<string, unknown>>;
  readonly #checks: Checks;
  readonly #emitter: Emitter<Record<string, unknown>>;
  readonly #pending: PendingRequests<Call>;
  readonly #connection: Connection;
  readonly #router: FrameRouter;
  readonly #offlineQueue: { max: number } | undefined;
  /** Undefined when the protocol has no unstable-link events or the option turns them off. */
  readonly #linkWatch: LinkWatch | undefined;
  /** Between construction and the autoConnect microtask: requests made then wait for that connection. */
  #autoConnectPending = false;

  constructor(protocol: ProtocolDescription, options: ClientOptions) {
    this.#protocol = protocol;
    if (options.WebSocket !== undefined) option('WebSocket', options.WebSocket, typeof options.WebSocket === 'function');
    const WebSocketClass = given(options.WebSocket, (globalThis as { WebSocket?: WebSocketConstructor | undefined }).WebSocket);
    if (typeof WebSocketClass !== 'function') {
      throw new SDKError(
        RuntimeErrorCodes.INVALID_ARGS,
        'No WebSocket implementation: this environment has no global WebSocket. Pass one as the ' +
          '`WebSocket` option, e.g. `import { WebSocket } from "ws"` on Node.js before 22.',
      );
    }
    if (typeof options.getToken !== 'function') {
      throw new SDKError(RuntimeErrorCodes.INVALID_ARGS, '`getToken` must be a function giving the access token');
    }
    // The protocol's policy gives the defaults; these are the runtime's own when it gives none.
    const policy = protocol.lifecycle.policy;
    const requestTimeout = delayOption('requestTimeout', given(options.requestTimeout, policy?.requestTimeoutMs ?? 15_000));
    const handshakeTimeout = delayOption('handshakeTimeout', given(options.handshakeTimeout, policy?.handshakeTimeoutMs ?? 10_000));
    const minUptimeForBackoffReset = given(options.minUptimeForBackoffReset, policy?.reconnect.minUptimeForResetMs ?? 5_000);
    option('minUptimeForBackoffReset', minUptimeForBackoffReset, typeof minUptimeForBackoffReset === 'number' && minUptimeForBackoffReset >= 0 && minUptimeForBackoffReset < Infinity);
    const queue: { max?: unknown } | undefined = options.offlineQueue;
    option('offlineQueue', queue, queue === undefined || (typeof queue === 'object' && queue !== null));
    this.#offlineQueue = queue && { max: option('offlineQueue.max', queue.max as number, Number.isInteger(queue.max) && (queue.max as number) >= 1) };
    const { unstable, recovered } = protocol.lifecycle.events;
    const unstableAfter = given(options.unstableAfter, policy?.unstableAfterMs ?? 5_000);
    if (unstableAfter !== false) delayOption('unstableAfter', unstableAfter);
    this.#linkWatch =
      unstableAfter === false || unstable === undefined || recovered === undefined
        ? undefined
        : new LinkWatch(unstableAfter, { unstable: () => this.#emit(unstable, undefined), recovered: () => this.#emit(recovered, undefined) });
    this.#getToken = options.getToken;
    // Computed now so a bad URL or a missing query option fails at construction, not later.
    const url = socketUrl(protocol, options);
    const validate = given(options.validate, true);
    this.#checks = new Checks(protocol, option('validate', validate, typeof validate === 'boolean'));
    const loginArguments = given(options.loginArguments, {});
    this.#loginArguments = option('loginArguments', loginArguments, typeof loginArguments === 'object' && loginArguments !== null && !Array.isArray(loginArguments));
    const autoConnect = given(options.autoConnect, true);
    option('autoConnect', autoConnect, typeof autoConnect === 'boolean');
    const reconnect = given(options.reconnect, true);
    option('reconnect', reconnect, typeof reconnect === 'boolean' || (typeof reconnect === 'object' && reconnect !== null));
    const onRetryScheduled = typeof reconnect === 'object' ? reconnect.onRetryScheduled : undefined;
    option('reconnect.onRetryScheduled', onRetryScheduled, onRetryScheduled === undefined || typeof onRetryScheduled === 'function');
    const retry = policy?.reconnect;
    const defaults = retry === undefined ? {} : { initialDelay: retry.initialDelayMs, maxDelay: retry.maxDelayMs, factor: retry.factor, jitter: retry.jitter };
    const backoff = reconnect === false ? undefined : createBackoff(reconnect === true ? defaults : { ...defaults, ...definedOnly(reconnect) });
    this.#emitter = new Emitter({
      onListenerError: (error, name) => {
        // A throwing `error` listener has nowhere left to report to: dropped, never looped.
        if (name === 'error') return;
        this.#emitError({
          code: RuntimeErrorCodes.LISTENER_ERROR,
          message: `a listener of "${name}" threw: ${describe(error)}`,
          cause: error,
        });
      },
    });
    this.#pending = new PendingRequests<Call>({
      timeout: requestTimeout,
      onSettled: (id, timedOut) => this.#linkWatch?.settled(id, timedOut),
      onUnknown: (id) =>
        this.#emitError({ code: RuntimeErrorCodes.INVALID_FRAME, message: `a response to an unknown request "${id}"` }),
      timeoutError: (call, timeout) =>
        call.sent ? undefined : new SDKError(RuntimeErrorCodes.REQUEST_TIMEOUT, `not sent: not connected within ${timeout} ms`, { details: { sent: false } }),
    });
    this.#connection = new Connection({
      WebSocket: WebSocketClass,
      url,
      backoff,
      onRetryScheduled,
      handshakeTimeout,
      minUptimeForBackoffReset,
      hooks: {
        opened: (generation) => void this.#handshake(generation),
        message: (data) => this.#router.route(data),
        socketGone: (makeError) => {
          this.#linkWatch?.reset();
          for (const [id, call] of this.#pending.list()) {
            if (call.sent) this.#pending.reject(id, makeError());
            // Held for the attempt that just failed: it joins the offline queue if there is one
            // with room, else it fails unsent (it never goes out on a later attempt unasked).
            else if (!call.queued && this.#queueRoom()) call.queued = true;
            else if (!call.queued) this.#pending.reject(id, notSent('the connection attempt failed'));
          }
        },
        stopped: (makeError) => {
          this.#linkWatch?.reset();
          const calls = new Map(this.#pending.list());
          this.#pending.rejectAll((id) => {
            const error = makeError();
            if (calls.get(id)?.sent !== false || error.code === RuntimeErrorCodes.DESTROYED) return error;
            // Never left, so safe to send again, whatever ended the attempt: a handshake the
            // server refused or that timed out is the cause, not this request's answer.
            return error.code === RuntimeErrorCodes.CONNECTION_LOST
              ? notSent(error.message, error.details, error.cause)
              : notSent(`the connection attempt failed: ${error.message}`, undefined, error);
          });
          this.onStopped();
        },
        lost: () => this.#emit(protocol.lifecycle.events.lost, undefined),
        error: (event) => this.#emitError(event),
      },
    });
    this.#router = new FrameRouter(protocol, this.#pending, this.#checks, {
      emit: (name, payload) => this.#emit(name, payload),
      endSession: (reasonPointer, payload) => this.#endSession(reasonPointer, payload),
      error: (event) => this.#emitError(event),
    });
    // Deferred to a microtask: listeners attached right after `new` see every event, and a
    // subclass is fully constructed before anything happens.
    if (autoConnect) {
      this.#autoConnectPending = true;
      queueMicrotask(() => {
        this.#autoConnectPending = false;
        if (this.#connection.state === 'idle') this.connect().catch(() => undefined);
      });
    }
  }

  /** Where the connection is: 'idle' (never connected) to 'destroyed' (final). */
  get state(): ConnectionState {
    return this.#connection.state;
  }

  // ---- events ---------------------------------------------------------------------------------

  /** Listens to an event (or to every event with `'*'`); returns a function that stops listening. */
  on<K extends keyof ClientEvents<Events> & string>(name: K, handler: Handler<ClientEvents<Events>[K]>): Unsubscribe;
  on(name: '*', handler: WildcardHandler<ClientEvents<Events>>): Unsubscribe;
  on(name: string, handler: AnyHandler): Unsubscribe {
    return this.#emitter.on(name, handler);
  }

  /** Listens to the next occurrence only; returns a function that cancels. */
  once<K extends keyof ClientEvents<Events> & string>(name: K, handler: Handler<ClientEvents<Events>[K]>): Unsubscribe;
  once(name: '*', handler: WildcardHandler<ClientEvents<Events>>): Unsubscribe;
  once(name: string, handler: AnyHandler): Unsubscribe {
    return this.#emitter.once(name, handler);
  }

  /** Stops one listener, or every listener of the event when `handler` is left out. */
  off<K extends keyof ClientEvents<Events> & string>(name: K, handler?: Handler<ClientEvents<Events>[K]>): void;
  off(name: '*', handler?: WildcardHandler<ClientEvents<Events>>): void;
  off(name: string, handler?: AnyHandler): void {
    this.#emitter.off(name, handler);
  }

  /** For subclasses: listens ahead of every listener already there (their own bookkeeping, which the application's listeners rely on). */
  protected listenFirst(name: string, handler: AnyHandler): Unsubscribe {
    return this.#emitter.prepend(name, handler);
  }

  /**
   * For subclasses: the client stopped, disconnected or destroyed (by the application, or by the
   * server ending the session or refusing it for good); what they have scheduled should end here.
   */
  protected onStopped(): void {}

  /** Every event from now on as `[name, payload]`; ends at `destroy()`; `break` unsubscribes. */
  events(): AsyncIterableIterator<EventTuple<ClientEvents<Events>>> {
    return this.#emitter.events() as AsyncIterableIterator<EventTuple<ClientEvents<Events>>>;
  }

  /** What `[Symbol.observable]()` returns (defined in the static block below). */
  #observable(): InteropObservable<EventTuple<ClientEvents<Events>>> {
    return this.#emitter.observable() as InteropObservable<EventTuple<ClientEvents<Events>>>;
  }

  static {
    // Under the run-time key (`Symbol.observable` or '@@observable'); typed by the interface above.
    defineObservable(ClientCore.prototype, function (this: ClientCore<object, RequestMap<object>>) {
      return this.#observable();
    });
  }

  // ---- requests -------------------------------------------------------------------------------

  /**
   * Sends a request and resolves with its (validated) result. Made while a connection is being
   * set up (`connect()`, autoConnect), it goes out right after that handshake and fails unsent if
   * the attempt fails; made while not connected otherwise, it fails at once with CONNECTION_LOST
   * ("not sent: ...") unless `offlineQueue` queues it for the next session. Its timeout runs from now.
   */
  request<K extends keyof Requests & string>(operation: K, args: Requests[K]['args']): Promise<Requests[K]['result']> {
    return this.#call(operation, args, false) as Promise<Requests[K]['result']>;
  }

  // ---- connection -----------------------------------------------------------------------------

  /** Connects (idempotent); resolves once connected, rejects if the client gives up first. */
  connect(): Promise<void> {
    this.#checks.preload();
    return this.#connection.connect();
  }

  /** Closes the connection and stays disconnected; pending requests fail with CONNECTION_LOST. */
  disconnect(): void {
    if (this.#connection.state === 'destroyed') return;
    this.#connection.stop('disconnected', () => new SDKError(RuntimeErrorCodes.CONNECTION_LOST, 'the client was disconnected'));
  }

  /** Disconnects for good: removes every listener, ends the event streams; later calls fail with DESTROYED. */
  destroy(): void {
    if (this.#connection.state === 'destroyed') return;
    this.#connection.stop('destroyed', destroyedError);
    this.#closeEvents();
  }

  // ---- internals ------------------------------------------------------------------------------

  #emit(name: string, payload: unknown): void {
    this.#emitter.emit(name, payload);
  }

  #emitError(event: ClientErrorEvent): void {
    this.#emitter.emit('error', event);
  }

  #closeEvents(): void {
    this.#emitter.clear();
    this.#emitter.close();
  }

  /**
   * Rejects as `request` would before sending anything (destroyed, an unknown operation, invalid
   * arguments, not connected and nowhere to wait), else resolves: for a call that has work to do
   * before its request (sendFile's upload), so that work is not done for nothing.
   */
  protected precheck<K extends keyof Requests & string>(operation: K, args: Requests[K]['args']): Promise<void> {
    return this.#refused(operation, args, false) ?? Promise.resolve();
  }

  /** Where a request goes: out `now` (a session is up, or it is the handshake's own), or `queued` for the next session; else it waits for the attempt under way. */
  #route(handshake: boolean): { now: boolean; queued: boolean; state: ConnectionState } {
    const state = this.#connection.state;
    const now = handshake || state === 'connected';
    const forAttempt = state === 'connecting' || (state === 'idle' && this.#autoConnectPending);
    return { now, queued: !now && !forAttempt, state };
  }

  /** Why `request` refuses this call before sending anything, as its rejection; undefined when it goes ahead. */
  #refused(operation: string, args: unknown, handshake: boolean): Promise<never> | undefined {
    if (this.#connection.state === 'destroyed') return Promise.reject(destroyedError());
    const description = own(this.#protocol.requests, operation);
    if (description === undefined) {
      return Promise.reject(new SDKError(RuntimeErrorCodes.INVALID_ARGS, `unknown request "${operation}"`));
    }
    const message = description.request ?? description.action;
    if (!this.#checks.passes(message, args)) {
      return new Promise((_, reject) =>
        this.#checks.explain(message, args, (issues) =>
          reject(new SDKError(RuntimeErrorCodes.INVALID_ARGS, `invalid arguments of "${operation}": ${summarize(issues)}`, { details: issues })),
        ),
      );
    }
    // Sent now, held for the attempt under way, queued for the next session (offlineQueue), or
    // failed at once: a request never goes out on a session other than the one it was made on
    // unless it was queued.
    const { queued, state } = this.#route(handshake);
    if (queued && this.#offlineQueue === undefined) return Promise.reject(notSent(`the client is not connected (${state})`));
    if (queued && !this.#queueRoom()) {
      return Promise.reject(notSent(`the client is not connected (${state}) and the offline queue is full (${this.#offlineQueue?.max})`));
    }
    return undefined;
  }

  #call(operation: string, args: unknown, handshake: boolean): Promise<unknown> {
    const refused = this.#refused(operation, args, handshake);
    if (refused !== undefined) return refused;
    const description = own(this.#protocol.requests, operation)!;
    const { now, queued } = this.#route(handshake);
    let pending: { id: string; promise: Promise<unknown>; record: Call };
    try {
      pending = this.#pending.create(undefined, (id) => ({
        operation,
        description,
        text: JSON.stringify(this.#protocol.encodeRequest(id, description.action, args)),
        sent: false,
        queued,
      }));
    } catch (error) {
      // Not representable as JSON (a BigInt, a cycle): the caller's arguments are at fault.
      return Promise.reject(
        new SDKError(RuntimeErrorCodes.INVALID_ARGS, `arguments of "${operation}" are not JSON: ${describe(error)}`, { cause: error }),
      );
    }
    if (now) this.#send(pending.id, pending.record);
    return pending.promise;
  }

  /** Whether the offline queue (if any) can take one more request. */
  #queueRoom(): boolean {
    if (this.#offlineQueue === undefined) return false;
    let queued = 0;
    for (const [, call] of this.#pending.list()) if (call.queued && !call.sent) queued += 1;
    return queued < this.#offlineQueue.max;
  }

  #send(id: string, call: Call): void {
    try {
      this.#connection.send(call.text);
      call.sent = true;
      // Only a session's own requests tell how the link is: the handshake has its deadline.
      if (this.#connection.state === 'connected') this.#linkWatch?.sent(id);
    } catch (error) {
      // Refused by the socket, so it never left: "not sent", safe to send again.
      this.#pending.reject(id, notSent(`could not send "${call.operation}": ${describe(error)}`, undefined, error));
    }
  }

  /** Login (retried once with a fresh token when refused), then the ready request. */
  async #handshake(generation: number): Promise<void> {
    const { lifecycle } = this.#protocol;
    try {
      await this.#login(generation);
      const result = await this.#call(lifecycle.ready.operation, {}, true);
      if (!this.#connection.isCurrent(generation)) return;
      const restored = this.#connection.up();
      // Requests held for this attempt or queued go out now, in the order they were made.
      for (const [id, call] of this.#pending.list()) if (!call.sent) this.#send(id, call);
      this.#emit(restored ? lifecycle.events.restored : lifecycle.events.connected, result);
    } catch (error) {
      // When the socket went away meanwhile, that path already took over.
      if (!this.#connection.isCurrent(generation)) return;
      this.#emitError({
        code: isSDKError(error) ? error.code : RuntimeErrorCodes.CONNECTION_LOST,
        message: `the connection handshake failed: ${describe(error)}`,
        cause: error,
      });
      // A listener of that error may have disconnected or destroyed the client meanwhile.
      if (!this.#connection.isCurrent(generation)) return;
      const refusal = this.#refusal(error);
      if (refusal === undefined) {
        this.#connection.handshakeFailed(error);
        return;
      }
      // Refused for good: stop, requests fail unsent, a connect() under way rejects with the
      // server's error, then `disconnected` says why (as when the server ends a session).
      const { reason, reaction } = refusal;
      const message = `the server refused the session (${reason})`;
      this.#connection.stop(
        reaction === 'destroy' ? 'destroyed' : 'disconnected',
        reaction === 'destroy' ? destroyedError : () => new SDKError(RuntimeErrorCodes.CONNECTION_LOST, message, { details: { reason }, cause: error }),
        error,
      );
      this.#announceDisconnected(reason, reaction);
    }
  }

  /**
   * Whether a failed handshake is the server refusing the session for good, as which
   * disconnection reason and with which reaction; undefined when it is worth retrying with
   * back-off (no server answer: the link, the deadline, getToken; or a reason whose reaction is
   * `reconnect`, such as a failing server).
   */
  #refusal(error: unknown): { reason: string; reaction: 'stay_disconnected' | 'destroy' } | undefined {
    if (!isSDKError(error) || error.type === undefined) return undefined;
    const refusals = this.#protocol.refusals;
    const mapped = refusals === undefined ? error.type : own(refusals, error.type);
    // A type the protocol does not have (only possible unvalidated) stands for itself, with the
    // cautious reaction, whatever reason it happens to be spelt like.
    if (mapped === undefined) return { reason: error.type, reaction: 'stay_disconnected' };
    const reason = mapped;
    const reaction: Reaction = own(this.#protocol.reactions, reason) ?? 'stay_disconnected';
    if (reaction === 'reconnect') {
      // A refused token was already retried once with a fresh one (#login): one more round would
      // be refused the same way, and a loop would not end. Others are retried with back-off.
      return isSDKError(error, RuntimeErrorCodes.AUTHENTICATION) ? { reason, reaction: 'stay_disconnected' } : undefined;
    }
    // A connect() the application asked for is answered (it rejects), not ended behind its back:
    // only the client's own reconnection of a session it had is destroyed by the reaction.
    if (reaction === 'destroy' && !this.#connection.hadSession) return { reason, reaction: 'stay_disconnected' };
    return { reason, reaction };
  }

  /** `disconnected` with the reason, once the state says what comes next; a destroyed client then ends its streams. */
  #announceDisconnected(reason: unknown, reaction: Reaction): void {
    this.#emit(this.#protocol.lifecycle.events.disconnected, reason);
    if (reaction === 'destroy') this.#closeEvents();
  }

  async #login(generation: number): Promise<unknown> {
    const { operation, tokenArgument } = this.#protocol.lifecycle.login;
    for (let retried = false; ; retried = true) {
      const token = await this.#token();
      if (!this.#connection.isCurrent(generation)) throw new SDKError(RuntimeErrorCodes.CONNECTION_LOST, 'the connection was lost');
      try {
        return await this.#call(operation, { ...this.#loginArguments, [tokenArgument]: token }, true);
      } catch (error) {
        // The token may just have expired: one more try with a fresh one.
        if (!retried && isSDKError(error, RuntimeErrorCodes.AUTHENTICATION) && this.#connection.isCurrent(generation)) continue;
        throw error;
      }
    }
  }

  async #token(): Promise<string> {
    const read = await readToken(this.#getToken);
    if ('problem' in read) throw new SDKError(RuntimeErrorCodes.AUTHENTICATION, read.problem, { cause: read.cause });
    return read.token;
  }

  /** The server ended the session: report the reason, then react as the protocol says. */
  #endSession(reasonPointer: string, payload: unknown): void {
    const reason = readPointer(payload, reasonPointer);
    // No reason (the spec makes it optional) or an unknown one (only possible without validation)
    // gets the cautious reaction; a connect() the application asked for is answered, not destroyed
    // behind its back (as for a refusal).
    const known = (typeof reason === 'string' ? own(this.#protocol.reactions, reason) : undefined) ?? 'stay_disconnected';
    const reaction: Reaction = known === 'destroy' && !this.#connection.hadSession ? 'stay_disconnected' : known;
    // The reason as the server sent it, which unvalidated may be any JSON value (String() of an
    // object may throw: its type is named instead).
    const said = reason === undefined ? 'no reason given' : typeof reason === 'object' && reason !== null ? `a reason that is not a string: ${typeof reason}` : String(reason);
    const message = `the server ended the session (${said})`;
    const error = () => new SDKError(RuntimeErrorCodes.CONNECTION_LOST, message, { details: { reason } });
    this.#connection.end(reaction, error, () => this.#announceDisconnected(reason, reaction));
  }
}
