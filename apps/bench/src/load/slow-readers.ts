// Runs B and C, slow readers: raw WebSocket clients that stop reading while their chat gets a large
// property pushed; measured is whether the server's caps bound its memory and cut them off, and what
// it costs the clients that keep reading. C is the same set-up, small, with 1-byte then 3-byte text.
import { performance } from 'node:perf_hooks';
import { DEFAULT_LIMITS } from '@customer-chat/reference-server';
import { RawWebSocket, type RawClose } from '../raw-ws.js';
import { sleep } from './async.js';
import { connectClients, newCounters, sendCustomerMessage } from './clients.js';
import { CHATS_PER_AGENT, CONTROL_MS, PROPERTY_BYTES, SENDER_EVERY_MS, SENDER_TEXT_BYTES } from './config.js';
import { log } from './log.js';
import { trackRaw, withServer } from './run.js';
import type { ServerProcess } from './server.js';
import { distribution, MiB, tally } from './stats.js';

export interface SlowReaderConfig {
  readers: number;
  normalClients: number;
  /** The character the large property is made of (its UTF-8 size is PROPERTY_BYTES either way). */
  char: string;
  propertyEveryMs: number;
  fillMaxMs: number;
}

export function runSlowReaders(config: SlowReaderConfig) {
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
          trackRaw(raw);
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

export type SlowReadersResult = Awaited<ReturnType<typeof runSlowReaders>>;
/** Run C: the slow-reader set-up run twice, the property made of 1-byte, then of 3-byte characters. */
export interface MultibyteResult {
  oneByte: SlowReadersResult;
  threeBytes: SlowReadersResult;
}
