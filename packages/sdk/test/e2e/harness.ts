// End-to-end harness: a real reference server on 127.0.0.1 (ephemeral port, `validateOutgoing`),
// real SDK instances over `ws`, a typed recorder of everything an SDK emits, and the spec itself
// (read from spec/asyncapi.yaml) to derive what must be covered. No mocks anywhere.
import { emittedEvents, loadModel } from '@customer-chat/spec-model';
import { createReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '@customer-chat/reference-server';
import { afterEach, beforeEach, expect } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import type { ClientEvents } from '../../src/runtime/client-core.js';
import type { EventTuple } from '../../src/runtime/emitter.js';
import { createCustomerSDK, type CustomerEvents, type CustomerSDK, type CustomerSDKOptions, type ChatsSummaryPage } from '../../src/node.js';

/** Every event an SDK instance emits, `error` included. */
export type SDKEvents = ClientEvents<CustomerEvents>;
export type SDKEventName = keyof SDKEvents & string;
export type SDKEventTuple = EventTuple<SDKEvents>;
export type WebSocketClass = NonNullable<CustomerSDKOptions['WebSocket']>;

export const LICENSE_ID = 'e2e-license';
/** Short back-off so reconnections take milliseconds. */
export const FAST_RECONNECT = { initialDelay: 20, maxDelay: 100 } as const;
/** How long a test waits for an event before failing with what it saw instead. */
export const WAIT_MS = 4_000;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it is true (or fails after `timeout` ms with `what`). */
export async function until(what: string, check: () => boolean, timeout = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(5);
  }
}

// ---- the recorder -------------------------------------------------------------------------------

interface Waiter {
  test(event: SDKEventTuple): boolean;
  resolve(event: SDKEventTuple): void;
}

/** Records every event of an SDK instance (through its `'*'` listener) and waits for future ones. */
export class Recorder {
  /** Every event so far, in order, as `[name, payload]`. */
  readonly log: SDKEventTuple[] = [];
  readonly #waiters = new Set<Waiter>();

  constructor(api: CustomerSDK) {
    api.on('*', (...event) => {
      this.log.push(event);
      for (const waiter of [...this.#waiters]) {
        if (waiter.test(event)) {
          this.#waiters.delete(waiter);
          waiter.resolve(event);
        }
      }
    });
  }

  /** The names of the events so far, in order. */
  names(): string[] {
    return this.log.map(([name]) => name);
  }

  /** The payloads of one event so far, in order. */
  of<K extends SDKEventName>(name: K): SDKEvents[K][] {
    return this.log.filter((event) => event[0] === name).map((event) => event[1] as SDKEvents[K]);
  }

  /** Position of the first recorded event matching, or -1. */
  indexOf<K extends SDKEventName>(name: K, where: (payload: SDKEvents[K]) => boolean = () => true): number {
    return this.log.findIndex((event) => event[0] === name && where(event[1] as SDKEvents[K]));
  }

  /**
   * The payload of the next event of that name emitted from now on (matching `where`). Call it
   * before causing the event; it fails after `timeout` ms, listing what arrived meanwhile.
   */
  next<K extends SDKEventName>(name: K, where: (payload: SDKEvents[K]) => boolean = () => true, timeout = WAIT_MS): Promise<SDKEvents[K]> {
    const since = this.log.length;
    return new Promise<SDKEvents[K]>((resolve, reject) => {
      const waiter: Waiter = {
        test: (event) => event[0] === name && where(event[1] as SDKEvents[K]),
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event[1] as SDKEvents[K]);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const seen = this.log.slice(since).map(([n, p]) => `${n} ${JSON.stringify(p)?.slice(0, 200) ?? ''}`);
        reject(new Error(`no "${name}" event within ${timeout} ms; got meanwhile:\n  ${seen.join('\n  ') || '(nothing)'}`));
      }, timeout);
      this.#waiters.add(waiter);
    });
  }
}

// ---- a WebSocket that records what the client sends ------------------------------------------

/**
 * The `ws` WebSocket, unchanged except that every frame the client sends is also appended to
 * `sent` (what the server then receives, in order): lets a test count frames on the wire.
 */
export function recordingWebSocket(sent: string[]): WebSocketClass {
  function RecordingWebSocket(url: string): WebSocket {
    const socket = new WebSocket(url);
    const send = socket.send.bind(socket);
    socket.send = ((data: string) => {
      sent.push(data);
      send(data);
    }) as WebSocket['send'];
    return socket;
  }
  return RecordingWebSocket as unknown as WebSocketClass;
}

/** The `action` of each recorded frame. */
export function actionsOf(sent: readonly string[]): string[] {
  return sent.map((text) => {
    const frame: unknown = JSON.parse(text);
    return typeof frame === 'object' && frame !== null && 'action' in frame ? String(frame.action) : '?';
  });
}

// ---- server and clients per test ------------------------------------------------------------------

export interface Connected {
  api: CustomerSDK;
  customerId: string;
  events: Recorder;
  /** The payload of the first `connected` event. */
  connected: ChatsSummaryPage;
  /** How many times `getToken` was called. */
  tokenCalls(): number;
}

