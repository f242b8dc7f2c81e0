// The report: the figures written to packages/reference-server/bench/load.json (all of them) and
// load.md (the tables, the targets and the method), and the summary printed at the end of the bench.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { CHATS_PER_AGENT, CONTROL_MS, DROP_COUNT, DROP_EVERY_MS, MULTIBYTE_CHAR, MULTIBYTE_READERS, OUT_DIR, SLOW_FILL_MAX_MS } from './config.js';
import { codes, fmt, pausesText } from './format.js';
import { benchSeconds } from './log.js';
import type { SlowReadersResult } from './slow-readers.js';
import { MiB } from './stats.js';
import { targetsOf, type TargetInput } from './targets.js';

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}, ${process.platform}`;

/** What the bench produced: the runs' results and failures, and the unhandled rejections seen meanwhile. */
export interface BenchOutcome extends TargetInput {
  unhandledSamples: readonly string[];
}

/** Judges the targets, writes load.json and load.md, prints the summary. */
export function writeReport({ a, b, c, failures, unhandledRejections, unhandledSamples }: BenchOutcome): void {
  const targets = targetsOf({ a, b, c, failures, unhandledRejections });

  const date = new Date().toISOString();
  const results = { date, machine, cores: cpus().length, delivery: a ?? null, slowReaders: b ?? null, multibyteReaders: c ?? null, unhandledRejections, unhandledSamples, failures, targets };
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
    const row = (label: string, r: SlowReadersResult) =>
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
  console.log(`\nfigures written to packages/reference-server/bench/load.md and load.json (${benchSeconds().toFixed(0)} s)`);
}
