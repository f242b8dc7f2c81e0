// The reference server of the load bench, in a process of its own so its memory is measured alone.
// Started by load/server.ts with `fork` (plain `node --expose-gc`, no TypeScript loader), with the
// server's default limits: only the ports are chosen (0, free ones). It talks to the bench over the
// IPC channel of `fork`:
//
//   -> { id, cmd: 'tokens', count }                   <- { id, tokens: [{ token, customerId }] }
//   -> { id, cmd: 'join', pairs: [[agentId, chatId]] } <- { id, joined }
//   -> { id, cmd: 'agentRun', plan }                   <- { id } at once, then the agent runs on timers
//   -> { id, cmd: 'agentStop' }                        <- { id, messages, properties, errors }
//   -> { id, cmd: 'memory', gc? }                      <- { id, rss, heapUsed, external, arrayBuffers, peakRss, hwm, cpu, loopDelayMs, gc }
//   -> { id, cmd: 'resetPeak' }                        <- { id } (peak RSS, event-loop delay and GC pauses start over)
//   -> { id, cmd: 'close' }                            <- { id }, then the process exits
//
// The agent messages carry their own send time: the text is `a:<seq>:<time>` where <time> is
// `performance.timeOrigin + performance.now()` read right before that very `sendMessage` call, so
// the bench measures delivery latency per message (agent send -> the customer's `new_event`),
// across the two processes (both read the same system clock).
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { createReferenceServer } from '@customer-chat/reference-server';

const logged = [];
const server = await createReferenceServer({
  port: 0,
  // Server complaints (a handler bug, a failed connection) go to the bench, which counts them.
  log: (message, error) => {
    const line = `${message}${error === undefined ? '' : ` ${error instanceof Error ? error.message : String(error)}`}`;
    if (logged.length < 1000) logged.push(line);
    process.stderr.write(`${line}\n`);
  },
});

const now = () => performance.timeOrigin + performance.now();

// ---- memory: process.memoryUsage() every 50 ms, the peak since the last reset ------------------
let peakRss = 0;
const sampleMemory = () => {
  const { rss } = process.memoryUsage();
  if (rss > peakRss) peakRss = rss;
  return rss;
};
const sampler = setInterval(sampleMemory, 50);

// ---- how long the event loop was held up, and by garbage collection, since the last reset ----------
// The histogram records each 10 ms timer interval as measured; the delay is what exceeds 10 ms.
const LOOP_RESOLUTION_MS = 10;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loopDelay.enable();
let gc = { count: 0, totalMs: 0, maxMs: 0, majorCount: 0, majorMaxMs: 0 };
const MAJOR_GC = 4; // NODE_PERFORMANCE_GC_MAJOR (mark-sweep-compact)
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.count += 1;
    gc.totalMs += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
    if (entry.detail?.kind === MAJOR_GC) {
      gc.majorCount += 1;
      gc.majorMaxMs = Math.max(gc.majorMaxMs, entry.duration);
    }
  }
}).observe({ entryTypes: ['gc'] });
const pauses = () => ({
  loopDelayMs: {
    p50: Math.max(0, loopDelay.percentile(50) / 1e6 - LOOP_RESOLUTION_MS),
    p99: Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
    max: Math.max(0, loopDelay.max / 1e6 - LOOP_RESOLUTION_MS),
  },
  gc: { count: gc.count, totalMs: +gc.totalMs.toFixed(1), maxMs: +gc.maxMs.toFixed(1), majorCount: gc.majorCount, majorMaxMs: +gc.majorMaxMs.toFixed(1) },
});

