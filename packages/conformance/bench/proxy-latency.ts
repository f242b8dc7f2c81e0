// What the validating proxy adds to a round trip on loopback (`pnpm bench`; writes proxy-latency.md).
// Separate processes, as in use: the reference server, the proxy (src/proxy.ts, run from source;
// one checking, one with --enforce) and this client. The client sends `send_sneak_peek` requests at 1,000 a second, paced on a 1 ms timer
// (not in bursts), and times each until its response arrives: 1,000 frames/s each way through the
// proxy, each checked against the spec. Rounds interleave the paths (direct to the server, through
// the proxy, through the proxy with --enforce), in a rotating order, each on its own connection;
// the added latency is the proxy's figure minus the direct one of the same round. The target is
// judged for each path on its own: the checking proxy and the proxy with --enforce.
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const ROUNDS = 6;
const ROUND_MS = 2500;
// Warm-up: each path in turn, twice over, so that the start-up garbage collections (V8's memory
// reducer runs full collections, pauses of several ms, about 8 s into each process, and code not
// run then is flushed) are over, and every path ran again since, before the rounds.
const WARMUP_MS = 2000;
const WARMUP_PASSES = 2;
const RATE_PER_S = 1000;
const TARGET_P99_ADDED_MS = 1;
const TEXT = { binary: false } as const;
const OUTPUT = fileURLToPath(new URL('./proxy-latency.md', import.meta.url));

type Role = 'server' | 'proxy';

/** Child process: the reference server, or the proxy; says where it listens over IPC. */
async function child(role: Role): Promise<void> {
  if (role === 'server') {
    const { createReferenceServer } = await import('@customer-chat/reference-server');
    const server = await createReferenceServer({ port: 0, adminPort: 0, heartbeatIntervalMs: 0, loginTimeoutMs: 0, log: () => {} });
    const tokens = [0, 1, 2].map(() => server.issueToken().token);
    process.send!({ url: server.url, socketUrl: server.socketUrl(), tokens });
  } else {
    const { startValidatingProxy } = await import('../src/proxy.js');
    let violations = 0;
    const proxy = await startValidatingProxy({ listen: { host: '127.0.0.1', port: 0 }, upstream: process.argv[3]!, enforce: process.argv[4] === 'enforce', onViolation: () => violations++ });
    process.on('message', () => process.send!({ summary: proxy.summary(), violations, cpu: process.cpuUsage() }));
    process.send!({ url: proxy.url });
  }
  process.on('disconnect', () => process.exit(0));
}

function start(role: Role, args: string[] = []): Promise<{ process: ChildProcess; message: Record<string, unknown> }> {
  const processOf = fork(fileURLToPath(import.meta.url), [role, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    processOf.once('message', (message) => resolve({ process: processOf, message: message as Record<string, unknown> }));
    processOf.once('exit', (code) => reject(new Error(`the ${role} process ended (${code}) before it listened`)));
  });
}

interface ProxyState {
  summary: { frames: { client: number; server: number } };
  violations: number;
  cpu: NodeJS.CpuUsage;
}

function stateOf(proxy: ChildProcess): Promise<ProxyState> {
  return new Promise((resolve) => {
    proxy.once('message', (message) => resolve(message as ProxyState));
    proxy.send('state');
  });
}

/** The start of the replies to the timed requests (the reference server writes `requestId` first). */
const TIMED_PREFIX = Buffer.from('{"requestId":"#');
const SUCCESS = Buffer.from('"success":true');
const MAX_COUNT = Math.round((Math.max(ROUND_MS, WARMUP_MS) * RATE_PER_S) / 1000);

/**
 * A logged-in connection with a chat, ready to send sneak peeks. The timed path allocates next to
 * nothing (frames encoded once, replies read as bytes), so that the client's own garbage collections
 * stay out of the figures.
 */
