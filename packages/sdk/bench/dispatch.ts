// Push dispatch benchmark (`pnpm bench`): how fast the SDK turns push frames into `on('new_event')`
// calls, against the floor of any client: raw `ws` + JSON.parse + a switch on the action.
//
// A server in a child process (so its sending does not share this process's CPU) sends bursts of
// the same push frame, a `new_event` carrying the spec's message example (~300 bytes), to one
// connection at a time. Each candidate keeps one connection for the whole run (the SDK, validated
// and unvalidated, logs in first as it always does). In a round every candidate receives one burst,
// in rotated order; the figure is this process's CPU time per frame from the burst's start to its
// last frame, and the wall time beside it. Writes bench/dispatch.md.
//
// The candidate's socket is paused while the server queues the whole burst, and resumed when the
// measure starts: every candidate then reads from a full socket, in reads as large as the kernel
// gives. Otherwise a consumer faster than the sender wakes up for every few frames and pays more
// CPU per frame than a slower one (the figures swung from 0.9× to 1.4× between runs).
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';
import { isNewEvent } from '@customer-chat/validators';
import { createCustomerSDK } from '../dist/node.js';
import { createCustomerSDK as createUnvalidated } from '../dist/unvalidated.js';

const FRAMES = 200_000;
const ROUNDS = Number(process.env.DISPATCH_ROUNDS ?? 15);
const HERE = fileURLToPath(import.meta.url);

const EVENT = { id: 'PJ0MRSHTDG_3', type: 'message', chat: 'PJ0MRSHTDG', thread: 'PJ0MRSHTDS', author: 'agent@example.com', timestamp: 1700000002000, text: 'How can I help?' };
const PUSH = JSON.stringify({ action: 'new_event', type: 'push', payload: EVENT });

// ---- the server (child process) ------------------------------------------------------------------

type ServerCommand = { burst: string; frames: number };
/** The server's answer once a burst is queued (handed to `ws`, which sends it as the peer reads). */
type ServerQueued = { queued: string };

function serve(): void {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const sockets = new Map<string, WebSocket>();
  server.on('connection', (socket, request) => {
    const name = new URL(request.url ?? '/', 'ws://x').searchParams.get('licenseId') ?? 'raw';
    sockets.set(name, socket);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { requestId: string; action: string };
      const payload = frame.action === 'login' ? { customerId: 'customer-1' } : { chatsSummary: [], totalChats: 0 };
      socket.send(JSON.stringify({ requestId: frame.requestId, action: frame.action, type: 'response', success: true, payload }));
    });
  });
  server.on('listening', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('message', (command: ServerCommand) => {
    const socket = sockets.get(command.burst)!;
    for (let i = 0; i < command.frames; i++) socket.send(PUSH);
    process.send!({ queued: command.burst } satisfies ServerQueued);
  });
}

// ---- the candidates ------------------------------------------------------------------------------

interface Candidate {
  name: string;
  /** The candidate's `ws` socket, paused while a burst is queued. */
  socket: WebSocket;
  /** Resolves once `frames` pushes were dispatched after `arm(frames)`. */
  arm(frames: number): Promise<void>;
  close(): void;
}

/** Counts calls and resolves when `frames` arrived. */
function counter(): { hit(): void; arm(frames: number): Promise<void> } {
  let left = 0;
  let done: (() => void) | undefined;
  return {
    hit() {
      left -= 1;
      if (left === 0) done?.();
    },
    arm(frames) {
      left = frames;
      return new Promise<void>((resolve) => (done = resolve));
    },
  };
}

async function rawCandidate(port: number): Promise<Candidate> {
  const count = counter();
  const socket = new WebSocket(`ws://127.0.0.1:${port}/raw?licenseId=raw`);
  // The WebSocket-standard listener, as the SDK gets its frames from `ws` (text arrives as a string):
  // the floor pays for the same delivery, and nothing more.
  socket.addEventListener('message', (event) => {
    const frame = JSON.parse(event.data as string) as { action: string; payload: unknown };
    switch (frame.action) {
      case 'new_event':
        count.hit();
        break;
      case 'user_is_typing':
        break;
    }
  });
  await new Promise((resolve) => socket.once('open', resolve));
  return { name: 'raw `ws` + JSON.parse + switch (the floor)', socket, arm: count.arm, close: () => socket.close() };
}

async function sdkCandidate(port: number, validated: boolean): Promise<Candidate> {
  const count = counter();
  const name = validated ? 'sdk' : 'unvalidated';
  // `ws` itself, with the instance the SDK opens kept, to pause it. A constructor that returns the
  // `ws` instance, as the Node entry's default does: every candidate's socket is of one class (a
  // subclass would give `ws`'s own code a second shape to handle on every frame).
  let socket: WebSocket | undefined;
  function KeptWebSocket(url: string): WebSocket {
    socket = new WebSocket(url);
    return socket;
  }
  const options = { url: `ws://127.0.0.1:${port}`, licenseId: name, getToken: () => 'token', WebSocket: KeptWebSocket as never };
  const api = validated ? createCustomerSDK(options) : createUnvalidated(options);
  api.on('new_event', () => count.hit());
  api.on('error', (error) => {
    throw new Error(`the SDK reported an error: ${error.message}`);
  });
  await new Promise((resolve) => api.once('connected', resolve));
  return {
    name: validated ? '@customer-chat/sdk, validation on (default)' : '@customer-chat/sdk/unvalidated',
    socket: socket!,
    arm: count.arm,
    close: () => api.destroy(),
  };
}

