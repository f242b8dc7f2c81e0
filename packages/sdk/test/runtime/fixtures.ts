// A tiny made-up protocol (deliberately unlike the real spec: other frame fields, other names) and
// a real `ws` server speaking it on loopback, to test that the runtime is protocol-agnostic.

import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { afterEach, beforeEach, expect } from 'vitest';
import { WebSocket as WsClient } from 'ws';
import { ClientCore, type ClientErrorEvent, type ClientOptions } from '../../src/runtime/client-core.js';
import { SDKError } from '../../src/runtime/errors.js';
import type { ProtocolDescription, ValidationIssue } from '../../src/runtime/protocol.js';

/** A toy check: the result `validate()` of @customer-chat/validators gives; the protocol gets its guard and explainer. */
type Validate = (data: unknown) => { ok: true; value: unknown } | { ok: false; errors: ValidationIssue[] };

// ---- the protocol -------------------------------------------------------------------------------
// request: { t: 'q', n: id, op: action, body }
// response: { t: 'a', n: id, body }            error: { t: 'x', n: id | null, body: { kind, text } }
// push: { t: 'p', what: action, body }

export interface ToyEvents {
  up: { items: number };
  back: { items: number };
  down: undefined;
  ended: string;
  note: { text: string };
  /** A push whose description names nothing: event and message are its action's. */
  tick: { n: string };
}

export interface ToyRequests {
  hello: { args: { key: string; device?: string }; result: { ok: true } };
  sync: { args: Record<string, never>; result: { items: number } };
  echo: { args: { text: string }; result: { text: string } };
  slow: { args: { ms?: number }; result: { done: true } };
  fail: { args: { kind: string }; result: never };
  broken: { args: Record<string, never>; result: { text: string } };
}

const isObject = (data: unknown): data is Record<string, unknown> =>
  data !== null && typeof data === 'object' && !Array.isArray(data);

function issue(path: string, message: string, keyword = 'type'): { ok: false; errors: ValidationIssue[] } {
  return { ok: false, errors: [{ path, message, keyword }] };
}

/** An object whose listed fields are strings (required unless marked `?`), nothing else allowed. */
function strings(...fields: string[]): Validate {
  return (data) => {
    if (!isObject(data)) return issue('', 'must be object');
    for (const field of fields) {
      const name = field.replace('?', '');
      const value = data[name];
      if (value === undefined && field.endsWith('?')) continue;
      if (value === undefined) return issue(`/${name}`, `must have required property '${name}'`, 'required');
      if (typeof value !== 'string') return issue(`/${name}`, 'must be string');
    }
    const extra = Object.keys(data).find((key) => !fields.some((f) => f.replace('?', '') === key));
    if (extra !== undefined) return issue(`/${extra}`, 'must NOT have additional properties', 'additionalProperties');
    return { ok: true, value: data };
  };
}

const anyObject: Validate = (data) => (isObject(data) ? { ok: true, value: data } : issue('', 'must be object'));
const items: Validate = (data) =>
  isObject(data) && typeof data['items'] === 'number' ? { ok: true, value: data } : issue('/items', 'must be number');
const nothing: Validate = () => issue('', 'never valid');

/** The toy protocol's message checks, by message name. */
const toyValidators: Record<string, Validate> = {
  hello: strings('key', 'device?'),
  hello_ok: anyObject,
  sync: strings(),
  sync_ok: items,
  echo: strings('text'),
  echo_ok: strings('text'),
  slow: anyObject,
  slow_ok: anyObject,
  fail: strings('kind'),
  fail_ok: nothing,
  broken: strings(),
  broken_ok: strings('text'),
  note: strings('text'),
  tick: strings('n'),
  // The reason is optional, as the spec's `customer_disconnected` has it.
  bye: strings('why?'),
  oops: (data) =>
    isObject(data) && typeof data['kind'] === 'string' && typeof data['text'] === 'string' ? { ok: true, value: data } : issue('/kind', 'must be string'),
};

