// An SDK client of the bench: a customer with a chat of its own, whose events are counted (live agent
// messages: copies, order, latency; reconnections; catch-up from history after one) and whose sends are
// recorded with their outcome, for the runs to check against what the server stored. `now()` is the
// clock both processes stamp messages with (server-child.mjs reads the same one).
import { performance } from 'node:perf_hooks';
import { createCustomerSDK, isSDKError, type CustomerSDK } from '@customer-chat/sdk';
import { LICENSE, OFFLINE_QUEUE } from './config.js';
import { trackSdk } from './run.js';
import type { ServerProcess } from './server.js';
import { tally } from './stats.js';

export const now = (): number => performance.timeOrigin + performance.now();

export function errorCode(error: unknown): string {
  return isSDKError(error) ? error.code : error instanceof Error ? `NO_CODE (${error.name})` : 'NO_CODE';
}

export interface SendRecord {
  seq: number;
  /** Made while the client was not connected (so it went to the offline queue, or failed unsent). */
  whileDown: boolean;
  /** 'pending', 'acked', or the rejection's code. */
  outcome: string;
  /** For a rejection: whether the SDK says it went out (`details.sent !== false`). */
  sent: boolean;
}

export interface Client {
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

export interface Counters {
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

export function newCounters(): Counters {
  return { agentLatency: [], ackLatency: [], ackLatencyQueued: [], sdkErrors: {}, disconnected: {}, reconnectMs: [], foreignEvents: 0, catchUps: 0, catchUpFailures: {} };
}

/** `a:<seq>:<stamp>` (agent) or `c:<seq>:<stamp>` (customer): [seq, stamp], or undefined. */
export function parseStamped(text: unknown, prefix: 'a' | 'c'): [number, number] | undefined {
  if (typeof text !== 'string' || !text.startsWith(`${prefix}:`)) return undefined;
  const second = text.indexOf(':', 2);
  if (second < 0) return undefined;
  const third = text.indexOf(':', second + 1);
  return [Number(text.slice(2, second)), Number(text.slice(second + 1, third < 0 ? undefined : third))];
}

export async function connectClient(server: ServerProcess, counters: Counters, index: number, token: { token: string; customerId: string }, agentId: string, options: { offlineQueue: boolean }): Promise<Client> {
  const api = createCustomerSDK({
    url: server.url,
    licenseId: LICENSE,
    getToken: () => token.token,
    validate: true,
    ...(options.offlineQueue && OFFLINE_QUEUE > 0 ? { offlineQueue: { max: OFFLINE_QUEUE } } : {}),
  });
  trackSdk(api);
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
export async function catchUp(client: Client, counters: Counters): Promise<void> {
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
export function sendCustomerMessage(client: Client, counters: Counters, text?: string): Promise<void> {
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
export async function connectClients(server: ServerProcess, counters: Counters, tokens: { token: string; customerId: string }[], agentOf: (index: number) => string, offlineQueue: boolean): Promise<Client[]> {
  const clients: Client[] = [];
  for (let first = 0; first < tokens.length; first += 100) {
    clients.push(...(await Promise.all(tokens.slice(first, first + 100).map((token, i) => connectClient(server, counters, first + i, token, agentOf(first + i), { offlineQueue })))));
  }
  return clients;
}
