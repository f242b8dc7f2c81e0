// Load benchmark of the reference server, run by `pnpm bench`. The server runs in a child process
// of its own (server-child.mjs, plain `node`, default limits), so its memory is measured alone; the
// SDK clients run here. Three runs, each on fresh servers (knobs: the BENCH_* variables of
// load/config.ts):
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
//    agent keeps updating a large chat property (pushed to every connection of the chat);
//    SLOW_NORMAL_CLIENTS normal clients keep chatting meanwhile. Reported: the server's RSS before,
//    at its peak and after, how many slow readers the server cut off (1008 from a connection's cap,
//    1006 when the output budget terminated it), and the normal clients' latency.
// C. The same, small, twice: the property made of 1-byte, then of 3-byte characters, to see whether
//    maxUnsentBytes holds for multi-byte text.
//
// Writes packages/reference-server/bench/load.json and load.md and prints a summary with one
// line per target, met or missed. Always exits 0 once the figures are written: a bench reports, it
// does not assert. Every loop is bounded in count and time.
//
// This file is the entry: the watchdog, the count of unhandled rejections, the three runs in order
// (a failed run is recorded and the next one still runs), then the report. The rest is in ./load/:
// config.ts (the BENCH_* knobs), server.ts (the server's process), run.ts (one run's lifetime),
// clients.ts (an SDK client of the bench), delivery.ts (run A), slow-readers.ts (runs B and C),
// stats.ts, format.ts, targets.ts and report.ts (the figures and what is written), log.ts, async.ts.
import { MULTIBYTE_CHAR, MULTIBYTE_READERS, PROPERTY_EVERY_MS, SLOW_FILL_MAX_MS, SLOW_NORMAL_CLIENTS, SLOW_READERS } from './load/config.js';
import { runDelivery, type DeliveryResult } from './load/delivery.js';
import { startBenchClock } from './load/log.js';
import { writeReport } from './load/report.js';
import { runSlowReaders, type MultibyteResult, type SlowReadersResult } from './load/slow-readers.js';

// The bench starts now, every module loaded: the progress log counts from here.
startBenchClock();

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

let a: DeliveryResult | undefined;
let b: SlowReadersResult | undefined;
let c: MultibyteResult | undefined;
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

writeReport({ a, b, c, failures, unhandledRejections, unhandledSamples });
process.exit(0);
