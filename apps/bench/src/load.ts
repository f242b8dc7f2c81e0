// Load benchmark of the reference server, run by `pnpm bench`. The server runs in a child process
// of its own (server-child.mjs, plain `node`, default limits), so its memory is measured alone; the
// SDK clients run here. Three runs, each on fresh servers (knobs: the BENCH_* variables below):
//
// A. Delivery under faults. CLIENTS SDK clients (validation on), each in its own chat with an agent
//    (50 chats per agent). For RUN_SECONDS the agents send a message to every chat and every
//    customer sends one to its chat, each at a steady rate, while DROP_COUNT random client sockets
//    are terminated from the server side (admin `POST /faults/drop`) every DROP_EVERY_MS; the SDK
//    reconnects. Checked, per chat:
//    - agent -> customer: every message the agent sent reaches the customer once, live (`new_event`)
//      or, when it was sent while the link was down, from the thread history the client asks for on
//      `connection_restored`; live copies counted for duplicates and order; latency per message from
//      a time stamped (in the server process) right before that message's own send to its receipt.
//    - customer -> agent: there is no agent connection (agents are driven in the server process), so
//      what the agent gets is the chat's history, read per chat over the admin API at the end: every
//      acknowledged message (send_event resolved) must be there exactly once, in send order; every
//      unacknowledged one must have been rejected with a code (counted by code). Latency: send ->
//      acknowledgement, and send -> the stored event's timestamp.
// B. Slow readers. SLOW_READERS raw WebSocket clients log in through the protocol and stop reading
//    (TCP-level pause) while the customer's other tab keeps sending messages to the chat and the
//    agent keeps updating a large chat property (pushed to every connection of the chat); 100 normal
//    clients keep chatting meanwhile. Reported: the server's RSS before, at its peak and after, how
//    many slow readers the server cut off (1008 from a connection's cap, 1006 when the output budget
//    terminated it), and the normal clients' latency.
// C. The same, small, twice: the property made of 1-byte, then of 3-byte characters, to see whether
//    maxUnsentBytes holds for multi-byte text.
//
// Writes packages/reference-server/bench/load.json and load.md and prints a summary with one
// line per target, met or missed. Always exits 0 once the figures are written: a bench reports, it
// does not assert. Every loop is bounded in count and time.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LIMITS } from '@customer-chat/reference-server';
import { createCustomerSDK, isSDKError, type CustomerSDK } from '@customer-chat/sdk';
import { RawWebSocket, type RawClose } from './raw-ws.js';

const num = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
};
const CLIENTS = num('BENCH_CLIENTS', 1000);
const RUN_MS = num('BENCH_RUN_SECONDS', 60) * 1000;
const AGENT_EVERY_MS = num('BENCH_AGENT_EVERY_MS', 1000);
const CUSTOMER_EVERY_MS = num('BENCH_CUSTOMER_EVERY_MS', 1000);
const DROP_EVERY_MS = num('BENCH_DROP_EVERY_MS', 3000);
const DROP_COUNT = num('BENCH_DROP_COUNT', 20);
const OFFLINE_QUEUE = num('BENCH_OFFLINE_QUEUE', 8); // 0: no offline queue
const CHATS_PER_AGENT = 50;
const SLOW_READERS = num('BENCH_SLOW_READERS', 100);
const SLOW_NORMAL_CLIENTS = num('BENCH_SLOW_NORMAL_CLIENTS', 100);
const SLOW_FILL_MAX_MS = num('BENCH_SLOW_FILL_SECONDS', 30) * 1000;
const PROPERTY_BYTES = 32 * 1024;
const PROPERTY_EVERY_MS = num('BENCH_PROPERTY_EVERY_MS', 50);
/** Run C: the same slow-reader set-up, small, once with 1-byte and once with 3-byte characters. */
const MULTIBYTE_READERS = 10;
const MULTIBYTE_CHAR = '漢';
const CONTROL_MS = 5000;
const SENDER_TEXT_BYTES = 1024;
const SENDER_EVERY_MS = 500;
const MEMORY_TARGET_BYTES = 64 * 1024 * 1024;
const OUT_DIR = new URL('../../../packages/reference-server/bench/', import.meta.url);
const LICENSE = 'bench';

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const MiB = (bytes: number) => +(bytes / 1024 / 1024).toFixed(1);
const log = (line: string) => console.log(`[bench ${((performance.now() - benchStart) / 1000).toFixed(1)}s] ${line}`);
const benchStart = performance.now();

// The bench stops by itself: past this, something hangs; it says so and exits 1 (no figures written).
const WATCHDOG_MS = 330_000;
setTimeout(() => {
  console.error(`bench: still running after ${WATCHDOG_MS / 1000} s; something hangs, stopping (no figures written)`);
  process.exit(1);
}, WATCHDOG_MS).unref();

// Nothing may crash the bench: an unhandled rejection is a finding, counted and reported.
let unhandledRejections = 0;
const unhandledSamples: string[] = [];
process.on('unhandledRejection', (reason) => {
  unhandledRejections += 1;
  if (unhandledSamples.length < 5) unhandledSamples.push(reason instanceof Error ? `${(reason as { code?: string }).code ?? reason.name}: ${reason.message}` : String(reason));
});

// ---- statistics ---------------------------------------------------------------------------------
interface Distribution {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
function distribution(values: number[]): Distribution {
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!);
  const round = (n: number) => (Number.isNaN(n) ? NaN : +n.toFixed(2));
  return { count: sorted.length, p50: round(rank(50)), p95: round(rank(95)), p99: round(rank(99)), max: round(sorted.length === 0 ? NaN : sorted[sorted.length - 1]!) };
}
const tally = (counts: Record<string, number>, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

// ---- the server process -------------------------------------------------------------------------
interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  peakRss: number;
  hwm: number | undefined;
  logged: number;
  cpu: { user: number; system: number };
  loopDelayMs: { p50: number; p99: number; max: number };
  gc: { count: number; totalMs: number; maxMs: number; majorCount: number; majorMaxMs: number };
}

class ServerProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  url = '';
  socketUrl = '';
  adminUrl = '';
  pid = 0;
  stderr: string[] = [];
  exited: Promise<number | null>;

  private constructor() {
    this.#child = fork(fileURLToPath(new URL('./server-child.mjs', import.meta.url)), [], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.#child.stderr?.setEncoding('utf8');
    this.#child.stderr?.on('data', (text: string) => {
      for (const line of text.split('\n')) if (line.trim() !== '' && this.stderr.length < 200) this.stderr.push(line);
    });
    this.exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    this.#child.on('message', (message: Record<string, unknown>) => {
      const id = message['id'] as number | undefined;
      const entry = id === undefined ? undefined : this.#pending.get(id);
      if (entry === undefined) return;
      this.#pending.delete(id!);
      if (message['ok'] === true) entry.resolve(message);
      else entry.reject(new Error(String(message['error'])));
    });
  }

  static async start(): Promise<ServerProcess> {
    const server = new ServerProcess();
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server process did not start within 20 s')), 20_000);
      server.#child.on('message', function onReady(message: Record<string, unknown>) {
        if (message['ready'] !== true) return;
        clearTimeout(timer);
        server.#child.off('message', onReady);
        resolve(message);
      });
      server.#child.once('exit', (code) => reject(new Error(`the server process exited (${code}): ${server.stderr.join('\n')}`)));
    });
    server.url = ready['url'] as string;
    server.socketUrl = ready['socketUrl'] as string;
    server.adminUrl = ready['adminUrl'] as string;
    server.pid = ready['pid'] as number;
    return server;
  }

  call<T = Record<string, unknown>>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`server command ${cmd} timed out`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#child.send({ id, cmd, ...args });
    });
  }

  memory(gc = false): Promise<Memory> {
    return this.call<Memory>('memory', { gc });
  }

  async admin<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.adminUrl}${path}`, {
      method,
      signal: AbortSignal.timeout(15_000),
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  #stopping: Promise<void> | undefined;

  /** Closes the server and waits for the process to exit (killed after 15 s + 5 s); idempotent. */
  stop(): Promise<void> {
    return (this.#stopping ??= this.#stop());
  }

  async #stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    try {
      await this.call('close', {}, 15_000);
    } catch {
      this.#child.kill('SIGKILL');
    }
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Runs `task` over `items`, `concurrency` at a time. */
async function eachLimited<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index]!, index);
      }
    }),
  );
}

/** Waits until `done()` or `timeoutMs`, checking every `everyMs`; returns whether it is done. */
async function waitFor(done: () => boolean, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() >= until) return false;
    await sleep(everyMs);
  }
  return true;
}

function errorCode(error: unknown): string {
  return isSDKError(error) ? error.code : error instanceof Error ? `NO_CODE (${error.name})` : 'NO_CODE';
}

// Everything a run opens, closed at its end whatever happens (a failed run must not leave clients
// reconnecting in the background of the next one).
const openSdks = new Set<CustomerSDK>();
const openRaw = new Set<RawWebSocket>();
async function withServer<T>(run: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await ServerProcess.start();
  try {
    return await run(server);
  } finally {
    for (const api of openSdks) api.destroy();
    for (const raw of openRaw) raw.destroy();
    openSdks.clear();
    openRaw.clear();
    await server.stop();
  }
}

// ---- an SDK client of the bench ------------------------------------------------------------------
interface SendRecord {
  seq: number;
  /** Made while the client was not connected (so it went to the offline queue, or failed unsent). */
  whileDown: boolean;
  /** 'pending', 'acked', or the rejection's code. */
  outcome: string;
  /** For a rejection: whether the SDK says it went out (`details.sent !== false`). */
  sent: boolean;
}

interface Client {
  index: number;
  customerId: string;
  token: string;
  api: CustomerSDK;
  chat: string;
  thread: string;
  agentId: string;
  /** Agent messages received live: seq -> copies. */
  live: Map<number, number>;
  maxLive: number;
  liveDuplicates: number;
  liveReordered: number;
  liveAfterRecovered: number;
  /** Agent messages missed live and found in the history asked for after a reconnection. */
  recovered: Set<number>;
  sends: SendRecord[];
  losses: number;
  restores: number;
  lostAt: number | undefined;
  catchUpOk: boolean;
  catchUpRunning: boolean;
}

interface Counters {
  agentLatency: number[];
  /** Acknowledgement latency of the messages made while connected. */
  ackLatency: number[];
  /** ... and of those made while not connected (offline queue: the outage is part of it). */
  ackLatencyQueued: number[];
  sdkErrors: Record<string, number>;
  disconnected: Record<string, number>;
  reconnectMs: number[];
  foreignEvents: number;
  catchUps: number;
  catchUpFailures: Record<string, number>;
}

function newCounters(): Counters {
  return { agentLatency: [], ackLatency: [], ackLatencyQueued: [], sdkErrors: {}, disconnected: {}, reconnectMs: [], foreignEvents: 0, catchUps: 0, catchUpFailures: {} };
}

/** `a:<seq>:<stamp>` (agent) or `c:<seq>:<stamp>` (customer): [seq, stamp], or undefined. */
function parseStamped(text: unknown, prefix: 'a' | 'c'): [number, number] | undefined {
  if (typeof text !== 'string' || !text.startsWith(`${prefix}:`)) return undefined;
  const second = text.indexOf(':', 2);
  if (second < 0) return undefined;
  const third = text.indexOf(':', second + 1);
  return [Number(text.slice(2, second)), Number(text.slice(second + 1, third < 0 ? undefined : third))];
}

async function connectClient(server: ServerProcess, counters: Counters, index: number, token: { token: string; customerId: string }, agentId: string, options: { offlineQueue: boolean }): Promise<Client> {
  const api = createCustomerSDK({
    url: server.url,
    licenseId: LICENSE,
    getToken: () => token.token,
    validate: true,
    ...(options.offlineQueue && OFFLINE_QUEUE > 0 ? { offlineQueue: { max: OFFLINE_QUEUE } } : {}),
  });
  openSdks.add(api);
  const client: Client = {
    index,
    customerId: token.customerId,
    token: token.token,
    api,
    chat: '',
    thread: '',
    agentId,
    live: new Map(),
    maxLive: -1,
    liveDuplicates: 0,
    liveReordered: 0,
    liveAfterRecovered: 0,
    recovered: new Set(),
    sends: [],
    losses: 0,
    restores: 0,
    lostAt: undefined,
    catchUpOk: true,
    catchUpRunning: false,
  };
  api.on('error', (event) => tally(counters.sdkErrors, event.code));
  api.on('disconnected', (reason) => tally(counters.disconnected, String(reason)));
  api.on('connection_lost', () => {
    client.losses += 1;
    client.lostAt = now();
  });
  api.on('connection_restored', () => {
    client.restores += 1;
    if (client.lostAt !== undefined) counters.reconnectMs.push(now() - client.lostAt);
    client.lostAt = undefined;
    void catchUp(client, counters);
  });
  api.on('new_event', (event) => {
    const received = now();
    if (event.type !== 'message') return;
    const stamped = parseStamped(event.text, 'a');
    if (stamped === undefined) return;
    if (event.chat !== client.chat) {
      counters.foreignEvents += 1;
      return;
    }
    const [seq, stamp] = stamped;
    const copies = client.live.get(seq) ?? 0;
    client.live.set(seq, copies + 1);
    if (copies > 0) {
      client.liveDuplicates += 1;
      return;
    }
    if (client.recovered.has(seq)) client.liveAfterRecovered += 1;
    if (seq < client.maxLive) client.liveReordered += 1;
    else client.maxLive = seq;
    counters.agentLatency.push(received - stamp);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`client ${index} did not connect within 20 s`)), 20_000);
    api.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const { chat, thread } = await api.startChat({});
  client.chat = chat.id;
  client.thread = thread.id;
  return client;
}

/** After a reconnection: the agent messages of the thread that did not come live (sent while the link was down). */
async function catchUp(client: Client, counters: Counters): Promise<void> {
  if (client.catchUpRunning) return;
  client.catchUpRunning = true;
  counters.catchUps += 1;
  try {
    const { threads } = await client.api.getChatThreads({ chat: client.chat, threads: [client.thread] });
    for (const event of threads[0]?.events ?? []) {
      if (event.type !== 'message') continue;
      const stamped = parseStamped(event.text, 'a');
      if (stamped !== undefined && !client.live.has(stamped[0])) client.recovered.add(stamped[0]);
    }
    client.catchUpOk = true;
  } catch (error) {
    client.catchUpOk = false;
    tally(counters.catchUpFailures, errorCode(error));
  } finally {
    client.catchUpRunning = false;
  }
}

/** A customer message, stamped right before its own send; its outcome and ack latency recorded. */
function sendCustomerMessage(client: Client, counters: Counters, text?: string): Promise<void> {
  const record: SendRecord = { seq: client.sends.length, whileDown: client.api.state !== 'connected', outcome: 'pending', sent: true };
  client.sends.push(record);
  const stamp = now();
  const body = `c:${record.seq}:${stamp.toFixed(3)}${text === undefined ? '' : `:${text}`}`;
  return client.api.sendMessage(client.chat, body, `c-${record.seq}`).then(
    () => {
      record.outcome = 'acked';
      (record.whileDown ? counters.ackLatencyQueued : counters.ackLatency).push(now() - stamp);
    },
    (error: unknown) => {
      record.outcome = errorCode(error);
      record.sent = !(isSDKError(error) && (error.details as { sent?: unknown } | undefined)?.sent === false);
    },
  );
}

/** Connects `tokens.length` clients, 100 at a time. */
async function connectClients(server: ServerProcess, counters: Counters, tokens: { token: string; customerId: string }[], agentOf: (index: number) => string, offlineQueue: boolean): Promise<Client[]> {
  const clients: Client[] = [];
  for (let first = 0; first < tokens.length; first += 100) {
    clients.push(...(await Promise.all(tokens.slice(first, first + 100).map((token, i) => connectClient(server, counters, first + i, token, agentOf(first + i), { offlineQueue })))));
  }
  return clients;
}

// ==== A. delivery under faults ======================================================================
function runDelivery() {
  log(`run A: ${CLIENTS} SDK clients, ${RUN_MS / 1000} s, drops of ${DROP_COUNT} sockets every ${DROP_EVERY_MS} ms`);
  return withServer((server) => runDeliveryOn(server));
}

async function runDeliveryOn(server: ServerProcess) {
  const counters = newCounters();
  const memoryStart = await server.memory(true);
  const setupStart = performance.now();
  const { tokens } = await server.call<{ tokens: { token: string; customerId: string }[] }>('tokens', { count: CLIENTS });
  const clients = await connectClients(server, counters, tokens, (i) => `agent-${Math.floor(i / CHATS_PER_AGENT)}`, true);
  await server.call('join', { pairs: clients.map((c) => [c.agentId, c.chat]) });
  const setupMs = performance.now() - setupStart;
  // Let the joins' pushes land, then start.
  await sleep(500);
  const memoryBefore = await server.memory(true);
  await server.call('resetPeak');
  log(`set-up ${(setupMs / 1000).toFixed(1)} s; server RSS ${MiB(memoryBefore.rss)} MiB`);

  // The agents, in the server process: a stamped message to every chat every AGENT_EVERY_MS.
  await server.call('agentRun', { plan: { messages: clients.map((c) => ({ agentId: c.agentId, chatId: c.chat })), messageEveryMs: AGENT_EVERY_MS, durationMs: RUN_MS } });
  const runStart = performance.now();
  const benchCpuStart = process.cpuUsage();

  // The customers, here: a stamped message every CUSTOMER_EVERY_MS each, phases spread over the period.
  const sendsInFlight: Promise<void>[] = [];
  const nextSend = clients.map((_, i) => runStart + (CUSTOMER_EVERY_MS * i) / clients.length);
  const sender = setInterval(() => {
    const t = performance.now();
    if (t - runStart >= RUN_MS) return;
    for (const client of clients) {
      let due = nextSend[client.index]!;
      if (due < t - 3 * CUSTOMER_EVERY_MS) due = t - 3 * CUSTOMER_EVERY_MS;
      while (due <= t) {
        due += CUSTOMER_EVERY_MS;
        sendsInFlight.push(sendCustomerMessage(client, counters));
      }
      nextSend[client.index] = due;
    }
  }, 20);

  // The faults: DROP_COUNT random customers' sockets terminated every DROP_EVERY_MS (no close frame).
  let dropRequests = 0;
  let socketsDropped = 0;
  const dropFailures: Record<string, number> = {};
  const dropper = DROP_COUNT > 0 && DROP_EVERY_MS > 0
    ? setInterval(() => {
        if (performance.now() - runStart >= RUN_MS - DROP_EVERY_MS / 2) return;
        const picked = new Set<number>();
        for (let tries = 0; picked.size < Math.min(DROP_COUNT, clients.length) && tries < DROP_COUNT * 10; tries += 1) picked.add(Math.floor(Math.random() * clients.length));
        for (const index of picked) {
          dropRequests += 1;
          server.admin<{ dropped: number }>('POST', '/faults/drop', { customerId: clients[index]!.customerId }).then(
            ({ body }) => (socketsDropped += body.dropped),
            (error: unknown) => tally(dropFailures, error instanceof Error ? error.message : String(error)),
          );
        }
      }, DROP_EVERY_MS)
    : undefined;

  // Progress once in a while, and the server's memory.
  const progress = setInterval(() => {
    const acked = clients.reduce((n, c) => n + c.sends.filter((s) => s.outcome === 'acked').length, 0);
    log(`  ${((performance.now() - runStart) / 1000).toFixed(0)} s: ${counters.agentLatency.length} agent messages live, ${acked} customer messages acked, ${socketsDropped} sockets dropped`);
  }, 15_000);

  await sleep(RUN_MS);
  clearInterval(sender);
  if (dropper !== undefined) clearInterval(dropper);
  clearInterval(progress);
  const runMs = performance.now() - runStart;
  const agentRun = await server.call<{ messages: Record<string, number>; errors: Record<string, number> }>('agentStop');
  const memoryAtEnd = await server.memory(false);
  const benchCpu = process.cpuUsage(benchCpuStart);
  const cpuShare = (cpu: { user: number; system: number }) => Math.round((cpu.user + cpu.system) / 1000 / runMs * 100);
  log(`run over; draining (requests settle, clients reconnect and catch up)`);

  // Drain: every request settles (its timeout is 15 s), every client is connected and caught up.
  const expectedAgent = (client: Client) => agentRun.messages[client.chat] ?? 0;
  const missing = (client: Client) => {
    let n = 0;
    for (let seq = 0; seq < expectedAgent(client); seq += 1) if (!client.live.has(seq) && !client.recovered.has(seq)) n += 1;
    return n;
  };
  const drained = await waitFor(
    () => clients.every((c) => c.api.state === 'connected' && !c.catchUpRunning && c.sends.every((s) => s.outcome !== 'pending') && missing(c) === 0),
    20_000,
    200,
  );
  // A client whose last catch-up failed (a drop during it) asks once more, now that the links are up.
  const retried = clients.filter((c) => c.api.state === 'connected' && !c.catchUpOk);
  await eachLimited(retried, 50, (c) => catchUp(c, counters));
  await Promise.race([Promise.allSettled(sendsInFlight), sleep(5000)]);
  const memoryAfter = await server.memory(true);

  // What the agents got: every chat's history, in order, over the admin API.
  log(`reading ${clients.length} chat histories over the admin API`);
  const history = {
    customerStoredOnce: 0,
    customerLost: 0,
    customerDuplicates: 0,
    customerReordered: 0,
    rejectedButStored: 0,
    notSentButStored: 0,
    unknownStored: 0,
    agentStored: 0,
    agentStoreGaps: 0,
    agentStoreReordered: 0,
    storeLatency: [] as number[],
    readFailures: 0,
  };
  await eachLimited(clients, 16, async (client) => {
    let chat: { threads: { events: { type: string; author?: string; text?: string; timestamp?: number }[] }[] };
    try {
      const answer = await server.admin<typeof chat>('GET', `/chats/${encodeURIComponent(client.chat)}`);
      if (answer.status !== 200) throw new Error(`status ${answer.status}`);
      chat = answer.body;
    } catch {
      history.readFailures += 1;
      return;
    }
    const events = chat.threads.flatMap((thread) => thread.events).filter((event) => event.type === 'message');
    const customerSeqs: number[] = [];
    let agentNext = 0;
    for (const event of events) {
      if (event.author === client.customerId) {
        const stamped = parseStamped(event.text, 'c');
        if (stamped === undefined) continue;
        customerSeqs.push(stamped[0]);
        if (typeof event.timestamp === 'number') history.storeLatency.push(event.timestamp - Math.floor(stamped[1]));
      } else if (event.author === client.agentId) {
        const stamped = parseStamped(event.text, 'a');
        if (stamped === undefined) continue;
        history.agentStored += 1;
        if (stamped[0] < agentNext) history.agentStoreReordered += 1;
        else {
          if (stamped[0] > agentNext) history.agentStoreGaps += stamped[0] - agentNext;
          agentNext = stamped[0] + 1;
        }
      }
    }
    const copies = new Map<number, number>();
    let highest = -1;
    for (const seq of customerSeqs) {
      copies.set(seq, (copies.get(seq) ?? 0) + 1);
      if (seq < highest) history.customerReordered += 1;
      else highest = seq;
    }
    for (const [seq, count] of copies) {
      const record = client.sends[seq];
      if (record === undefined) history.unknownStored += count;
      if (count > 1) history.customerDuplicates += count - 1;
    }
    for (const record of client.sends) {
      const stored = copies.get(record.seq) ?? 0;
      if (record.outcome === 'acked') {
        if (stored === 0) history.customerLost += 1;
        else history.customerStoredOnce += 1;
      } else if (stored > 0) {
        history.rejectedButStored += 1;
        if (!record.sent) history.notSentButStored += 1;
      }
    }
  });

  // Agent -> customer: live, recovered, lost.
  let agentSent = 0;
  let agentLive = 0;
  let agentRecovered = 0;
  let agentLost = 0;
  let liveDuplicates = 0;
  let liveReordered = 0;
  let liveAfterRecovered = 0;
  let clientsWithLoss = 0;
  for (const client of clients) {
    const expected = expectedAgent(client);
    agentSent += expected;
    liveDuplicates += client.liveDuplicates;
    liveReordered += client.liveReordered;
    liveAfterRecovered += client.liveAfterRecovered;
    let lostHere = 0;
    for (let seq = 0; seq < expected; seq += 1) {
      if (client.live.has(seq)) agentLive += 1;
      else if (client.recovered.has(seq)) agentRecovered += 1;
      else lostHere += 1;
    }
    agentLost += lostHere;
    if (lostHere > 0) clientsWithLoss += 1;
  }

  // Customer -> agent: outcomes of every send.
  const rejections: Record<string, number> = {};
  let attempted = 0;
  let acked = 0;
  let pending = 0;
  let whileDown = 0;
  let whileDownAcked = 0;
  for (const client of clients) {
    for (const record of client.sends) {
      attempted += 1;
      if (record.whileDown) whileDown += 1;
      if (record.outcome === 'acked') {
        acked += 1;
        if (record.whileDown) whileDownAcked += 1;
      } else if (record.outcome === 'pending') pending += 1;
      else tally(rejections, `${record.outcome}${record.sent ? ' (sent)' : ' (not sent)'}`);
    }
  }
  const rejectedWithoutCode = Object.entries(rejections).filter(([key]) => key.startsWith('NO_CODE')).reduce((n, [, v]) => n + v, 0);
  const losses = clients.reduce((n, c) => n + c.losses, 0);
  const restores = clients.reduce((n, c) => n + c.restores, 0);
  const notConnectedAtEnd = clients.filter((c) => c.api.state !== 'connected').length;


  return {
    clients: CLIENTS,
    runSeconds: +(runMs / 1000).toFixed(1),
    setupSeconds: +(setupMs / 1000).toFixed(2),
    rates: { agentMessageEveryMs: AGENT_EVERY_MS, customerMessageEveryMs: CUSTOMER_EVERY_MS, offlineQueue: OFFLINE_QUEUE },
    faults: { dropEveryMs: DROP_EVERY_MS, dropCount: DROP_COUNT, dropRequests, socketsDropped, dropFailures, connectionLost: losses, connectionRestored: restores, reconnectMs: distribution(counters.reconnectMs), notConnectedAtEnd },
    drained,
    throughputPerSecond: Math.round((agentLive + acked) / (runMs / 1000)),
    agentToCustomer: {
      sent: agentSent,
      agentSendErrors: agentRun.errors,
      storedInHistory: history.agentStored,
      storeGaps: history.agentStoreGaps,
      storeReordered: history.agentStoreReordered,
      deliveredLive: agentLive,
      recoveredAfterReconnect: agentRecovered,
      lost: agentLost,
      clientsWithLoss,
      duplicates: liveDuplicates,
      reordered: liveReordered,
      liveAfterRecovered,
      deliveredToWrongChat: counters.foreignEvents,
      catchUps: counters.catchUps,
      catchUpFailures: counters.catchUpFailures,
      latencyMs: distribution(counters.agentLatency),
    },
    customerToAgent: {
      attempted,
      acknowledged: acked,
      madeWhileDisconnected: whileDown,
      madeWhileDisconnectedAcknowledged: whileDownAcked,
      rejectedByCode: rejections,
      rejectedWithoutCode,
      unsettled: pending,
      acknowledgedStoredOnce: history.customerStoredOnce,
      lost: history.customerLost,
      duplicates: history.customerDuplicates,
      reordered: history.customerReordered,
      rejectedButStored: history.rejectedButStored,
      rejectedNotSentButStored: history.notSentButStored,
      storedButNeverSent: history.unknownStored,
      historyReadFailures: history.readFailures,
      ackLatencyMs: distribution(counters.ackLatency),
      ackLatencyQueuedMs: distribution(counters.ackLatencyQueued),
      storeLatencyMs: distribution(history.storeLatency),
    },
    sdkErrorEvents: counters.sdkErrors,
    sdkDisconnectedEvents: counters.disconnected,
    serverMemory: {
      startMiB: MiB(memoryStart.rss),
      beforeRunMiB: MiB(memoryBefore.rss),
      peakMiB: MiB(memoryAfter.peakRss),
      afterMiB: MiB(memoryAfter.rss),
    },
    serverPauses: { loopDelayMs: memoryAtEnd.loopDelayMs, gc: memoryAtEnd.gc },
    cpuPercentOfOneCore: {
      server: cpuShare({ user: memoryAtEnd.cpu.user - memoryBefore.cpu.user, system: memoryAtEnd.cpu.system - memoryBefore.cpu.system }),
      bench: cpuShare(benchCpu),
    },
    serverLog: server.stderr.slice(0, 10),
    serverLogLines: server.stderr.length,
  };
}

// ==== B. slow readers ===============================================================================
interface SlowReaderConfig {
  readers: number;
  normalClients: number;
  /** The character the large property is made of (its UTF-8 size is PROPERTY_BYTES either way). */
  char: string;
  propertyEveryMs: number;
  fillMaxMs: number;
}

function runSlowReaders(config: SlowReaderConfig) {
  log(`slow readers: ${config.readers} of them, ${config.normalClients} normal clients, property made of "${config.char}", default caps (maxUnsentBytes ${DEFAULT_LIMITS.maxUnsentBytes})`);
  return withServer((server) => runSlowReadersOn(server, config));
}

async function runSlowReadersOn(server: ServerProcess, config: SlowReaderConfig) {
  const { readers: SLOW_READERS, normalClients: SLOW_NORMAL_CLIENTS, char: PROPERTY_CHAR, propertyEveryMs: PROPERTY_EVERY_MS, fillMaxMs: SLOW_FILL_MAX_MS } = config;
  const serverStart = performance.now();
  const counters = newCounters();
  const senderCounters = newCounters();
  const { tokens } = await server.call<{ tokens: { token: string; customerId: string }[] }>('tokens', { count: SLOW_READERS + SLOW_NORMAL_CLIENTS });
  const slowTokens = tokens.slice(0, SLOW_READERS);
  const normalTokens = tokens.slice(SLOW_READERS);

  // The slow readers: a raw socket each, logged in; they read (and answer pings) until told to stop.
  const readers: RawWebSocket[] = [];
  for (let first = 0; first < slowTokens.length; first += 50) {
    readers.push(
      ...(await Promise.all(
        slowTokens.slice(first, first + 50).map(async ({ token }, i) => {
          const raw = await RawWebSocket.open(server.socketUrl);
          openRaw.add(raw);
          const answer = await raw.request(`login-${first + i}`, 'login', { token });
          if (answer['success'] !== true) throw new Error(`slow reader login failed: ${JSON.stringify(answer)}`);
          return raw;
        }),
      )),
    );
  }
  // Each slow reader's customer has a second tab (an SDK client) that reads, starts the chat and keeps
  // sending to it; the server pushes its messages (and the agent's property updates) to the slow tab.
  const senders = await connectClients(server, senderCounters, slowTokens, () => 'slow-agent', false);
  const normal = await connectClients(server, counters, normalTokens, (i) => `agent-${Math.floor(i / CHATS_PER_AGENT)}`, false);
  await server.call('join', { pairs: [...senders.map((c) => [c.agentId, c.chat]), ...normal.map((c) => [c.agentId, c.chat])] });
  await sleep(500);
  const before = await server.memory(true);
  await server.call('resetPeak');
  log(`set-up done; server RSS before ${MiB(before.rss)} MiB`);

  // The load: the agent updates a 32 KiB property of every slow chat every PROPERTY_EVERY_MS and sends
  // a stamped message to every normal chat each second; each sender tab sends a 1 KiB message every
  // 500 ms (on average). First CONTROL_MS with everybody reading, then the slow readers stop reading.
  const loadStart = performance.now();
  // The heartbeat (30 s) would end the slow readers at its second tick (they answer no ping once
  // paused): the load and the 6 s after it end well before that.
  const fillMs = Math.max(5000, Math.min(SLOW_FILL_MAX_MS, 60_000 - (loadStart - serverStart) - CONTROL_MS - 12_000));
  await server.call('agentRun', {
    plan: {
      messages: normal.map((c) => ({ agentId: c.agentId, chatId: c.chat })),
      messageEveryMs: 1000,
      properties: senders.map((c) => ({ agentId: c.agentId, chatId: c.chat })),
      propertyEveryMs: PROPERTY_EVERY_MS,
      propertyBytes: PROPERTY_BYTES,
      propertyChar: PROPERTY_CHAR,
      durationMs: CONTROL_MS + fillMs,
    },
  });
  const filler = 'm'.repeat(SENDER_TEXT_BYTES);
  const senderTimer = setInterval(() => {
    if (performance.now() - loadStart >= CONTROL_MS + fillMs) return;
    for (const sender of senders) if (Math.random() < 20 / SENDER_EVERY_MS) void sendCustomerMessage(sender, senderCounters, filler);
  }, 20);

  await sleep(CONTROL_MS);
  const control = await server.memory(false);
  await server.call('resetPeak');
  const controlNormal = counters.agentLatency.splice(0);
  const controlSender = senderCounters.ackLatency.splice(0);
  const controlReceived = readers.reduce((n, r) => n + r.received, 0);
  for (const reader of readers) reader.pause();
  const fillStart = performance.now();
  log(`control (everybody reading) ${CONTROL_MS / 1000} s: peak RSS ${MiB(control.peakRss)} MiB; slow readers stop reading now`);

  // Which slow connections has the server ended? Their customer is down to one connection (the
  // sender tab). Such a reader wakes up 3 s later (or when the load stops) and reads what waited, up
  // to the close frame; the server cuts a peer off 5 s after its close frame. Not at once: tens of
  // readers draining megabytes each would load both processes and blur the latency of the others.
  const endedAt: (number | undefined)[] = readers.map(() => undefined);
  const wakeUps: NodeJS.Timeout[] = [];
  let monitorFailures = 0;
  const monitor = async () => {
    try {
      const { body } = await server.admin<{ customers: { id: string; connections: number }[] }>('GET', '/customers');
      const connections = new Map(body.customers.map((c) => [c.id, c.connections]));
      slowTokens.forEach(({ customerId }, i) => {
        if (endedAt[i] === undefined && (connections.get(customerId) ?? 0) < 2 && senders[i]!.api.state === 'connected') {
          endedAt[i] = performance.now() - fillStart;
          wakeUps.push(setTimeout(() => readers[i]!.resume(), 3000));
        }
      });
    } catch {
      monitorFailures += 1;
    }
  };
  while (performance.now() - fillStart < fillMs && endedAt.some((t) => t === undefined)) {
    await monitor();
    await sleep(250);
  }
  clearInterval(senderTimer);
  const agentRun = await server.call<{ properties: number; messages: Record<string, number>; errors: Record<string, number> }>('agentStop');
  const fillSeconds = (performance.now() - fillStart) / 1000;
  const atStop = await server.memory(false);
  const slowNormal = counters.agentLatency.splice(0);
  const slowSender = senderCounters.ackLatency.splice(0);
  log(`load stopped after ${fillSeconds.toFixed(1)} s without reading; ${endedAt.filter((t) => t !== undefined).length} slow readers ended by the server; peak RSS ${MiB(atStop.peakRss)} MiB`);
  // The ended readers read what waited for them now, up to the close frame.
  for (const timer of wakeUps) clearTimeout(timer);
  endedAt.forEach((t, i) => t !== undefined && readers[i]!.resume());

  // After: the close timeout (5 s) passes, memory is measured; then every reader reads what is left.
  await sleep(6000);
  await monitor();
  const after = await server.memory(true);
  // The peak: sampled every 50 ms, and the kernel's high-water mark of this fresh process (exact).
  const peakNotReading = Math.max(control.peakRss, atStop.peakRss, atStop.hwm ?? 0);
  const peak = Math.max(peakNotReading, after.peakRss, after.hwm ?? 0);
  const stillConnected = endedAt.filter((t) => t === undefined).length;
  for (const reader of readers) reader.resume();
  const closes = await Promise.all(readers.map((reader) => Promise.race([reader.closed, sleep(5000).then((): RawClose | undefined => undefined)])));
  const closeCodes: Record<string, number> = {};
  for (const close of closes) tally(closeCodes, close === undefined ? 'still open' : `${close.code}${close.reason === '' ? '' : ` ${close.reason}`}`);
  // 1008 when the per-connection cap closed it (the close frame waited behind the unread bytes),
  // 1006 when the output budget cut it off (terminated: no close frame).
  const cutWith1008 = closes.filter((close) => close?.code === 1008).length;
  const cutOff = closes.filter((close) => close?.code === 1008 || close?.code === 1006).length;
  const receivedWhilePaused = readers.reduce((n, r) => n + r.received, 0) - controlReceived;

  // What the store gained meanwhile (messages are kept; the property is replaced): an estimate.
  const senderAcked = senders.reduce((n, c) => n + c.sends.filter((s) => s.outcome === 'acked').length, 0);
  const agentMessages = Object.values(agentRun.messages).reduce((n, v) => n + v, 0);
  const storedBytes = senderAcked * (SENDER_TEXT_BYTES + 400) + agentMessages * 400;
  const controlGrowth = Math.max(0, control.peakRss - before.rss);
  // Each slow reader holds at most maxUnsentBytes and one frame; all of them together at most the
  // output budget and one frame, and once a reader is cut off its bytes are garbage until the next
  // collection, while the budget fills again: twice the budget.
  const capsBytes = Math.min(SLOW_READERS * (DEFAULT_LIMITS.maxUnsentBytes + PROPERTY_BYTES + 1024), 2 * (DEFAULT_LIMITS.maxTotalUnsentBytes + PROPERTY_BYTES + 1024));
  const bound = controlGrowth + capsBytes + storedBytes;
  const senderRejections: Record<string, number> = {};
  for (const sender of senders) for (const s of sender.sends) if (s.outcome !== 'acked' && s.outcome !== 'pending') tally(senderRejections, s.outcome);
  const normalExpected = normal.reduce((n, c) => n + (agentRun.messages[c.chat] ?? 0), 0);
  const normalReceived = normal.reduce((n, c) => n + c.live.size, 0);


  const growth = peak - before.rss;
  return {
    slowReaders: SLOW_READERS,
    normalClients: SLOW_NORMAL_CLIENTS,
    limits: { maxUnsentBytes: DEFAULT_LIMITS.maxUnsentBytes, maxTotalUnsentBytes: DEFAULT_LIMITS.maxTotalUnsentBytes, heartbeatIntervalMs: DEFAULT_LIMITS.heartbeatIntervalMs },
    load: {
      propertyBytes: PROPERTY_BYTES,
      propertyChar: PROPERTY_CHAR,
      propertyEveryMs: PROPERTY_EVERY_MS,
      senderTextBytes: SENDER_TEXT_BYTES,
      senderEveryMs: SENDER_EVERY_MS,
      propertyUpdates: agentRun.properties,
      senderMessagesAcked: senderAcked,
      senderRejections,
      agentErrors: agentRun.errors,
    },
    controlSeconds: CONTROL_MS / 1000,
    fillSeconds: +fillSeconds.toFixed(1),
    serverMemory: {
      beforeMiB: MiB(before.rss),
      controlPeakMiB: MiB(control.peakRss),
      peakNotReadingMiB: MiB(peakNotReading),
      peakMiB: MiB(peak),
      kernelHighWaterMarkMiB: after.hwm === undefined ? null : MiB(after.hwm),
      afterMiB: MiB(after.rss),
      growthMiB: MiB(growth),
      growthPerSlowReaderMiB: +(growth / Math.max(1, SLOW_READERS) / 1024 / 1024).toFixed(2),
      controlGrowthMiB: MiB(controlGrowth),
      capsMiB: MiB(capsBytes),
      storedBytesEstimateMiB: MiB(storedBytes),
      boundMiB: MiB(bound),
      heapUsedBeforeMiB: MiB(before.heapUsed),
      heapUsedAtStopMiB: MiB(atStop.heapUsed),
      heapUsedAfterMiB: MiB(after.heapUsed),
      externalAtStopMiB: MiB(atStop.external),
    },
    serverPauses: {
      everybodyReading: { loopDelayMs: control.loopDelayMs, gc: control.gc },
      slowReadersNotReading: { loopDelayMs: atStop.loopDelayMs, gc: atStop.gc },
    },
    growthBytes: growth,
    boundBytes: bound,
    endedByServer: SLOW_READERS - stillConnected,
    endedAtSeconds: distribution(endedAt.filter((t): t is number => t !== undefined).map((t) => t / 1000)),
    closeCodes,
    cutWith1008,
    cutOff,
    receivedWhilePausedPerReaderMiB: +(receivedWhilePaused / Math.max(1, SLOW_READERS) / 1024 / 1024).toFixed(2),
    monitorFailures,
    normalDeliveryLatencyMs: { everybodyReading: distribution(controlNormal), slowReadersNotReading: distribution(slowNormal) },
    normalDelivered: normalReceived,
    normalExpected,
    senderAckLatencyMs: { everybodyReading: distribution(controlSender), slowReadersNotReading: distribution(slowSender) },
    sdkErrorEvents: { ...counters.sdkErrors, ...Object.fromEntries(Object.entries(senderCounters.sdkErrors).map(([k, v]) => [`sender ${k}`, v])) },
    serverLogLines: server.stderr.length,
    serverLog: server.stderr.slice(0, 10),
  };
}

// ==== report ========================================================================================
function fmt(d: Distribution): string {
  return `${d.p50} / ${d.p95} / ${d.p99} / ${d.max} ms`;
}
function pausesText(p: { loopDelayMs: Memory['loopDelayMs']; gc: Memory['gc'] }): string {
  const ms = (n: number) => +n.toFixed(1);
  return `${ms(p.loopDelayMs.p50)} / ${ms(p.loopDelayMs.p99)} / ${ms(p.loopDelayMs.max)} ms; ${p.gc.count} GCs, ${ms(p.gc.totalMs)} ms in all, longest ${ms(p.gc.maxMs)} ms, longest major ${ms(p.gc.majorMaxMs)} ms`;
}
function codes(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k}: ${v}`).join(', ');
}

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}, ${process.platform}`;
let a: Awaited<ReturnType<typeof runDelivery>> | undefined;
let b: Awaited<ReturnType<typeof runSlowReaders>> | undefined;
let c: { oneByte: Awaited<ReturnType<typeof runSlowReaders>>; threeBytes: Awaited<ReturnType<typeof runSlowReaders>> } | undefined;
const failures: string[] = [];
try {
  if (process.env['BENCH_SKIP_A'] !== '1') a = await runDelivery();
} catch (error) {
  failures.push(`run A failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
}
try {
  if (process.env['BENCH_SKIP_B'] !== '1') {
    b = await runSlowReaders({ readers: SLOW_READERS, normalClients: SLOW_NORMAL_CLIENTS, char: 'x', propertyEveryMs: PROPERTY_EVERY_MS, fillMaxMs: SLOW_FILL_MAX_MS });
  }
} catch (error) {
  failures.push(`run B failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
}

try {
  if (process.env['BENCH_SKIP_C'] !== '1') {
    const small = { readers: MULTIBYTE_READERS, normalClients: MULTIBYTE_READERS, propertyEveryMs: 10, fillMaxMs: 20_000 };
    const oneByte = await runSlowReaders({ ...small, char: 'x' });
    const threeBytes = await runSlowReaders({ ...small, char: MULTIBYTE_CHAR });
    c = { oneByte, threeBytes };
  }
} catch (error) {
  failures.push(`run C failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
}

interface Target {
  name: string;
  met: boolean;
  detail: string;
}
const targets: Target[] = [];
if (a !== undefined) {
  const ac = a.agentToCustomer;
  const ca = a.customerToAgent;
  targets.push({
    name: 'agent -> customers: every message the agent sent reached its customer exactly once (live, or from history after a reconnection), live copies in order',
    met: ac.lost === 0 && ac.duplicates === 0 && ac.reordered === 0 && ac.deliveredToWrongChat === 0 && ac.storeGaps === 0 && ac.storeReordered === 0,
    detail: `lost ${ac.lost}, duplicated ${ac.duplicates}, reordered ${ac.reordered}, wrong chat ${ac.deliveredToWrongChat} (of ${ac.sent}; ${ac.deliveredLive} live, ${ac.recoveredAfterReconnect} from history)`,
  });
  targets.push({
    name: 'customer -> agent: every acknowledged message stored in its chat exactly once, in send order',
    met: ca.lost === 0 && ca.duplicates === 0 && ca.reordered === 0 && ca.historyReadFailures === 0 && ca.storedButNeverSent === 0,
    detail: `lost ${ca.lost}, duplicated ${ca.duplicates}, reordered ${ca.reordered} (of ${ca.acknowledged} acknowledged)`,
  });
  targets.push({
    name: 'every unacknowledged send rejected with a code, none left hanging',
    met: ca.unsettled === 0 && ca.rejectedWithoutCode === 0,
    detail: `${ca.attempted - ca.acknowledged} unacknowledged: ${codes(ca.rejectedByCode)}; unsettled ${ca.unsettled}`,
  });
  targets.push({
    name: 'a send the SDK reports as not sent never reaches the server',
    met: ca.rejectedNotSentButStored === 0,
    detail: `${ca.rejectedNotSentButStored} "not sent" rejections found stored`,
  });
  targets.push({
    name: 'the bench survives the drops (no unhandled rejection, every client reconnected)',
    met: unhandledRejections === 0 && a.faults.notConnectedAtEnd === 0,
    detail: `${a.faults.socketsDropped} sockets dropped, ${a.faults.connectionRestored} reconnections, unhandled rejections ${unhandledRejections}, not connected at the end ${a.faults.notConnectedAtEnd}`,
  });
}
if (b !== undefined) {
  targets.push({
    name: `slow readers: server memory growth bounded by the caps (growth with everybody reading + the lesser of ${b.slowReaders} x (maxUnsentBytes + one frame) and 2 x (maxTotalUnsentBytes + one frame) + stored messages)`,
    met: b.growthBytes <= b.boundBytes,
    detail: `growth ${b.serverMemory.growthMiB} MiB (${b.serverMemory.growthPerSlowReaderMiB} MiB per slow reader), bound ${b.serverMemory.boundMiB} MiB (${b.serverMemory.controlGrowthMiB} + ${b.serverMemory.capsMiB} + ${b.serverMemory.storedBytesEstimateMiB})`,
  });
  targets.push({
    name: 'slow readers: server memory growth under 64 MiB',
    met: b.growthBytes < MEMORY_TARGET_BYTES,
    detail: `RSS ${b.serverMemory.beforeMiB} -> peak ${b.serverMemory.peakMiB} -> after ${b.serverMemory.afterMiB} MiB (growth ${b.serverMemory.growthMiB} MiB)`,
  });
  targets.push({
    name: 'slow readers: every one cut off by the server (1008 from its own cap, or 1006 when the output budget terminated it)',
    met: b.cutOff === b.slowReaders,
    detail: `${b.cutOff} of ${b.slowReaders} cut off (${b.cutWith1008} with 1008); close codes: ${codes(b.closeCodes)}`,
  });
}
if (c !== undefined) {
  const extra = c.threeBytes.receivedWhilePausedPerReaderMiB - c.oneByte.receivedWhilePausedPerReaderMiB;
  targets.push({
    name: 'maxUnsentBytes counts bytes: with 3-byte characters a slow reader holds no more bytes than with 1-byte ones (same load, at most 1 MiB apart)',
    met: extra <= 1,
    detail: `waiting per slow reader (kernel buffers + server queue): ${c.oneByte.receivedWhilePausedPerReaderMiB} MiB with "x", ${c.threeBytes.receivedWhilePausedPerReaderMiB} MiB with "${MULTIBYTE_CHAR}"; server growth per slow reader ${c.oneByte.serverMemory.growthPerSlowReaderMiB} vs ${c.threeBytes.serverMemory.growthPerSlowReaderMiB} MiB`,
  });
}
if (failures.length > 0) targets.push({ name: 'every run completed', met: false, detail: failures.map((f) => f.split('\n')[0]).join('; ') });

const date = new Date().toISOString();
const results = { date, machine, cores: cpus().length, delivery: a ?? null, slowReaders: b ?? null, unhandledRejections, unhandledSamples, failures, targets };
mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(new URL('load.json', OUT_DIR), `${JSON.stringify(results, null, 2)}\n`);

const md: string[] = [
  '# Load benchmark (`pnpm bench`)',
  '',
  `${date.slice(0, 10)}, ${machine}. The reference server runs in a child process of its own (plain \`node\`, default limits); the clients run in the bench process; all on 127.0.0.1, so both share the machine's ${cpus().length} cores.`,
  '',
];
if (a !== undefined) {
  const ac = a.agentToCustomer;
  const ca = a.customerToAgent;
  md.push(
    `## A. ${a.clients} SDK clients, ${a.runSeconds} s, random connection drops`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| set-up (connect, log in, start chat) | ${a.setupSeconds} s |`,
    `| load | agent message to every chat every ${a.rates.agentMessageEveryMs} ms; a message from every customer every ${a.rates.customerMessageEveryMs} ms; SDK offline queue ${a.rates.offlineQueue > 0 ? `max ${a.rates.offlineQueue}` : 'off'} |`,
    `| faults | ${a.faults.dropRequests} drop requests (${a.faults.dropCount} random customers every ${a.faults.dropEveryMs} ms), ${a.faults.socketsDropped} sockets dropped; ${a.faults.connectionLost} \`connection_lost\`, ${a.faults.connectionRestored} \`connection_restored\` |`,
    `| reconnection time p50 / p95 / p99 / max | ${fmt(a.faults.reconnectMs)} |`,
    `| throughput (agent messages delivered live + customer messages acknowledged) | ${a.throughputPerSecond} messages/s |`,
    `| **agent -> customer** sent (stored) | ${ac.sent} |`,
    `| delivered live / from history after a reconnection / lost | ${ac.deliveredLive} / ${ac.recoveredAfterReconnect} / **${ac.lost}** |`,
    `| duplicated / reordered / to a wrong chat (live copies) | **${ac.duplicates} / ${ac.reordered} / ${ac.deliveredToWrongChat}** |`,
    `| delivery latency p50 / p95 / p99 / max (${ac.latencyMs.count} live messages) | ${fmt(ac.latencyMs)} |`,
    `| **customer -> agent** sends | ${ca.attempted} (${ca.madeWhileDisconnected} made while disconnected) |`,
    `| acknowledged | ${ca.acknowledged} (${ca.madeWhileDisconnectedAcknowledged} of them from the offline queue) |`,
    `| rejected, by code | ${codes(ca.rejectedByCode)} |`,
    `| unsettled at the end / rejected without a code | **${ca.unsettled} / ${ca.rejectedWithoutCode}** |`,
    `| acknowledged and in the chat's history exactly once | ${ca.acknowledgedStoredOnce} of ${ca.acknowledged} |`,
    `| lost / duplicated / reordered (history) | **${ca.lost} / ${ca.duplicates} / ${ca.reordered}** |`,
    `| rejected but stored (the server handled it before the link dropped) / of them "not sent" | ${ca.rejectedButStored} / **${ca.rejectedNotSentButStored}** |`,
    `| acknowledgement latency p50 / p95 / p99 / max, messages made while connected | ${fmt(ca.ackLatencyMs)} |`,
    `| the same, messages made while disconnected (offline queue; the outage included) | ${fmt(ca.ackLatencyQueuedMs)} |`,
    `| send -> stored event timestamp p50 / p95 / p99 / max (1 ms resolution) | ${fmt(ca.storeLatencyMs)} |`,
    `| SDK \`error\` events | ${codes(a.sdkErrorEvents)} |`,
    `| server RSS before the run / peak / after | ${a.serverMemory.beforeRunMiB} / ${a.serverMemory.peakMiB} / ${a.serverMemory.afterMiB} MiB |`,
    `| server event-loop delay p50 / p99 / max; GC pauses (count, total, longest, longest major) | ${pausesText(a.serverPauses)} |`,
    `| CPU during the run, % of one core: server process / bench process (the clients) | ${a.cpuPercentOfOneCore.server} % / ${a.cpuPercentOfOneCore.bench} % |`,
    '',
  );
}
if (b !== undefined) {
  md.push(
    `## B. ${b.slowReaders} slow readers, default caps`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| load | the agent updates a ${b.load.propertyBytes / 1024} KiB chat property (made of "${b.load.propertyChar}") in each slow reader's chat every ${b.load.propertyEveryMs} ms (${b.load.propertyUpdates} updates); the customer's other tab (SDK) sends a ${b.load.senderTextBytes} B message every ${b.load.senderEveryMs} ms on average (${b.load.senderMessagesAcked} acknowledged); ${b.normalClients} normal clients get an agent message a second |`,
    `| phases | ${b.controlSeconds} s with everybody reading, then ${b.fillSeconds} s with the slow readers not reading, then 6 s without load |`,
    `| server RSS before / peak with everybody reading / peak until the load stopped / peak (the slow readers reading again included) / after | ${b.serverMemory.beforeMiB} / ${b.serverMemory.controlPeakMiB} / ${b.serverMemory.peakNotReadingMiB} / **${b.serverMemory.peakMiB}** / ${b.serverMemory.afterMiB} MiB |`,
    `| growth (peak - before) | **${b.serverMemory.growthMiB} MiB**, ${b.serverMemory.growthPerSlowReaderMiB} MiB per slow reader |`,
    `| bound from the caps: growth with everybody reading + the lesser of ${b.slowReaders} x (maxUnsentBytes ${MiB(b.limits.maxUnsentBytes)} MiB + one frame) and 2 x (maxTotalUnsentBytes ${MiB(b.limits.maxTotalUnsentBytes)} MiB + one frame: the bytes held, then the same as garbage once their reader is cut off, until the next collection) + stored messages | ${b.serverMemory.controlGrowthMiB} + ${b.serverMemory.capsMiB} + ${b.serverMemory.storedBytesEstimateMiB} = ${b.serverMemory.boundMiB} MiB |`,
    `| V8 heap used before / at the end of the load / after | ${b.serverMemory.heapUsedBeforeMiB} / ${b.serverMemory.heapUsedAtStopMiB} / ${b.serverMemory.heapUsedAfterMiB} MiB |`,
    `| slow readers ended by the server / seconds after they stopped reading p50 / max | ${b.endedByServer} of ${b.slowReaders} / ${b.endedAtSeconds.p50} / ${b.endedAtSeconds.max} s |`,
    `| bytes each slow reader found waiting (kernel buffers + server queue) | ${b.receivedWhilePausedPerReaderMiB} MiB |`,
    `| close codes the slow readers read | ${codes(b.closeCodes)} |`,
    `| normal clients: agent message latency p50 / p95 / p99 / max, everybody reading | ${fmt(b.normalDeliveryLatencyMs.everybodyReading)} |`,
    `| normal clients: the same, slow readers not reading | ${fmt(b.normalDeliveryLatencyMs.slowReadersNotReading)} (${b.normalDelivered} of ${b.normalExpected} delivered) |`,
    `| server event-loop delay p50 / p99 / max; GC pauses, everybody reading | ${pausesText(b.serverPauses.everybodyReading)} |`,
    `| the same, slow readers not reading | ${pausesText(b.serverPauses.slowReadersNotReading)} |`,
    `| sender tabs: acknowledgement latency, everybody reading / slow readers not reading | ${fmt(b.senderAckLatencyMs.everybodyReading)} / ${fmt(b.senderAckLatencyMs.slowReadersNotReading)} |`,
    '',
  );
}
if (c !== undefined) {
  const row = (label: string, r: Awaited<ReturnType<typeof runSlowReaders>>) =>
    `| ${label} | ${r.receivedWhilePausedPerReaderMiB} MiB | ${r.serverMemory.beforeMiB} / ${r.serverMemory.peakMiB} MiB, ${r.serverMemory.growthPerSlowReaderMiB} MiB per reader | ${r.serverMemory.heapUsedAtStopMiB} MiB | ${r.endedByServer} of ${r.slowReaders}, after ${r.endedAtSeconds.p50} s (p50) | ${codes(r.closeCodes)} |`;
  md.push(
    `## C. The cap with multi-byte text: ${MULTIBYTE_READERS} slow readers, a 32 KiB property every 10 ms, twice`,
    '',
    'The set-up of B, small, run twice on fresh servers: the property is 32 KiB of UTF-8 either way, made of "x" (1 byte a character) or of "' + MULTIBYTE_CHAR + '" (3 bytes a character).',
    '',
    '| property made of | bytes each slow reader found waiting (kernel + server queue) | server RSS before / peak | V8 heap at the end of the load | ended by the server | close codes |',
    '| --- | --- | --- | --- | --- | --- |',
    row('"x" (1 byte)', c.oneByte),
    row(`"${MULTIBYTE_CHAR}" (3 bytes)`, c.threeBytes),
    '',
  );
}
md.push(
  '## Targets',
  '',
  '| target | result | |',
  '| --- | --- | --- |',
  ...targets.map((t) => `| ${t.name} | ${t.met ? 'met' : '**missed**'} | ${t.detail} |`),
  '',
  '## Method',
  '',
  `- **Server.** \`apps/bench/src/server-child.mjs\` starts \`createReferenceServer({ port: 0 })\` (every limit at its default) in a child process (\`fork\`, plain \`node --expose-gc\`). The bench drives it over the IPC channel (tokens, agents) and over its admin HTTP API (\`POST /faults/drop\`, \`GET /chats/:chatId\`, \`GET /customers\`). Its memory is \`process.memoryUsage().rss\` of that process: sampled every 50 ms for the peak (also checked against the kernel's \`VmHWM\`), and read after two forced GCs for "before" and "after".`,
  `- **Clients.** \`@customer-chat/sdk\` (Node build on \`ws\`, incoming validation on, default timeouts and back-off), each its own customer with its own chat; agents (${CHATS_PER_AGENT} chats each) are driven in the server process, as the reference server has no agent connection.`,
  '- **Agent -> customer.** Each agent message carries the time read right before its own `sendMessage` call (`performance.timeOrigin + performance.now()` in the server process); the latency is taken when the customer\'s `new_event` handler runs (same clock, other process). Messages carry a per-chat sequence number: a second live copy is a duplicate, a lower number than one already received live is a reorder. A message sent while the customer\'s link was down cannot be pushed; the client asks for the thread (`get_chat_threads`) on `connection_restored` and counts what it finds as "from history". Lost: sent (in the chat\'s stored history) but neither received live nor found in history after the drain.',
  '- **Customer -> agent.** Each customer message carries its sequence number and the time read right before its own `sendMessage` call. Acknowledged = the `send_event` promise resolved (latency taken then). At the end every chat\'s history is read over the admin API (what the agent sees): each acknowledged message must be there exactly once and the stored order must follow the send order; a rejected message may be there (the server may have handled it before the link dropped: counted apart, never as a loss) unless the SDK said "not sent". Every rejection is counted by its `SDKError` code; a promise still pending after the drain is "unsettled".',
  `- **Faults.** Every ${DROP_EVERY_MS} ms, ${DROP_COUNT} random customers have their sockets terminated by the server (\`POST /faults/drop\`: no close frame, the client sees 1006) until the last ${DROP_EVERY_MS / 2000} s of the run; the SDK reconnects on its own. After the run the bench waits (at most 20 s) until every request settled and every client is connected and caught up.`,
  `- **Slow readers.** A raw WebSocket client on a TCP socket (\`apps/bench/src/raw-ws.ts\`) logs in with \`login\` and calls \`socket.pause()\`: Node stops reading once its stream buffer is full, the kernel buffers fill, then the server's \`bufferedAmount\`. The customer's second tab (SDK) starts the chat and sends to it; the agent updates a large chat property (replaced in the store, so the store does not grow with it) that the server pushes to every connection of the chat. The bench polls \`GET /customers\` every 250 ms: a slow customer down to one connection was ended by the server; its reader reads what waited (up to the close frame: code and reason recorded; a reader the output budget cut off finds its socket closed without one, 1006) 3 s later or when the load stops, whichever comes first (the server cuts a peer off 5 s after its close frame). The load stops when every slow reader is ended, or after ${SLOW_FILL_MAX_MS / 1000} s, and before the server's second heartbeat tick (which would end them for not answering pings). First ${CONTROL_MS / 1000} s of the same load with everybody reading: the server's growth then is the allowance for garbage and buffers of the load itself, and the latency of the normal clients then is the reference. Memory "after": 6 s after the load, two forced GCs.`,
  `- **Multi-byte text (C).** The slow-reader set-up with ${MULTIBYTE_READERS} readers, run twice, the property made of 1-byte or 3-byte characters (same size in UTF-8): the bytes a reader finds waiting when it reads again show what \`maxUnsentBytes\` let the server queue.`,
  '- Figures from one run on a shared machine; rerun `npx --yes pnpm@10.34.8 bench` to refresh them. The bench exits 0 once the figures are written, whatever they are.',
  '',
);
writeFileSync(new URL('load.md', OUT_DIR), md.join('\n'));

// The summary: the tables (the method is in load.md), then one line per target.
console.log(`\n${md.slice(0, md.indexOf('## Targets')).join('\n')}`);
console.log('Targets:');
for (const target of targets) console.log(`  ${target.met ? 'MET   ' : 'MISSED'}  ${target.name}: ${target.detail}`);
if (unhandledRejections > 0) console.log(`  unhandled rejections: ${unhandledRejections} (${unhandledSamples.join(' | ')})`);
for (const failure of failures) console.log(`  ${failure}`);
console.log(`\nfigures written to packages/reference-server/bench/load.md and load.json (${((performance.now() - benchStart) / 1000).toFixed(0)} s)`);
process.exit(0);
