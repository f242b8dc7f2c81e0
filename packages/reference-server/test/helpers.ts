// Test harness: a server on ephemeral ports with `validateOutgoing`, and real `ws` clients that
// check every frame they receive against the spec with @customer-chat/validators.
import { validateFrame, type FrameName } from '@customer-chat/validators';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '../src/index.js';

/** A received frame; payloads are loosely typed so tests can read them directly. */
export interface Frame {
  requestId?: string | null;
  action: string;
  type: 'response' | 'push';
  success?: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  payload: any;
}

/** The validators' name for a frame: the push action, `<action>_response` or `error_response`. */
export function frameName(frame: Frame): FrameName | undefined {
  const name = frame.type === 'push' ? frame.action : frame.success === true ? `${frame.action}_response` : frame.success === false ? 'error_response' : undefined;
  return name === undefined ? undefined : (name as FrameName);
}

interface Waiter {
  predicate: (frame: Frame) => boolean;
  since: number;
  resolve: (frame: Frame) => void;
}

export class TestClient {
  /** Every frame received, in order. */
  readonly frames: Frame[] = [];
  /** Every message received that is not a valid frame of the spec (with why). */
  readonly invalid: { text: string; reason: string }[] = [];
  /** Every text message received, valid or not. */
  readonly texts: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #nextId = 1;
  #waiters: Waiter[] = [];

  constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('error', () => {});
    socket.on('message', (data) => this.#receive(String(data)));
  }

  static open(url: string): Promise<TestClient> {
    const socket = new WebSocket(url);
    const client = new TestClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  #receive(text: string): void {
    this.texts.push(text);
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      this.invalid.push({ text, reason: 'not JSON' });
      return;
    }
    const name = typeof frame === 'object' && frame !== null ? frameName(frame) : undefined;
    if (name === undefined) {
      this.invalid.push({ text, reason: 'not a frame' });
      return;
    }
    let result;
    try {
      result = validateFrame(name, frame);
    } catch (error) {
      this.invalid.push({ text, reason: String(error) });
      return;
    }
    if (!result.ok) this.invalid.push({ text, reason: JSON.stringify(result.errors) });
    this.frames.push(frame);
    const index = this.frames.length - 1;
    this.#waiters = this.#waiters.filter((w) => {
      if (index < w.since || !w.predicate(frame)) return true;
      w.resolve(frame);
      return false;
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Index of the next frame to arrive, to look only at what comes after. */
  mark(): number {
    return this.frames.length;
  }

