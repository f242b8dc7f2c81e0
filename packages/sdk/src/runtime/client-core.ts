// The protocol-agnostic client: one WebSocket, the login handshake, request/response correlation,
// validation of everything that comes in, and reconnection. Everything protocol-specific (action
// and event names, frame layout, error types, disconnection reasons) comes from the
// ProtocolDescription the generated layer passes in; the generated client subclasses this class
// and adds one typed method per request.

import { type Backoff, type BackoffOptions, createBackoff } from './backoff.js';
import { Emitter, type EventTuple, type Handler, type Unsubscribe, type WildcardHandler } from './emitter.js';
import { RuntimeErrorCodes, SDKError, isSDKError } from './errors.js';
import { readPointer } from './json-pointer.js';
import { type InteropObservable, defineObservable } from './observable.js';
import { PendingRequests } from './pending-requests.js';
import type { IncomingFrame, ProtocolDescription, Reaction, RequestDescription, Validate, ValidationIssue } from './protocol.js';
import { type WebSocketConstructor, type WebSocketLike, listen, messageText } from './socket.js';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'destroyed';

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

/** The events a client emits: the protocol's events plus `error`. */
export type ClientEvents<Events> = Events & { error: ClientErrorEvent };

/** Requests by operation: the arguments they take and the result they resolve with. */
export type RequestMap<Requests> = { [K in keyof Requests]: { args: unknown; result: unknown } };

export type ReconnectOptions = BackoffOptions;

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