export const toyProtocol: ProtocolDescription = {
  requests: {
    hello: { action: 'HELLO', request: 'hello', response: 'hello_ok' },
    sync: { action: 'SYNC', request: 'sync', response: 'sync_ok' },
    echo: { action: 'ECHO', request: 'echo', response: 'echo_ok' },
    slow: { action: 'SLOW', request: 'slow', response: 'slow_ok' },
    fail: { action: 'FAIL', request: 'fail', response: 'fail_ok' },
    broken: { action: 'BROKEN', request: 'broken', response: 'broken_ok' },
  },
  pushes: {
    NOTE: { event: 'note', message: 'note' },
    tick: {},
    BYE: { event: 'ended', message: 'bye', endsSession: { payload: '/why' } },
  },
  errorMessage: 'oops',
  guards: Object.fromEntries(Object.entries(toyValidators).map(([message, check]) => [message, (data: unknown) => check(data).ok])),
  loadExplainer: () =>
    Promise.resolve((message: string, data: unknown) => {
      const check = toyValidators[message];
      if (check === undefined) throw new TypeError(`unknown message ${message}`);
      const result = check(data);
      return result.ok ? [] : result.errors;
    }),
  errorCodes: { bad_key: 'AUTHENTICATION', nope: 'NOPE', busy: 'BUSY', banned: 'BANNED' },
  reactions: { again: 'reconnect', wait: 'stay_disconnected', gone: 'destroy' },
  // What a refused handshake stands for: a refused key (reaction reconnect, but already retried
  // with a fresh one), a ban (destroy), a busy server (reconnect: retried with back-off).
  refusals: { bad_key: 'again', banned: 'gone', busy: 'again' },
  lifecycle: {
    login: { operation: 'hello', tokenArgument: 'key' },
    ready: { operation: 'sync' },
    events: { connected: 'up', restored: 'back', lost: 'down', disconnected: 'ended' },
  },
  socketUrl(base, query) {
    const url = new URL('/toy', base);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url.toString();
  },
  encodeRequest(id, action, payload) {
    return { t: 'q', n: id, op: action, body: payload };
  },
  classify(frame, into) {
    if (!isObject(frame)) return 'unknown';
    into.payload = frame['body'];
    if (frame['t'] === 'a' && typeof frame['n'] === 'string') {
      into.key = frame['n'];
      into.action = frame['op'];
      return 'response';
    }
    if (frame['t'] === 'x') {
      into.key = typeof frame['n'] === 'string' ? frame['n'] : null;
      into.action = frame['op'];
      return 'error';
    }
    if (frame['t'] === 'p' && typeof frame['what'] === 'string') {
      into.key = frame['what'];
      return 'push';
    }
    return 'unknown';
  },
  readError(payload) {
    return isObject(payload) && typeof payload['kind'] === 'string'
      ? { type: payload['kind'], message: typeof payload['text'] === 'string' ? payload['text'] : '' }
      : undefined;
  },
};

// ---- the server ---------------------------------------------------------------------------------

export interface Received {
  connection: number;
  id: string;
  op: string;
  body: unknown;
}