// ---- the run -------------------------------------------------------------------------------------

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low]! + (sorted[Math.ceil(at)]! - sorted[low]!) * (at - low);
};

async function main(): Promise<void> {
  if (!isNewEvent(EVENT)) throw new Error('the benchmark frame is not a valid new_event');
  const server: ChildProcess = fork(HERE, ['server'], { execArgv: process.execArgv });
  const { port } = await new Promise<{ port: number }>((resolve) => server.once('message', resolve as never));
  const keys = ['raw', 'sdk', 'unvalidated'];
  const candidates = [await rawCandidate(port), await sdkCandidate(port, true), await sdkCandidate(port, false)];
  const cpu = candidates.map(() => [] as number[]);
  const wall = candidates.map(() => [] as number[]);
  const burst = async (index: number) => {
    const candidate = candidates[index]!;
    candidate.socket.pause();
    const queued = new Promise<void>((resolve) => server.once('message', () => resolve()));
    server.send({ burst: keys[index], frames: FRAMES } satisfies ServerCommand);
    await queued;
    global.gc?.();
    const done = candidate.arm(FRAMES);
    const start = performance.now();
    const startCpu = process.cpuUsage();
    candidate.socket.resume();
    await done;
    const used = process.cpuUsage(startCpu);
    return { cpu: (used.user + used.system) / 1000, wall: performance.now() - start };
  };
  // One warm-up burst each, then rounds in rotated order.
  for (let i = 0; i < candidates.length; i++) await burst(i);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < candidates.length; k++) {
      const index = (round + k) % candidates.length;
      const result = await burst(index);
      cpu[index]!.push(result.cpu);
      wall[index]!.push(result.wall);
    }
    process.stdout.write(`round ${round + 1}/${ROUNDS}\r`);
  }
  for (const candidate of candidates) candidate.close();
  server.kill();

  // Ratios per round against the floor (higher is faster), then their median.
  const ratio = (index: number, of: number[][]) => median(of[index]!.map((value, round) => of[0]![round]! / value));
  const row = (index: number) => {
    const c = cpu[index]!;
    const w = wall[index]!;
    const perFrame = (ms: number) => ((ms * 1e6) / FRAMES).toFixed(0);
    return `| ${candidates[index]!.name} | ${perFrame(median(c))} | ±${((100 * (quantile(c, 0.75) - quantile(c, 0.25))) / 2 / median(c)).toFixed(1)} % | ${ratio(index, cpu).toFixed(2)} | ${Math.round(FRAMES / (median(w) / 1000)).toLocaleString('en-US')} | ${ratio(index, wall).toFixed(2)} |`;
  };
  const validatedRatio = ratio(1, cpu);
  const unvalidatedRatio = ratio(2, cpu);
  const verdict = (value: number, target: number) => `${value.toFixed(2)}× (target ≥ ${target}×: ${value >= target ? 'met' : 'not met'})`;
  const report = [
    '# SDK push dispatch (`pnpm bench`)',
    '',
    `Generated by \`pnpm --filter @customer-chat/sdk bench\` (bench/dispatch.ts) on ${new Date().toISOString().slice(0, 10)}: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}.`,
    `${FRAMES.toLocaleString('en-US')} push frames per burst (a \`new_event\` with the spec's message example, ${PUSH.length} bytes), sent over loopback by a server in a child process, queued while the candidate's socket is paused and read once it resumes (so every candidate reads from a full socket); ${ROUNDS} rounds, each candidate one burst per round in rotated order, after one warm-up burst each.`,
    "CPU: this process's user + system time per frame from the burst's start to its last dispatched frame (median over the rounds; spread: the interquartile range as ± half its share of the median). × floor: the median of the per-round ratios floor ÷ candidate (higher is faster). Wall: frames per second of the same bursts.",
    '',
    `**Validation on: ${verdict(validatedRatio, 0.9)}; unvalidated: ${verdict(unvalidatedRatio, 0.95)}** (CPU per frame against the floor).`,
    '',
    '| candidate | CPU ns/frame (median) | spread (IQR) | × floor (CPU) | frames/s (wall, median) | × floor (wall) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...candidates.map((_, index) => row(index)),
    '',
    'What each does per frame: the floor gets each frame from `ws` through the standard `message` listener (as the SDK does), parses the JSON and switches on `action`. The SDK also decodes the frame if it is binary, classifies it by its header fields (no allocation), looks the action up in its per-action table, runs the payload guard (validated entry), and calls the listeners of `new_event` (one here: the SDK\'s own, which follows which chats are active, listens only while a chat\'s thread is closed, and none is here).',
    '',
  ].join('\n');
  writeFileSync(new URL('dispatch.md', import.meta.url), report);
  console.log(report);
}

if (process.argv[2] === 'server') serve();
else await main();