/** A request of the client: kept from `request()` until its response, failure or timeout. */
interface Call {
  operation: string;
  description: RequestDescription;
  /** The encoded request frame. */
  text: string;
  /** Whether it went out on the current socket (only those can get a response on it). */
  sent: boolean;
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

// The implementation signatures take any handler; the overloads carry the types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = (...args: any[]) => void;

const FRAME_EXCERPT = 1_000;

function excerpt(text: string): string {
  return text.length > FRAME_EXCERPT ? `${text.slice(0, FRAME_EXCERPT)}… (${text.length} characters)` : text;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function summarize(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path === '' ? '(root)' : issue.path} ${issue.message}`).join('; ');
}

function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  // Own keys only, so an action named `constructor` or `__proto__` is just unknown.
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

export interface ClientCore<Events extends object, Requests extends RequestMap<Requests>> {
  /** Observable interop: every event, `error` included, as a `[name, payload]` tuple. */
  [Symbol.observable](): InteropObservable<EventTuple<ClientEvents<Events>>>;
}

export class ClientCore<Events extends object, Requests extends RequestMap<Requests>> {
  readonly #protocol: ProtocolDescription;
  readonly #getToken: () => string | Promise<string>;
  readonly #WebSocket: WebSocketConstructor;
  readonly #socketUrl: string;
  readonly #validate: boolean;
  readonly #loginArguments: Readonly<Record<string, unknown>>;
  /** Undefined when reconnection is disabled. */
  readonly #backoff: Backoff | undefined;
  readonly #emitter: Emitter<Record<string, unknown>>;
  readonly #pending: PendingRequests;
  readonly #calls = new Map<string, Call>();

  #state: ConnectionState = 'idle';
  #socket: WebSocketLike | undefined;
  /** Bumped whenever the client gives up a socket: events of older sockets are ignored. */
  #generation = 0;
  /** Whether this run had a connection: the next handshake emits `restored`, not `connected`. */
  #wasConnected = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** What `connect()` callers wait on while connecting. */
  #waiter: Deferred | undefined;

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
    this.#WebSocket = WebSocketClass;
    this.#getToken = options.getToken;
    // Computed now so a bad URL or a missing query option fails at construction, not later.
    this.#socketUrl = protocol.socketUrl(options.url, options.query ?? {});
    this.#validate = options.validate ?? true;
    this.#loginArguments = options.loginArguments ?? {};
    const reconnect = options.reconnect ?? true;
    this.#backoff = reconnect === false ? undefined : createBackoff(reconnect === true ? {} : reconnect);
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
      onSettled: (id) => this.#calls.delete(id),
      onUnknown: (id) =>
        this.#emitError({ code: RuntimeErrorCodes.INVALID_FRAME, message: `a response to an unknown request "${id}"` }),
    });
    // Deferred to a microtask: listeners attached right after `new` see every event, and a
    // subclass is fully constructed before anything happens.
    if (options.autoConnect ?? true) {
      queueMicrotask(() => {
        if (this.#state === 'idle') this.connect().catch(() => undefined);
      });
    }
  }

  /** Where the connection is: 'idle' (never connected) to 'destroyed' (final). */
  get state(): ConnectionState {
    return this.#state;
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
    switch (this.#state) {
      case 'destroyed':
        return Promise.reject(this.#destroyedError());
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

  /** Closes the connection and stays disconnected; pending requests fail with CONNECTION_LOST. */
  disconnect(): void {
    if (this.#state === 'destroyed') return;
    this.#stop('disconnected', () => new SDKError(RuntimeErrorCodes.CONNECTION_LOST, 'the client was disconnected'));
  }

  /** Disconnects for good: removes every listener, ends the event streams; later calls fail with DESTROYED. */
  destroy(): void {
    if (this.#state === 'destroyed') return;
    this.#stop('destroyed', () => this.#destroyedError());
    this.#emitter.clear();
    this.#emitter.close();
  }

  // ---- internals ------------------------------------------------------------------------------

  #emit(name: string, payload: unknown): void {
    this.#emitter.emit(name, payload);
  }

  #emitError(event: ClientErrorEvent): void {
    this.#emitter.emit('error', event);
  }

  #destroyedError(): SDKError {
    return new SDKError(RuntimeErrorCodes.DESTROYED, 'the client was destroyed');
  }

  #call(operation: string, args: unknown, handshake: boolean): Promise<unknown> {
    if (this.#state === 'destroyed') return Promise.reject(this.#destroyedError());
    const description = own(this.#protocol.requests, operation);
    if (description === undefined) {
      return Promise.reject(new SDKError(RuntimeErrorCodes.INVALID_ARGS, `unknown request "${operation}"`));
    }
    const checked = this.#check(description.request, args);
    if (checked !== undefined) {
      if (!checked.ok) {
        return Promise.reject(
          new SDKError(RuntimeErrorCodes.INVALID_ARGS, `invalid arguments of "${operation}": ${summarize(checked.errors)}`, {
            details: checked.errors,
          }),
        );
      }
    }
    const { id, promise } = this.#pending.create();
    let text: string;
    try {
      text = JSON.stringify(this.#protocol.encodeRequest(id, description.action, args));
    } catch (error) {
      // Not representable as JSON (a BigInt, a cycle): the caller's arguments are at fault.
      this.#pending.reject(id, new SDKError(RuntimeErrorCodes.INVALID_ARGS, `arguments of "${operation}" are not JSON: ${describe(error)}`, { cause: error }));
      return promise;
    }
    const call: Call = { operation, description, text, sent: false };
    this.#calls.set(id, call);
    // Handshake requests go out on the socket being set up; others wait for the handshake.
    if (handshake || this.#state === 'connected') this.#send(id, call);
    return promise;
  }

  #send(id: string, call: Call): void {
    try {
      if (this.#socket === undefined) throw new Error('no socket');
      this.#socket.send(call.text);
      call.sent = true;
    } catch (error) {
      this.#pending.reject(id, new SDKError(RuntimeErrorCodes.CONNECTION_LOST, `could not send "${call.operation}": ${describe(error)}`, { cause: error }));
    }
  }

  #open(): void {
    const generation = ++this.#generation;
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(this.#socketUrl);
    } catch (error) {
      // The constructor refused (a malformed URL...): say why, then treat it like a failed open.
      this.#emitError({ code: RuntimeErrorCodes.CONNECTION_LOST, message: `cannot open the socket: ${describe(error)}`, cause: error });
      this.#linkDown(error);
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
        if (generation === this.#generation) void this.#handshake(generation);
      },
      message: (data) => {
        if (generation === this.#generation) this.#onMessage(data);
      },
      close: () => {
        if (generation === this.#generation) this.#linkDown();
      },
      // Always followed by `close`, which does the work; the event carries no detail.
      error: () => undefined,
    });
  }

  /** Login (retried once with a fresh token when refused), then the ready request. */
  async #handshake(generation: number): Promise<void> {
    const { lifecycle } = this.#protocol;
    try {
      await this.#login(generation);
      const result = await this.#call(lifecycle.ready.operation, {}, true);
      if (generation !== this.#generation) return;
      const restored = this.#wasConnected;
      this.#wasConnected = true;
      this.#state = 'connected';
      this.#backoff?.reset();
      // Requests made meanwhile go out now, in the order they were made.
      for (const [id, call] of this.#calls) if (!call.sent) this.#send(id, call);
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter?.resolve();
      this.#emit(restored ? lifecycle.events.restored : lifecycle.events.connected, result);
    } catch (error) {
      // When the socket went away meanwhile, that path already took over.
      if (generation !== this.#generation) return;
      this.#emitError({
        code: isSDKError(error) ? error.code : RuntimeErrorCodes.CONNECTION_LOST,
        message: `the connection handshake failed: ${describe(error)}`,
        cause: error,
      });
      if (isSDKError(error) && error.type !== undefined) {
        // The server refused the session (a banned customer, a token it keeps rejecting):
        // reconnecting would only be refused again, so stay disconnected until `connect()`.
        this.#stop('disconnected', () => error);
        return;
      }
      this.#abandonSocket();
      this.#linkDown(error);
    }
  }

  async #login(generation: number): Promise<unknown> {
    const { operation, tokenArgument } = this.#protocol.lifecycle.login;
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.#token();
      if (generation !== this.#generation) throw new SDKError(RuntimeErrorCodes.CONNECTION_LOST, 'the connection was lost');
      try {
        return await this.#call(operation, { ...this.#loginArguments, [tokenArgument]: token }, true);
      } catch (error) {
        // The token may just have expired: one more try with a fresh one.
        if (attempt === 1 && isSDKError(error, RuntimeErrorCodes.AUTHENTICATION) && generation === this.#generation) continue;
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

  /** Fails the requests that went out on the socket: their responses can no longer come. */
  #rejectSent(message: string, details?: unknown): void {
    for (const [id, call] of [...this.#calls]) {
      if (call.sent) this.#pending.reject(id, new SDKError(RuntimeErrorCodes.CONNECTION_LOST, message, details === undefined ? {} : { details }));
    }
  }

  /** The socket closed (or never opened) without the server ending the session. */
  #linkDown(cause?: unknown): void {
    const wasConnected = this.#state === 'connected';
    this.#socket = undefined;
    this.#generation += 1;
    this.#rejectSent('the connection was lost');
    const { lost } = this.#protocol.lifecycle.events;
    if (this.#backoff === undefined) {
      this.#stop('disconnected', () =>
        isSDKError(cause) ? cause : new SDKError(RuntimeErrorCodes.CONNECTION_LOST, 'the connection was lost', { cause }),
      );
      if (wasConnected) this.#emit(lost, undefined);
      return;
    }
    // State first, so `lost` listeners see 'reconnecting' (and may disconnect or destroy).
    this.#state = 'reconnecting';
    if (wasConnected) this.#emit(lost, undefined);
    if (this.#state === 'reconnecting') this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#backoff === undefined || this.#reconnectTimer !== undefined) return;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#state === 'reconnecting' && this.#socket === undefined) this.#open();
    }, this.#backoff.next());
  }

  /** Ends the connection and every request; the client stays put until `connect()` (or for good). */
  #stop(state: 'disconnected' | 'destroyed', makeError: () => SDKError): void {
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#abandonSocket();
    this.#state = state;
    this.#wasConnected = false;
    this.#pending.rejectAll(makeError);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(makeError());
  }

  /** The server ended the session: report the reason, then react as the protocol says. */
  #endSession(reasonPointer: string, payload: unknown): void {
    const reason = readPointer(payload, reasonPointer);
    // An unknown reason (only possible without validation) gets the cautious reaction.
    const reaction: Reaction = (typeof reason === 'string' ? own(this.#protocol.reactions, reason) : undefined) ?? 'stay_disconnected';
    const { disconnected } = this.#protocol.lifecycle.events;
    const message = `the server ended the session (${String(reason)})`;
    // Nothing useful can come on this socket any more; the server closes it anyway.
    this.#abandonSocket();
    this.#rejectSent(message, { reason });
    const error = () => new SDKError(RuntimeErrorCodes.CONNECTION_LOST, message, { details: { reason } });
    if (reaction === 'destroy') {
      this.#stop('destroyed', () => this.#destroyedError());
      this.#emit(disconnected, reason);
      this.#emitter.clear();
      this.#emitter.close();
    } else if (reaction === 'reconnect' && this.#backoff !== undefined) {
      this.#state = 'reconnecting';
      this.#emit(disconnected, reason);
      if (this.#state === 'reconnecting') this.#scheduleReconnect();
    } else {
      this.#stop('disconnected', error);
      this.#emit(disconnected, reason);
    }
  }

  #onMessage(data: unknown): void {
    const text = messageText(data);
    if (text === undefined) {
      this.#emitError({ code: RuntimeErrorCodes.INVALID_FRAME, message: 'a frame that is not text' });
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
    this.#emitError(event);
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
    if (push.endsSession !== undefined) this.#endSession(push.endsSession.payload, value);
    else this.#emit(push.event, value);
  }

  #onResponse(id: string, payload: unknown, text: string): void {
    const call = this.#calls.get(id);
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
    this.#emitError({ code: RuntimeErrorCodes.INVALID_RESPONSE, message, frame: excerpt(text), errors: checked.errors });
    this.#pending.reject(id, new SDKError(RuntimeErrorCodes.INVALID_RESPONSE, message, { details: checked.errors }));
  }

  /** The check of a payload against its message, or undefined when validation is off or absent. */
  #check(message: string, data: unknown): ReturnType<Validate> | undefined {
    const validate = this.#protocol.validate;
    return this.#validate && validate !== undefined ? validate(message, data) : undefined;
  }

  #onErrorResponse(id: string | null, payload: unknown, text: string): void {
    const call = id === null ? undefined : this.#calls.get(id);
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
      this.#emitError(event);
    }
    if (call === undefined || !call.sent || id === null) {
      // An error about no request of ours (a frame the server could not read): report it.
      if (server !== undefined) {
        this.#emitError({ code: error.code, message: `the server reported: ${error.message}`, frame: excerpt(text), cause: error });
      }
      return;
    }
    this.#pending.reject(id, error);
  }
}
