// Load benchmark: CLIENTS SDK clients on loopback, each in its own chat with a simulated agent
// (driven in the server process). Every round each agent sends one message to each of its chats
// and each customer sends one to its chat. Measures delivery throughput, p50/p99 delivery latency
// (agent send -> customer's `new_event`), and per chat the lost, duplicated and reordered
// messages, which must all be zero. Writes the figures to packages/reference-server/bench/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createReferenceServer } from '@customer-chat/reference-server';
import { createCustomerSDK, type CustomerSDK } from '@customer-chat/sdk';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const CHATS_PER_AGENT = 50;
const ROUND_TIMEOUT_MS = 30_000;
const OUT_DIR = new URL('../../../packages/reference-server/bench/', import.meta.url);

interface ChatTrack {
  api: CustomerSDK;
  chat: string;
  received: number[];
}

const server = await createReferenceServer({ port: 0 });
const sentAt = new Map<string, number>(); // `${chat}:${seq}` -> send time
const latencies: number[] = [];
const tracks: ChatTrack[] = [];

const setupStart = performance.now();
// Connect in batches so the set-up is not one thundering herd.
for (let first = 0; first < CLIENTS; first += 100) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(100, CLIENTS - first) }, async () => {
      const { token } = server.issueToken();
      const api = createCustomerSDK({ url: server.url, licenseId: 'bench', getToken: () => token, validate: true, requestTimeout: 60_000 });
      await new Promise<void>((resolve) => api.once('connected', () => resolve()));
      const { chat } = await api.startChat({});
      const track: ChatTrack = { api, chat: chat.id, received: [] };
      api.on('new_event', (event) => {
        if (event.type !== 'message' || !event.text.startsWith('seq:')) return;
        const seq = Number(event.text.slice(4));
        track.received.push(seq);
        if (track.received.length === seq + 1 && --pendingInRound === 0) roundComplete();
        const sent = sentAt.get(`${track.chat}:${seq}`);
        if (sent !== undefined) latencies.push(performance.now() - sent);
      });
      return track;
    }),
  );
  tracks.push(...batch);
}
const agents = Array.from({ length: Math.ceil(CLIENTS / CHATS_PER_AGENT) }, (_, i) => server.agent(`agent-${i}@bench.example`, { name: `Agent ${i}` }));
tracks.forEach((track, i) => agents[Math.floor(i / CHATS_PER_AGENT)]!.joinChat(track.chat));
const setupMs = performance.now() - setupStart;

// Resolved when every chat has received the current round's message.
let roundComplete: () => void = () => undefined;
let pendingInRound = 0;
const runStart = performance.now();
let customerMessages = 0;
for (let round = 0; round < ROUNDS; round += 1) {
  const roundDone = new Promise<void>((resolve) => {
    roundComplete = resolve;
    pendingInRound = tracks.length;
  });
  tracks.forEach((track, i) => {
    sentAt.set(`${track.chat}:${round}`, performance.now());
    agents[Math.floor(i / CHATS_PER_AGENT)]!.sendMessage(track.chat, `seq:${round}`);
  });
  const customerSends = tracks.map((track) => track.api.sendMessage(track.chat, `reply ${round}`).then(() => (customerMessages += 1)));
  await Promise.race([Promise.all([roundDone, ...customerSends]), new Promise((resolve) => setTimeout(resolve, ROUND_TIMEOUT_MS))]);
}
const runMs = performance.now() - runStart;

let lost = 0;
let duplicated = 0;
let reordered = 0;
for (const track of tracks) {
  const unique = new Set(track.received);
  duplicated += track.received.length - unique.size;
  for (let seq = 0; seq < ROUNDS; seq += 1) if (!unique.has(seq)) lost += 1;
  for (let i = 1; i < track.received.length; i += 1) if (track.received[i]! < track.received[i - 1]!) reordered += 1;
}
latencies.sort((a, b) => a - b);
const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
const delivered = latencies.length;
const results = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  clients: CLIENTS,
  rounds: ROUNDS,
  setupSeconds: +(setupMs / 1000).toFixed(2),
  agentMessagesDelivered: delivered,
  customerMessagesAcknowledged: customerMessages,
  messagesPerSecond: Math.round((delivered + customerMessages) / (runMs / 1000)),
  deliveryLatencyMs: { p50: +percentile(50).toFixed(2), p99: +percentile(99).toFixed(2), max: +(latencies.at(-1) ?? NaN).toFixed(2) },
  lost,
  duplicated,
  reordered,
};

for (const track of tracks) track.api.destroy();
await server.close();

mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(new URL('load.json', OUT_DIR), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(
  new URL('load.md', OUT_DIR),
  [
    '# Load benchmark (`pnpm bench`)',
    '',
    `${results.clients} SDK clients (\`@customer-chat/sdk\`, incoming validation on) against the reference server on 127.0.0.1, in one Node process (${results.machine}), ${results.date.slice(0, 10)}.`,
    `Each client is in its own chat with a simulated agent (${CHATS_PER_AGENT} chats per agent); each of ${results.rounds} rounds, every agent sends one message to each of its chats and every customer sends one message to its chat.`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| set-up (connect, log in, start chat) | ${results.setupSeconds} s |`,
    `| agent messages delivered | ${results.agentMessagesDelivered} of ${results.clients * results.rounds} |`,
    `| customer messages acknowledged | ${results.customerMessagesAcknowledged} of ${results.clients * results.rounds} |`,
    `| messages per second (both directions) | ${results.messagesPerSecond} |`,
    `| delivery latency p50 / p99 / max | ${results.deliveryLatencyMs.p50} / ${results.deliveryLatencyMs.p99} / ${results.deliveryLatencyMs.max} ms |`,
    `| lost / duplicated / reordered (all chats) | ${results.lost} / ${results.duplicated} / ${results.reordered} |`,
    '',
    'Figures from one run on a shared machine; rerun `npx --yes pnpm@10.34.8 bench` to refresh them.',
    '',
  ].join('\n'),
);
console.log(JSON.stringify(results, null, 2));
const clean = results.lost === 0 && results.duplicated === 0 && results.reordered === 0;
if (!clean) console.error('bench: messages were lost, duplicated or reordered');
process.exit(clean ? 0 : 1);
