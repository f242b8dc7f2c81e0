// ClientCore: the client as the composition of the connection state machine, the pending requests and the inbound frame router.
// Besides wiring them it holds the events API, sending requests and the login handshake. Everything
// protocol-specific (action and event names, frame layout, error types, disconnection reasons)
// comes from the ProtocolDescription the generated layer passes in; the generated client
// subclasses this class and adds one typed method per request.

import { createBackoff } from './backoff.js';
import { Connection, type ConnectionState, type ReconnectOptions, destroyedError } from './connection.js';
import { Emitter, type EventTuple, type Handler, type Unsubscribe, type WildcardHandler } from './emitter.js';
import { type ClientErrorEvent, RuntimeErrorCodes, SDKError, isSDKError } from './errors.js';
import { type Check, FrameRouter } from './frame-router.js';
import { describe, own, summarize } from './helpers.js';
import { readPointer } from './json-pointer.js';
import { type InteropObservable, defineObservable } from './observable.js';
import { type Call, PendingRequests } from './pending-requests.js';
import type { ProtocolDescription, Reaction } from './protocol.js';
import type { WebSocketConstructor } from './socket.js';

export type { ClientErrorEvent } from './errors.js';
export type { ConnectionState, ReconnectOptions } from './connection.js';

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
  /** How long a request waits for its response, in ms (default 15 000). */
  requestTimeout?: number | undefined;
  /** Reconnection back-off (defaults: 500 ms doubling up to 30 s, jitter 0.5), or `false` for none. */
  reconnect?: boolean | ReconnectOptions | undefined;
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
  readonly #check: Check;
  readonly #emitter: Emitter<Record<string, unknown>>;
  readonly #pending: PendingRequests<Call>;
  readonly #connection: Connection;
  readonly #router: FrameRouter;

  constructor(protocol: ProtocolDescription, options: ClientOptions) {
    this.#protocol = protocol;
    const WebSocketClass =
      options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor | undefined }).WebSocket;
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
    const requestTimeout = options.requestTimeout ?? 15_000;
    if (!(requestTimeout > 0)) {
      throw new SDKError(RuntimeErrorCodes.INVALID_ARGS, `invalid requestTimeout: ${requestTimeout}`);
    }
    this.#getToken = options.getToken;
    // Computed now so a bad URL or a missing query option fails at construction, not later.
    const url = protocol.socketUrl(options.url, options.query ?? {});
    const validate = options.validate ?? true;
    this.#check = (message, data) => {
      const validateMessage = protocol.validate;
      return validate && validateMessage !== undefined ? validateMessage(message, data) : undefined;
    };
    this.#loginArguments = options.loginArguments ?? {};
    const reconnect = options.reconnect ?? true;
    const backoff = reconnect === false ? undefined : createBackoff(reconnect === true ? {} : reconnect);
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
    this.#pending = new PendingRequests({
      timeout: requestTimeout,
      onUnknown: (id) =>
        this.#emitError({ code: RuntimeErrorCodes.INVALID_FRAME, message: `a response to an unknown request "${id}"` }),
    });
    this.#connection = new Connection({
      WebSocket: WebSocketClass,
      url,
      backoff,
      hooks: {
        opened: (generation) => void this.#handshake(generation),
        message: (data) => this.#router.route(data),
        socketGone: (makeError) => {
          for (const [id, call] of this.#pending.list()) if (call.sent) this.#pending.reject(id, makeError());
        },
        stopped: (makeError) => this.#pending.rejectAll(makeError),
        lost: () => this.#emit(protocol.lifecycle.events.lost, undefined),
        error: (event) => this.#emitError(event),
      },
    });
    this.#router = new FrameRouter(protocol, this.#pending, this.#check, {
      emit: (name, payload) => this.#emit(name, payload),
      endSession: (reasonPointer, payload) => this.#endSession(reasonPointer, payload),
      error: (event) => this.#emitError(event),
    });
    // Deferred to a microtask: listeners attached right after `new` see every event, and a
    // subclass is fully constructed before anything happens.
    if (options.autoConnect ?? true) {
      queueMicrotask(() => {
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
   * Sends a request and resolves with its (validated) result. Made before the connection is up,
   * it is sent right after the handshake; its timeout runs from now either way.
   */
  request<K extends keyof Requests & string>(operation: K, args: Requests[K]['args']): Promise<Requests[K]['result']> {
    return this.#call(operation, args, false) as Promise<Requests[K]['result']>;
  }

  // ---- connection -----------------------------------------------------------------------------

  /** Connects (idempotent); resolves once connected, rejects if the client gives up first. */
  connect(): Promise<void> {
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

  #call(operation: string, args: unknown, handshake: boolean): Promise<unknown> {
    if (this.#connection.state === 'destroyed') return Promise.reject(destroyedError());
    const description = own(this.#protocol.requests, operation);
    if (description === undefined) {
      return Promise.reject(new SDKError(RuntimeErrorCodes.INVALID_ARGS, `unknown request "${operation}"`));
    }
    const checked = this.#check(description.request, args);
    if (checked !== undefined && !checked.ok) {
      return Promise.reject(
        new SDKError(RuntimeErrorCodes.INVALID_ARGS, `invalid arguments of "${operation}": ${summarize(checked.errors)}`, {
          details: checked.errors,
        }),
      );
    }
    let pending: { id: string; promise: Promise<unknown>; record: Call };
    try {
      pending = this.#pending.create(undefined, (id) => ({
        operation,
        description,
        text: JSON.stringify(this.#protocol.encodeRequest(id, description.action, args)),
        sent: false,
      }));
    } catch (error) {
      // Not representable as JSON (a BigInt, a cycle): the caller's arguments are at fault.
      return Promise.reject(
        new SDKError(RuntimeErrorCodes.INVALID_ARGS, `arguments of "${operation}" are not JSON: ${describe(error)}`, { cause: error }),
      );
    }
    // Handshake requests go out on the socket being set up; others wait for the handshake.
    if (handshake || this.#connection.state === 'connected') this.#send(pending.id, pending.record);
    return pending.promise;
  }

  #send(id: string, call: Call): void {
    try {
      this.#connection.send(call.text);
      call.sent = true;
    } catch (error) {
      this.#pending.reject(id, new SDKError(RuntimeErrorCodes.CONNECTION_LOST, `could not send "${call.operation}": ${describe(error)}`, { cause: error }));
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
      // Requests made meanwhile go out now, in the order they were made.
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
      this.#connection.handshakeFailed(error);
    }
  }

  async #login(generation: number): Promise<unknown> {
    const { operation, tokenArgument } = this.#protocol.lifecycle.login;
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.#token();
      if (!this.#connection.isCurrent(generation)) throw new SDKError(RuntimeErrorCodes.CONNECTION_LOST, 'the connection was lost');
      try {
        return await this.#call(operation, { ...this.#loginArguments, [tokenArgument]: token }, true);
      } catch (error) {
        // The token may just have expired: one more try with a fresh one.
        if (attempt === 1 && isSDKError(error, RuntimeErrorCodes.AUTHENTICATION) && this.#connection.isCurrent(generation)) continue;
        throw error;
      }
    }
  }

  async #token(): Promise<string> {
    let token: unknown;
    try {
      token = await this.#getToken();
    } catch (error) {
      throw new SDKError(RuntimeErrorCodes.AUTHENTICATION, `getToken failed: ${describe(error)}`, { cause: error });
    }
    if (typeof token !== 'string') {
      throw new SDKError(RuntimeErrorCodes.AUTHENTICATION, `getToken gave a ${typeof token}, not a string`);
    }
    return token;
  }

  /** The server ended the session: report the reason, then react as the protocol says. */
  #endSession(reasonPointer: string, payload: unknown): void {
    const reason = readPointer(payload, reasonPointer);
    // An unknown reason (only possible without validation) gets the cautious reaction.
    const reaction: Reaction = (typeof reason === 'string' ? own(this.#protocol.reactions, reason) : undefined) ?? 'stay_disconnected';
    const message = `the server ended the session (${String(reason)})`;
    const error = () => new SDKError(RuntimeErrorCodes.CONNECTION_LOST, message, { details: { reason } });
    this.#connection.end(reaction, error, () => {
      this.#emit(this.#protocol.lifecycle.events.disconnected, reason);
      if (reaction === 'destroy') this.#closeEvents();
    });
  }
}
