// Run A, delivery under faults: CLIENTS SDK clients chat with their agents for RUN_SECONDS while
// random sockets are dropped from the server side; then what each side got is checked against what was
// sent (live, from history, stored), with latencies, reconnections, memory and CPU.
import { performance } from 'node:perf_hooks';
import { eachLimited, sleep, waitFor } from './async.js';
import { catchUp, connectClients, newCounters, parseStamped, sendCustomerMessage, type Client } from './clients.js';
import { AGENT_EVERY_MS, CHATS_PER_AGENT, CLIENTS, CUSTOMER_EVERY_MS, DROP_COUNT, DROP_EVERY_MS, OFFLINE_QUEUE, RUN_MS } from './config.js';
import { log } from './log.js';
import { withServer } from './run.js';
import type { ServerProcess } from './server.js';
import { distribution, MiB, tally } from './stats.js';

export function runDelivery() {
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

export type DeliveryResult = Awaited<ReturnType<typeof runDelivery>>;