/** The kernel's high-water mark of this process's RSS (Linux), in bytes; undefined elsewhere. */
function highWaterMark() {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

// ---- the agents -----------------------------------------------------------------------------
const agents = new Map();
const agentOf = (id) => {
  let agent = agents.get(id);
  if (agent === undefined) agents.set(id, (agent = server.agent(id, { name: `Bench ${id}` })));
  return agent;
};

/**
 * The agent's part of a run. `plan`:
 *   messages:   [{ agentId, chatId }] chats that get a stamped text message every `messageEveryMs`
 *   properties: [{ agentId, chatId }] chats that get a chat property of `propertyBytes` (UTF-8, made of
 *               `propertyChar`) every `propertyEveryMs`
 * Each chat has its own phase (spread over the period), so the sends are not one burst per period;
 * timers tick every `tickMs` and send what is due.
 */
let run;
function startRun(plan) {
  const tickMs = plan.tickMs ?? 20;
  const started = now();
  const state = {
    timer: undefined,
    messages: new Map(),
    properties: 0,
    errors: {},
  };
  const messageChats = (plan.messages ?? []).map((entry, i, all) => ({
    ...entry,
    agent: agentOf(entry.agentId),
    next: started + (plan.messageEveryMs * i) / Math.max(1, all.length),
    seq: 0,
  }));
  const propertyChats = (plan.properties ?? []).map((entry, i, all) => ({
    ...entry,
    agent: agentOf(entry.agentId),
    next: started + (plan.propertyEveryMs * i) / Math.max(1, all.length),
    n: 0,
  }));
  // `propertyBytes` of UTF-8: a character of 1 byte ('x') or more (`propertyChar`).
  const char = plan.propertyChar ?? 'x';
  const blob = char.repeat(Math.floor((plan.propertyBytes ?? 0) / Buffer.byteLength(char)));
  const countError = (error) => {
    const key = error?.type ?? error?.code ?? error?.name ?? 'unknown';
    state.errors[key] = (state.errors[key] ?? 0) + 1;
  };
  const tick = () => {
    const t = now();
    if (plan.durationMs !== undefined && t - started >= plan.durationMs) return;
    for (const chat of messageChats) {
      // At most a few periods behind: a stalled loop catches up without a storm.
      if (chat.next < t - 3 * plan.messageEveryMs) chat.next = t - 3 * plan.messageEveryMs;
      while (chat.next <= t) {
        chat.next += plan.messageEveryMs;
        const seq = chat.seq++;
        try {
          chat.agent.sendMessage(chat.chatId, `a:${seq}:${now().toFixed(3)}`, { customId: `a-${seq}` });
          state.messages.set(chat.chatId, seq + 1);
        } catch (error) {
          countError(error);
        }
      }
    }
    for (const chat of propertyChats) {
      if (chat.next < t - 3 * plan.propertyEveryMs) chat.next = t - 3 * plan.propertyEveryMs;
      while (chat.next <= t) {
        chat.next += plan.propertyEveryMs;
        try {
          // One property, replaced each time: the store does not grow, only what is pushed.
          chat.agent.updateChatProperties(chat.chatId, { bench: { blob, n: chat.n++ } });
          state.properties += 1;
        } catch (error) {
          countError(error);
        }
      }
    }
  };
  state.timer = setInterval(tick, tickMs);
  return state;
}

function stopRun() {
  if (run === undefined) return { messages: {}, properties: 0, errors: {} };
  clearInterval(run.timer);
  const result = { messages: Object.fromEntries(run.messages), properties: run.properties, errors: run.errors };
  run = undefined;
  return result;
}

// ---- commands -------------------------------------------------------------------------------
async function handle(message) {
  switch (message.cmd) {
    case 'tokens':
      return { tokens: Array.from({ length: message.count }, () => server.issueToken(message.customerId)) };
    case 'join': {
      let joined = 0;
      for (const [agentId, chatId] of message.pairs) if (agentOf(agentId).joinChat(chatId)) joined += 1;
      return { joined };
    }
    case 'agentRun':
      stopRun();
      run = startRun(message.plan);
      return {};
    case 'agentStop':
      return stopRun();
    case 'memory': {
      if (message.gc === true && typeof globalThis.gc === 'function') {
        globalThis.gc();
        globalThis.gc();
      }
      const usage = process.memoryUsage();
      sampleMemory();
      return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, peakRss, hwm: highWaterMark(), logged: logged.length, cpu: process.cpuUsage(), ...pauses() };
    }
    case 'resetPeak':
      // The peak RSS, the event-loop delay and the GC pauses start over.
      peakRss = sampleMemory();
      loopDelay.reset();
      gc = { count: 0, totalMs: 0, maxMs: 0, majorCount: 0, majorMaxMs: 0 };
      return {};
    case 'close':
      stopRun();
      clearInterval(sampler);
      await server.close();
      return {};
    default:
      throw new Error(`unknown command ${String(message.cmd)}`);
  }
}

process.on('message', (message) => {
  handle(message).then(
    (result) => {
      process.send({ id: message.id, ok: true, ...result });
      if (message.cmd === 'close') process.disconnect();
    },
    (error) => process.send({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
// The bench went away (crashed or done): never outlive it.
process.on('disconnect', () => {
  clearInterval(sampler);
  server.close().finally(() => process.exit(0));
});

process.send({ ready: true, url: server.url, socketUrl: server.socketUrl('bench'), adminUrl: server.adminUrl, pid: process.pid });