export interface ConnectOptions extends Partial<CustomerSDKOptions> {
  /** The customer to log in as (a new one by default). */
  customerId?: string;
  /** Do not wait for `connected` (e.g. with `autoConnect: false`); `connected` is then an empty page. */
  noWait?: boolean;
}

export interface Harness {
  readonly server: ReferenceServer;
  /** What the server logged (unexpected failures); checked after each test. */
  readonly serverLog: string[];
  /** Creates an SDK instance for a (new or given) customer and waits for `connected`. */
  connect(options?: ConnectOptions): Promise<Connected>;
}

/**
 * Registers beforeEach/afterEach hooks: a fresh server per test, every SDK instance destroyed and
 * the server closed after it, and the checks every test ends with (no outgoing frame broke the
 * spec, no handler of the server failed).
 */
export function useHarness(options: Partial<ReferenceServerOptions> = {}): Harness {
  let server: ReferenceServer | undefined;
  const clients: CustomerSDK[] = [];
  const serverLog: string[] = [];

  beforeEach(async () => {
    serverLog.length = 0;
    server = await createReferenceServer({
      port: 0,
      validateOutgoing: true,
      log: (message, error) => serverLog.push(`${message}${error === undefined ? '' : ` ${String(error)}`}`),
      ...options,
    });
  });

  afterEach(async () => {
    const current = server;
    server = undefined;
    for (const api of clients.splice(0)) api.destroy();
    if (current === undefined) return;
    try {
      // Every test ends with these: the server never sent a frame the spec does not allow, and
      // none of its handlers failed.
      expect(current.violations).toEqual([]);
      expect(serverLog.filter((line) => /OUTGOING FRAME|handler of|could not answer/.test(line))).toEqual([]);
    } finally {
      await current.close();
    }
  });

  return {
    get server(): ReferenceServer {
      if (server === undefined) throw new Error('the server exists only inside a test');
      return server;
    },
    serverLog,
    async connect(connectOptions: ConnectOptions = {}): Promise<Connected> {
      const { customerId: wanted, noWait = false, ...sdkOptions } = connectOptions;
      const srv = this.server;
      const { token, customerId } = srv.issueToken(wanted);
      let calls = 0;
      const api = createCustomerSDK({
        url: srv.url,
        licenseId: LICENSE_ID,
        getToken: () => {
          calls += 1;
          return token;
        },
        reconnect: FAST_RECONNECT,
        requestTimeout: 3_000,
        ...sdkOptions,
      });
      clients.push(api);
      // Attached synchronously after creation: the connection starts in a microtask, so the
      // recorder sees every event, `customer_id` and `user_data` of the login included.
      const events = new Recorder(api);
      const connected = noWait ? { chatsSummary: [], totalChats: 0 } : await events.next('connected');
      return { api, customerId, events, connected, tokenCalls: () => calls };
    },
  };
}

/** The chats summary page the server holds for a customer (what `get_chats_summary {}` answers). */
export function summaryPage(server: ReferenceServer, customerId: string, offset = 0, limit = 10): ChatsSummaryPage {
  const ids = server.store.chatIdsOf(customerId);
  return { chatsSummary: ids.slice(offset, offset + limit).map((id) => server.store.chatSummary(id)), totalChats: ids.length };
}

/** The error an SDK promise rejects with (throws if it resolved instead). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  const outcome = await promise.then(
    (value) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

// ---- the spec ------------------------------------------------------------------------------------

// The generators' own model of spec/asyncapi.yaml: what the SDK must cover, read the same way the
// SDK was generated (not a second reader of the document).
export const specModel = await loadModel();

/** The events the SDK emits (client events, and pushes under their client event's name). */
export function specEmittedEvents(): string[] {
  const names = emittedEvents(specModel).map((m) => m.name);
  for (const push of specModel.messages) if (push.clientEvent) names.push(push.clientEvent.event);
  return [...new Set(names)].sort();
}

/** The request operations of the spec (the client methods), without the login one. */
export function specRequestOperations(): string[] {
  return specModel.requests
    .map((r) => r.id)
    .filter((id) => id !== specModel.lifecycle?.login.operation)
    .sort();
}

/** The disconnection reasons of the spec with their reaction (`x-reactions`). */
export function specReactions(): Record<string, string> {
  return Object.fromEntries(specModel.disconnectionReasons.map((r) => [r.value, r.reaction]));
}

/**
 * A scripted server per test, for what the reference server would never do: `start(onConnection)`
 * listens on 127.0.0.1 and gives its ws:// URL; after each test its sockets are ended and it is
 * closed, and the SDK instance given to `track` destroyed.
 */
export function useScriptedServer(): { start(onConnection: (socket: WebSocket) => void): Promise<string>; track(api: CustomerSDK): CustomerSDK } {
  let wss: WebSocketServer | undefined;
  let client: CustomerSDK | undefined;
  afterEach(async () => {
    client?.destroy();
    client = undefined;
    const server = wss;
    wss = undefined;
    if (server === undefined) return;
    for (const socket of server.clients) socket.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    async start(onConnection) {
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      wss = server;
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      server.on('connection', onConnection);
      return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    track(api) {
      client = api;
      return api;
    },
  };
}