  /** The first frame from `since` on (received or to come) matching the predicate. */
  waitFor(predicate: (frame: Frame) => boolean, since = 0, timeoutMs = 3000, label = 'a frame'): Promise<Frame> {
    const found = this.frames.slice(since).find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${label}; got ${JSON.stringify(this.frames.slice(since)).slice(0, 800)}`)), timeoutMs);
      this.#waiters.push({
        predicate,
        since,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  /** Sends a request and resolves with its response or error frame. */
  request(action: string, payload: unknown, requestId = `r${this.#nextId++}`): Promise<Frame> {
    const since = this.mark();
    this.send({ requestId, action, payload });
    return this.waitFor((f) => f.type === 'response' && f.requestId === requestId, since, 3000, `the reply to ${action} ${requestId}`);
  }

  /** Sends a request and returns the payload of its successful response (fails the test otherwise). */
  async call(action: string, payload: unknown): Promise<Frame['payload']> {
    const reply = await this.request(action, payload);
    if (reply.success !== true) throw new Error(`${action} failed: ${JSON.stringify(reply.payload)}`);
    return reply.payload;
  }

  /**
   * Waits until everything the server sent before now has arrived: a request without side effects
   * (it fails validation) is answered after every earlier frame. Returns the frames that came
   * between `since` and that answer.
   */
  async sync(since = this.mark()): Promise<Frame[]> {
    const id = `sync${this.#nextId++}`;
    const reply = await this.request('get_chats_summary', { limit: 0 }, id);
    return this.frames.slice(since, this.frames.indexOf(reply));
  }

  pushes(action?: string, since = 0): Frame[] {
    return this.frames.slice(since).filter((f) => f.type === 'push' && (action === undefined || f.action === action));
  }

  async login(token: string): Promise<Frame> {
    return this.request('login', { token });
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
  }
}

export interface Harness {
  readonly server: ReferenceServer;
  readonly logs: string[];
  /** A client on the customer socket (not logged in). */
  connect(licenseId?: string): Promise<TestClient>;
  /** A new customer, logged in on a new connection (or on `client`). */
  customer(customerId?: string): Promise<{ client: TestClient; customerId: string; token: string }>;
  /** Another connection logged in with `token`: the same customer on one more connection. */
  loggedIn(token: string): Promise<TestClient>;
  /** Clients whose invalid frames are expected (fault injection). */
  allowInvalid(client: TestClient): void;
  /** Log lines the test expects (they are not an error). */
  allowLogs(): void;
}

/** A fresh server per test; after each test: no spec violation, no invalid frame, no unexpected log line. */
export function useServer(options: ReferenceServerOptions = {}): Harness {
  let server: ReferenceServer | undefined;
  let clients: TestClient[] = [];
  let tolerant = new Set<TestClient>();
  let logs: string[] = [];
  let logsAllowed = false;

  beforeEach(async () => {
    clients = [];
    tolerant = new Set();
    logs = [];
    logsAllowed = false;
    server = await createReferenceServer({
      port: 0,
      adminPort: 0,
      validateOutgoing: true,
      log: (message, error) => logs.push(`${message}${error === undefined ? '' : ` ${String(error)}`}`),
      ...options,
    });
  });

  afterEach(async () => {
    for (const client of clients) client.close();
    await server?.close();
    expect(server?.violations ?? []).toEqual([]);
    for (const client of clients) if (!tolerant.has(client)) expect(client.invalid).toEqual([]);
    if (!logsAllowed) expect(logs).toEqual([]);
  });

  const harness: Harness = {
    get server() {
      if (server === undefined) throw new Error('no server outside a test');
      return server;
    },
    get logs() {
      return logs;
    },
    async connect(licenseId) {
      const client = await TestClient.open(harness.server.socketUrl(licenseId));
      clients.push(client);
      return client;
    },
    async customer(customerId) {
      const issued = harness.server.issueToken(customerId);
      const client = await harness.connect();
      const reply = await client.login(issued.token);
      if (reply.success !== true) throw new Error(`login failed: ${JSON.stringify(reply.payload)}`);
      return { client, ...issued };
    },
    async loggedIn(token) {
      const client = await harness.connect();
      const reply = await client.login(token);
      if (reply.success !== true) throw new Error(`login failed: ${JSON.stringify(reply.payload)}`);
      return client;
    },
    allowInvalid(client) {
      tolerant.add(client);
    },
    allowLogs() {
      logsAllowed = true;
    },
  };
  return harness;
}

/** A chat started by a logged-in client; returns its id and the id of its active thread. */
export async function startChat(client: TestClient, payload: unknown = {}): Promise<{ chat: string; thread: string }> {
  const result = await client.call('start_chat', payload);
  return { chat: result.chat.id as string, thread: result.thread.id as string };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits (a bounded number of short sleeps) until `condition` holds. */
export async function until(condition: () => boolean, label: string, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never happened: ${label}`);
}

/** The TCP socket under a test client: paused, the client stops reading (the server's bytes pile up). */
export type RawSocket = { pause(): void; resume(): void; localPort?: number; remotePort?: number };
export const tcpOf = (client: TestClient): RawSocket => (client.socket as unknown as { _socket: RawSocket })._socket;

/**
 * Watches the server's sockets (ws sockets of the same module as the test's) as they send, to read
 * how many bytes the server holds for a client: its side of the connection, by the client's port.
 */
export function watchServerSockets() {
  const send = vi.spyOn(WebSocket.prototype, 'send');
  return {
    held(client: TestClient): number {
      const port = tcpOf(client).localPort;
      const mine = (send.mock.contexts as unknown as WebSocket[]).find((socket) => (socket as unknown as { _socket?: RawSocket })._socket?.remotePort === port);
      return mine?.bufferedAmount ?? 0;
    },
    restore: () => send.mockRestore(),
  };
}

export type Watch = ReturnType<typeof watchServerSockets>;

/** Runs `body` with the server's sockets watched (see watchServerSockets), and stops watching after it. */
export async function watching(body: (watch: Watch) => Promise<void>): Promise<void> {
  const watch = watchServerSockets();
  try {
    await body(watch);
  } finally {
    watch.restore();
  }
}

export type Customer = { client: TestClient; customerId: string };

/** A logged-in customer that the test sends raw frames to; a paused one stops reading (TCP). */
export async function rawCustomer(h: Harness, paused: boolean): Promise<Customer> {
  const customer = await h.customer();
  h.allowInvalid(customer.client);
  if (paused) tcpOf(customer.client).pause();
  return customer;
}

/**
 * Sends chunks to a client that does not read until the server holds at least `bytes` for it (the
 * kernel takes its share first); returns how many went. Returns at once after the last send, so the
 * caller reads the same figure the server will see for its next frame.
 */
export async function hold(h: Harness, watch: Watch, who: Customer, bytes: number, chunk: string): Promise<number> {
  let sent = 0;
  for (let i = 0; i < 20_000 && watch.held(who.client) < bytes; i++) {
    sent += h.server.faults.sendRaw(who.customerId, chunk);
    if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
  }
  expect(watch.held(who.client)).toBeGreaterThanOrEqual(bytes);
  return sent;
}

/**
 * A server (validating what it sends) whose logins wait at a gate: `entered` resolves once one is
 * being handled, `release()` lets every login through, answered as `decide` says.
 */
export async function serverWithHeldLogins(decide: (token: string) => string | undefined): Promise<{ server: ReferenceServer; entered: Promise<void>; release: () => void }> {
  let entered: () => void = () => {};
  const handling = new Promise<void>((resolve) => (entered = resolve));
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const server = await createReferenceServer({
    port: 0,
    adminPort: 0,
    validateOutgoing: true,
    authenticate: async (token) => {
      entered();
      await gate;
      return decide(token);
    },
  });
  return { server, entered: handling, release };
}