export interface ToyServer {
  url: string;
  port: number;
  /** Every request received, in order. */
  received: Received[];
  /** URLs the clients connected to (path and query). */
  urls: string[];
  /** Open connections, latest last. */
  sockets: WebSocket[];
  /** Connection attempts, accepted or not. */
  attempts: number;
  /** Refuse new connections (HTTP 503) while false. */
  accept: boolean;
  /** Tokens `HELLO` accepts (others get a `bad_key` error). */
  validKeys: Set<string>;
  /** When set, `HELLO` is answered with an error of this kind whatever the key. */
  helloError: string | undefined;
  /** While true, `HELLO` gets no answer at all (a stalled handshake). */
  silent: boolean;
  /** While true, a connection is closed right after answering `SYNC` (accept, handshake, drop). */
  dropAfterSync: boolean;
  latest(): WebSocket;
  /** Sends a raw frame on the latest connection. */
  send(frame: unknown): void;
  push(what: string, body: unknown): void;
  /** Drops every connection abruptly (no close handshake). */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startToyServer(): Promise<ToyServer> {
  let connections = 0;
  const server: ToyServer = {
    url: '',
    port: 0,
    received: [],
    urls: [],
    sockets: [],
    attempts: 0,
    accept: true,
    validKeys: new Set(['secret']),
    helloError: undefined,
    silent: false,
    dropAfterSync: false,
    latest() {
      const socket = server.sockets.at(-1);
      if (socket === undefined) throw new Error('no connection');
      return socket;
    },
    send(frame) {
      server.latest().send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    push(what, body) {
      server.send({ t: 'p', what, body });
    },
    dropAll() {
      for (const socket of server.sockets) socket.terminate();
    },
    close: async () => {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };

  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (_info, done) => {
      server.attempts += 1;
      if (server.accept) done(true);
      else done(false, 503, 'not now');
    },
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  server.port = (wss.address() as AddressInfo).port;
  server.url = `ws://127.0.0.1:${server.port}`;

  wss.on('connection', (socket, request) => {
    const connection = (connections += 1);
    server.urls.push(request.url ?? '');
    server.sockets.push(socket);
    socket.on('close', () => server.sockets.splice(server.sockets.indexOf(socket), 1));
    const reply = (n: unknown, body: unknown) => socket.send(JSON.stringify({ t: 'a', n, body }));
    const fail = (n: unknown, kind: string, text: string) => socket.send(JSON.stringify({ t: 'x', n, body: { kind, text } }));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { n: string; op: string; body: Record<string, unknown> };
      server.received.push({ connection, id: frame.n, op: frame.op, body: frame.body });
      switch (frame.op) {
        case 'HELLO':
          if (server.silent) return;
          if (server.helloError !== undefined) {
            fail(frame.n, server.helloError, `refused: ${server.helloError}`);
            return;
          }
          if (!server.validKeys.has(String(frame.body['key']))) {
            fail(frame.n, 'bad_key', 'unknown key');
            return;
          }
          // Like the real server: pushes during the handshake, before the login answer.
          socket.send(JSON.stringify({ t: 'p', what: 'NOTE', body: { text: `welcome ${connection}` } }));
          reply(frame.n, { ok: true });
          return;
        case 'SYNC':
          reply(frame.n, { items: connection });
          if (server.dropAfterSync) socket.close();
          return;
        case 'ECHO':
          reply(frame.n, { text: frame.body['text'] });
          return;
        case 'SLOW':
          if (typeof frame.body['ms'] === 'number') setTimeout(() => reply(frame.n, { done: true }), frame.body['ms']);
          return;
        case 'FAIL':
          fail(frame.n, String(frame.body['kind']), `failed with ${String(frame.body['kind'])}`);
          return;
        case 'BROKEN':
          reply(frame.n, { text: 42 });
          return;
        default:
          fail(null, 'nope', `unknown op ${frame.op}`);
      }
    });
  });
  return server;
}

// ---- helpers ------------------------------------------------------------------------------------

/** The SDKError `promise` rejects with (fails the test when it resolves, or rejects with anything else). */
export async function rejection(promise: Promise<unknown>): Promise<SDKError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SDKError);
    return error as SDKError;
  }
  throw new Error('expected a rejection');
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` holds (or fails after `timeout` ms). */
export async function until(check: () => boolean, timeout = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeout) throw new Error('condition not met in time');
    await delay(5);
  }
}

// ---- waiting for and recording a toy client's events -------------------------------------------

export type ToyClient = ClientCore<ToyEvents, ToyRequests>;

/** The payload of the next `name` event of the client. */
export function next<K extends keyof ToyEvents | 'error'>(client: ToyClient, name: K): Promise<(ToyEvents & { error: ClientErrorEvent })[K]> {
  return new Promise((resolve) => client.once(name, resolve as never));
}

/**
 * Sends a `slow` request (the toy server never answers it) and waits until the server has it, so
 * it is in flight; wrapped in an object so that awaiting this does not await the request.
 */
export async function slowInFlight(client: ToyClient, server: ToyServer): Promise<{ pending: Promise<unknown> }> {
  const pending = client.request('slow', {});
  await until(() => server.received.some((r) => r.op === 'SLOW'));
  return { pending };
}

/** Records every event of the client by name. */
export function record(client: ToyClient): [string, unknown][] {
  const seen: [string, unknown][] = [];
  client.on('*', (name, payload) => seen.push([name, payload]));
  return seen;
}

/**
 * A fresh toy server per test and a factory of clients connected to it with short timings; every
 * client is destroyed and the server closed after each test.
 */
export function useToyClients(defaults: Partial<ClientOptions> = {}): { readonly server: ToyServer; makeClient(options?: Partial<ClientOptions>): ToyClient } {
  let current: ToyServer | undefined;
  const clients: ToyClient[] = [];
  beforeEach(async () => {
    current = await startToyServer();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await current?.close();
  });
  return {
    get server(): ToyServer {
      if (current === undefined) throw new Error('the toy server exists only inside a test');
      return current;
    },
    makeClient(options = {}) {
      const client = new ClientCore<ToyEvents, ToyRequests>(toyProtocol, {
        url: this.server.url,
        getToken: () => 'secret',
        WebSocket: WsClient as unknown as NonNullable<ClientOptions['WebSocket']>,
        reconnect: { initialDelay: 10, maxDelay: 40, random: () => 0 },
        ...defaults,
        ...options,
      });
      clients.push(client);
      return client;
    },
  };
}

// ---- a scripted stand-in for a WebSocket --------------------------------------------------------

type FakeSocketEvent = 'open' | 'message' | 'close' | 'error';

/**
 * A socket that does nothing by itself: the test fires its events (`fire`) and reads what the code
 * did with it (`sent`, `closedWith`, `binaryType`). Listens through `addEventListener` like both
 * real implementations.
 */
export class FakeSocket {
  readyState = 0;
  binaryType = 'blob';
  readonly sent: string[] = [];
  /** The code of each `close()` call. */
  readonly closedWith: (number | undefined)[] = [];
  readonly #listeners = new Map<FakeSocketEvent, ((event: unknown) => void)[]>();

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number): void {
    this.closedWith.push(code);
  }

  addEventListener(type: FakeSocketEvent, listener: (event: unknown) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  /** How many listeners `type` has. */
  listenerCount(type: FakeSocketEvent): number {
    return this.#listeners.get(type)?.length ?? 0;
  }

  fire(type: FakeSocketEvent, event: Record<string, unknown> = {}): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
}

/** A WebSocket class making FakeSockets, and every socket it made, in order. */
export function fakeWebSockets(): { WebSocket: new (url: string) => FakeSocket; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  class WebSocket extends FakeSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return { WebSocket, sockets };
}