class Client {
  #frames: Buffer[] = [];
  #sentAt = new Float64Array(MAX_COUNT);
  #latencies = new Float64Array(MAX_COUNT);
  #answered = 0;
  #pending = new Map<string, (frame: Record<string, unknown>) => void>();
  #failures = 0;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const received = performance.now();
      if (data.compare(TIMED_PREFIX, 0, TIMED_PREFIX.length, 0, TIMED_PREFIX.length) === 0) {
        let k = 0;
        for (let i = TIMED_PREFIX.length; data[i] !== 0x22; i++) k = k * 10 + data[i]! - 0x30;
        if (data.indexOf(SUCCESS) === -1) this.#failures++;
        this.#latencies[this.#answered++] = received - this.#sentAt[k]!;
        return;
      }
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      if (typeof frame.requestId === 'string') this.#pending.get(frame.requestId)?.(frame);
    });
  }

  static async open(url: string, token: string): Promise<{ client: Client; chat: string }> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const client = new Client(socket);
    await client.call('login', { token });
    const started = await client.call('start_chat', {});
    const chat = (started.payload as { chat: { id: string } }).chat.id;
    client.#frames = Array.from({ length: MAX_COUNT }, (_, k) => Buffer.from(JSON.stringify({ requestId: `#${k}`, action: 'send_sneak_peek', payload: { chat, text: `typing ${k}` } })));
    return { client, chat };
  }

  call(action: string, payload: unknown): Promise<Record<string, unknown>> {
    const requestId = `${action}-${Math.random().toString(36).slice(2)}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(requestId, (frame) => {
        this.#pending.delete(requestId);
        if (frame.success === true) resolve(frame);
        else reject(new Error(`${action} failed: ${JSON.stringify(frame)}`));
      });
      this.socket.send(JSON.stringify({ requestId, action, payload }));
    });
  }

  /** Sends requests for `durationMs`, paced at RATE_PER_S; resolves with each round trip in ms once all are answered. */
  async round(durationMs: number): Promise<{ latencies: number[]; maxBurst: number; sentPerS: number; failures: number }> {
    const count = Math.round((durationMs * RATE_PER_S) / 1000);
    const interval = 1000 / RATE_PER_S;
    const frames = this.#frames;
    const sentAt = this.#sentAt;
    this.#answered = 0;
    this.#failures = 0;
    let next = 0;
    let maxBurst = 0;
    const begin = performance.now();
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const now = performance.now();
        let burst = 0;
        while (next < count && begin + next * interval <= now) {
          sentAt[next] = performance.now();
          this.socket.send(frames[next]!, TEXT);
          next++;
          burst++;
        }
        if (burst > maxBurst) maxBurst = burst;
        if (next < count) setTimeout(tick, Math.max(0, begin + next * interval - performance.now()));
        else resolve();
      };
      tick();
    });
    const sentPerS = (count / (performance.now() - begin)) * 1000;
    while (this.#answered < count) await new Promise((resolve) => setTimeout(resolve, 5));
    return { latencies: Array.from(this.#latencies.subarray(0, count)), maxBurst, sentPerS, failures: this.#failures };
  }

  close(): void {
    this.socket.close();
  }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

interface Stats {
  median: number;
  p99: number;
}

function stats(latencies: readonly number[]): Stats {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

const ms = (value: number): string => value.toFixed(3);
const range = (values: readonly number[]): string => `${ms(Math.min(...values))} – ${ms(Math.max(...values))}`;

async function main(): Promise<void> {
  const server = await start('server');
  const { url: serverUrl, socketUrl, tokens } = server.message as { url: string; socketUrl: string; tokens: string[] };
  const checking = await start('proxy', [serverUrl, 'check']);
  const enforcing = await start('proxy', [serverUrl, 'enforce']);
  const paths = [
    { name: 'direct', label: 'direct to the server', url: socketUrl },
    { name: 'proxy', label: 'through the proxy', url: socketUrl.replace(serverUrl, checking.message.url as string) },
    { name: 'enforce', label: 'through the proxy, --enforce', url: socketUrl.replace(serverUrl, enforcing.message.url as string) },
  ] as const;
  const clients = await Promise.all(paths.map((path, i) => Client.open(path.url, tokens[i]!)));

  for (let pass = 0; pass < WARMUP_PASSES; pass++) {
    for (const { client } of clients) await client.round(WARMUP_MS);
    process.stderr.write(`warm-up pass ${pass + 1} done\n`);
  }

  const load = loadavg()[0]!;
  const before = await Promise.all([checking, enforcing].map(({ process: proxyProcess }) => stateOf(proxyProcess)));
  type Name = (typeof paths)[number]['name'];
  const all: Record<Name, number[]> = { direct: [], proxy: [], enforce: [] };
  const perRound: Array<Record<Name, Stats>> = [];
  const orders: string[] = [];
  let maxBurst = 0;
  let slowestRate = Number.POSITIVE_INFINITY;
  let failures = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const order = paths.map((_, i) => (i + round) % paths.length);
    orders.push(order.map((i) => paths[i]!.name).join(', '));
    const figures = {} as Record<Name, Stats>;
    for (const i of order) {
      const { client } = clients[i]!;
      const result = await client.round(ROUND_MS);
      const name = paths[i]!.name;
      all[name].push(...result.latencies);
      figures[name] = stats(result.latencies);
      maxBurst = Math.max(maxBurst, result.maxBurst);
      slowestRate = Math.min(slowestRate, result.sentPerS);
      failures += result.failures;
    }
    perRound.push(figures);
    process.stderr.write(
      `round ${round + 1}: ${orders.at(-1)}: ${paths.map(({ name }) => `${name} median ${ms(figures[name].median)} p99 ${ms(figures[name].p99)}`).join('; ')}\n`,
    );
  }

  const after = await Promise.all([checking, enforcing].map(({ process: proxyProcess }) => stateOf(proxyProcess)));
  /** The proxy's CPU time (user + system) per frame it relayed during the rounds, in µs. */
  const cpuPerFrame = after.map((state, i) => {
    const frames = state.summary.frames.client + state.summary.frames.server - before[i]!.summary.frames.client - before[i]!.summary.frames.server;
    return (state.cpu.user + state.cpu.system - before[i]!.cpu.user - before[i]!.cpu.system) / frames;
  });
  for (const { client } of clients) client.close();
  for (const child of [server, checking, enforcing]) child.process.disconnect();

  const pooled = { direct: stats(all.direct), proxy: stats(all.proxy), enforce: stats(all.enforce) };
  const added = (name: 'proxy' | 'enforce') => ({
    median: pooled[name].median - pooled.direct.median,
    p99: pooled[name].p99 - pooled.direct.p99,
    roundMedians: perRound.map((r) => r[name].median - r.direct.median),
    roundP99s: perRound.map((r) => r[name].p99 - r.direct.p99),
  });
  const addedProxy = added('proxy');
  const addedEnforce = added('enforce');
  /** The target's verdict for one path, with the figures it rests on. */
  const verdict = (label: string, figures: ReturnType<typeof added>): string => {
    const met = figures.p99 < TARGET_P99_ADDED_MS;
    const worstRoundP99 = Math.max(...figures.roundP99s);
    const medianRoundP99 = quantile([...figures.roundP99s].sort((a, b) => a - b), 0.5);
    const roundsOver = figures.roundP99s.filter((p99) => p99 >= TARGET_P99_ADDED_MS).length;
    return `- ${label}: **${met ? 'met' : 'not met'}** (p99 added ${ms(figures.p99)} ms over all round trips; per round: median ${ms(medianRoundP99)} ms, worst ${ms(worstRoundP99)} ms, ${roundsOver} of ${ROUNDS} rounds at ${TARGET_P99_ADDED_MS} ms or more). Median added: ${ms(figures.median)} ms.`;
  };
  const directP99s = perRound.map((r) => r.direct.p99);
  const cpu = cpus();
  const date = new Date().toISOString().slice(0, 10);
  const samples = all.direct.length;

  const markdown = `# Validating proxy: added latency on loopback

Generated by \`pnpm --filter @customer-chat/conformance bench\` (bench/proxy-latency.ts) on ${date}: ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${platform()} ${release()} ${arch()}, Node ${process.version}; load average ${load.toFixed(2)} when the rounds began (other work on the machine shows in the p99 figures).

Four processes on 127.0.0.1: the reference server, two proxies (src/proxy.ts run from source; one checking, one with \`--enforce\`) and the client. The client sends \`send_sneak_peek\` requests at ${RATE_PER_S.toLocaleString('en')}/s, paced on a 1 ms timer (at most ${maxBurst} sent in one tick; the slowest round sent ${Math.round(slowestRate).toLocaleString('en')}/s), and times each until its response arrives: ${RATE_PER_S.toLocaleString('en')} frames/s each way through the proxy, every one checked against the spec. ${ROUNDS} rounds of ${ROUND_MS / 1000} s per path after a warm-up (each path ${WARMUP_MS / 1000} s in turn, ${WARMUP_PASSES} times over), the paths interleaved in a rotating order (${orders.slice(0, 3).map((o) => `(${o})`).join(', ')}, ...), each path on its own connection; ${samples.toLocaleString('en')} round trips per path${failures === 0 ? ', every one answered with success' : `, ${failures} answered with an error`}. Added latency: the proxy's figure minus the direct one; overall from the pooled round trips, spread as the lowest – highest of the per-round differences (same round).

**Target: p99 added < ${TARGET_P99_ADDED_MS} ms at ${RATE_PER_S.toLocaleString('en')} frames/s**, judged for each path on its own (the overall p99 decides; the per-round figures show how steady it is):

${verdict('through the proxy (checking: each frame passed on, then checked)', addedProxy)}
${verdict('through the proxy with `--enforce` (each frame checked before it is passed on)', addedEnforce)}

The p99 figures move with whatever else the machine runs: the direct path's own p99 ranged ${range(directP99s)} ms from round to round here, with nothing of the proxy on it. The medians are steady.

| path | round trip median (ms) | round trip p99 (ms) |
| --- | ---: | ---: |
${paths.map(({ name, label }) => `| ${label} | ${ms(pooled[name].median)} | ${ms(pooled[name].p99)} |`).join('\n')}

| added by | median (ms) | median, per round (ms) | p99 (ms) | p99, per round (ms) |
| --- | ---: | ---: | ---: | ---: |
| the proxy | ${ms(addedProxy.median)} | ${range(addedProxy.roundMedians)} | ${ms(addedProxy.p99)} | ${range(addedProxy.roundP99s)} |
| the proxy, --enforce | ${ms(addedEnforce.median)} | ${range(addedEnforce.roundMedians)} | ${ms(addedEnforce.p99)} | ${range(addedEnforce.roundP99s)} |

Per round (ms):

| round | order | direct median / p99 | proxy median / p99 | --enforce median / p99 |
| ---: | --- | ---: | ---: | ---: |
${perRound.map((r, i) => `| ${i + 1} | ${orders[i]} | ${ms(r.direct.median)} / ${ms(r.direct.p99)} | ${ms(r.proxy.median)} / ${ms(r.proxy.p99)} | ${ms(r.enforce.median)} / ${ms(r.enforce.p99)} |`).join('\n')}

The proxies relayed ${after.map(({ summary }) => `${summary.frames.client.toLocaleString('en')} / ${summary.frames.server.toLocaleString('en')}`).join(' and ')} frames in all (client→server / server→client; checking, enforcing) with ${after.map((state) => state.violations).join(' and ')} violations. CPU time of the proxy process per frame relayed during the rounds (user + system, the sockets' work included): ${cpuPerFrame.map((us) => `${us.toFixed(1)} µs`).join(' checking, ')} enforcing.

What the warm-up keeps out: in its first ~10 s a Node process runs V8's start-up full collections (the memory reducer), pauses of a few ms, and flushes code it did not run meanwhile; with a single short warm-up they fell into the first round, whose p99 through a proxy then reached a few ms. A proxy that has just started may show that once.

How the proxy keeps its share small: it passes the very bytes it received on (no re-serialising), and without \`--enforce\` it sends a frame on before checking it, so the check is off the frame's way; with \`--enforce\` the check (JSON.parse and the generated guard) comes first. No compression on either hop.
`;
  writeFileSync(OUTPUT, markdown);
  process.stdout.write(markdown);
}

const role = process.argv[2];
if (role === 'server' || role === 'proxy') await child(role);
else await main();
