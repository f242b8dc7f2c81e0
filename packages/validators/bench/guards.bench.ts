// `pnpm --filter @customer-chat/validators bench` [--rounds N] [--slice-ms MS per candidate and round]: how fast the
// generated guards (src/gen/guards) say whether a payload is valid, against
//   - a guard written by hand (bench/hand-written.ts), strict about the same constraints,
//   - ajv compiled at run time from the exported schema (schemas/<message>.json, ajv-formats),
//   - the package's `validate(name, data)` (the guard, then the explainer on failure), and what it
//     ran before this release: ajv with `allErrors` on the same schemas (its standalone code then),
//     so that `validate()` on invalid input is compared with its former self in the same run,
//   - zod 4 (bench/zod.ts, `safeParse(...).success`),
// (and the same hand-written guard in the order most would write it first, for reference)
// on three payloads: a get_chats_summary_response page of 10 summaries, a new_event message, and
// the page with one invalid field deep inside.
//
// One process. Every candidate first runs on every payload until optimised (and its verdict is
// checked). Then, round after round, each payload is measured for all candidates interleaved batch
// by batch: about half a millisecond of calls for one candidate, then the next (in an order rotated
// each time), for a time slice per candidate; the round's figure for a candidate is the median rate
// of its batches, so a load spike or a garbage collection (caused by whichever candidate) lands on
// all candidates alike and does not move the medians. The heap is collected before each payload's
// turn when `--expose-gc` is on. Each candidate calls its function from a loop of its own, so no
// call site is shared between candidates. Reported per payload and candidate: the median ops/s over
// the rounds, the spread (interquartile range as % of the median, and min-max), and the ratio to the
// hand-written guard (the median of the per-round ratios). Writes bench/results.json and
// bench/results.md and prints the table.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isGetChatsSummaryResponse, isNewEvent } from '../src/gen/guards/index.js';
import { schemaSet } from '../src/gen/schema-set.js';
import { validate } from '../src/index.js';
import * as handWrittenOwnFirst from './hand-written-own-first.js';
import * as handWritten from './hand-written.js';
import { chatsSummaryPage, chatsSummaryPageInvalid, INVALID_FIELD, newEventMessage } from './payloads.js';
import * as zod from './zod.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const index = args.indexOf(name);
  const value = Number(index >= 0 ? args[index + 1] : fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const ROUNDS = option('--rounds', 21);
const SLICE_MS = option('--slice-ms', 100);
const WARMUP_MS = 400;
const TARGET = 1.0;

type Check = (value: unknown) => boolean;

// ---- candidates ---------------------------------------------------------------------------------

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => void;
// The validators' options but allErrors: for a yes/no answer ajv stops at the first error.
const ajv = new Ajv({ strict: true, allowUnionTypes: true, ownProperties: true });
addFormats(ajv);
const schema = (message: string) => JSON.parse(readFileSync(`${PACKAGE_DIR}schemas/${message}.json`, 'utf8')) as object;
const ajvPage = ajv.compile(schema('get_chats_summary_response'));
const ajvEvent = ajv.compile(schema('new_event'));
// What validate() ran before: ajv with allErrors (precompiled to standalone code then; the same
// code compiled now), on the validators' schema set, and the issues it built from the errors.
const before = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, ownProperties: true });
addFormats(before);
before.addSchema({ $id: 'urn:customer-chat:before', definitions: schemaSet().definitions });
const beforeValidate = (message: string): Check => {
  const compiled = before.getSchema(`urn:customer-chat:before#/definitions/payload.${message}`)!;
  return (value) => {
    if (compiled(value)) return true;
    const issues = compiled.errors!.filter((e) => e.keyword !== 'if').map((e) => ({ path: e.instancePath, message: e.message, keyword: e.keyword }));
    return issues.length < 0;
  };
};
const beforePage = beforeValidate('get_chats_summary_response');
const beforeEvent = beforeValidate('new_event');

interface Payload {
  id: string;
  title: string;
  message: 'get_chats_summary_response' | 'new_event';
  value: unknown;
  valid: boolean;
}

const payloads: Payload[] = [
  { id: 'page', title: 'get_chats_summary_response: a page of 10 chat summaries', message: 'get_chats_summary_response', value: chatsSummaryPage, valid: true },
  { id: 'event', title: 'new_event: a message event', message: 'new_event', value: newEventMessage, valid: true },
  { id: 'invalid', title: `get_chats_summary_response: the page with one invalid field (${INVALID_FIELD} = -1)`, message: 'get_chats_summary_response', value: chatsSummaryPageInvalid, valid: false },
];

interface Candidate {
  id: string;
  name: string;
  check: (payload: Payload) => Check;
}

const candidates: Candidate[] = [
  { id: 'guard', name: 'generated guard (isGetChatsSummaryResponse / isNewEvent)', check: (p) => (p.message === 'new_event' ? isNewEvent : isGetChatsSummaryResponse) },
  { id: 'hand', name: 'hand-written guard (bench/hand-written.ts)', check: (p) => (p.message === 'new_event' ? handWritten.isEvent : handWritten.isChatsSummaryPage) },
  {
    id: 'hand-own-first',
    name: 'hand-written guard, own-property lookup first (bench/hand-written-own-first.ts)',
    check: (p) => (p.message === 'new_event' ? handWrittenOwnFirst.isEvent : handWrittenOwnFirst.isChatsSummaryPage),
  },
  { id: 'ajv', name: 'ajv compiled at run time from schemas/<message>.json', check: (p) => ((p.message === 'new_event' ? ajvEvent : ajvPage) as unknown as Check) },
  { id: 'validate', name: 'validate(name, data).ok: the guard, then the explainer on failure', check: (p) => (value) => validate(p.message, value).ok },
  { id: 'before', name: 'what validate() ran before: ajv with allErrors, and the issues', check: (p) => (p.message === 'new_event' ? beforeEvent : beforePage) },
  { id: 'zod', name: 'zod 4 safeParse(...).success (bench/zod.ts)', check: (p) => (value) => (p.message === 'new_event' ? zod.event : zod.chatsSummaryPage).safeParse(value).success },
];

// ---- measuring ----------------------------------------------------------------------------------

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
};
const median = (values: number[]) => quantile(values, 0.5);
type Loop = (check: Check, value: unknown, times: number) => number;
/** A loop of its own per candidate and payload: its call site sees one function only. */
const makeLoop = (): Loop => new Function('check', 'value', 'times', 'let yes = 0;\nfor (let i = 0; i < times; i++) if (check(value)) yes++;\nreturn yes;') as Loop;

const gc = (globalThis as { gc?: () => void }).gc;
let sink = 0;

interface Subject {
  payload: Payload;
  candidate: Candidate;
  check: Check;
  loop: Loop;
  /** Calls per batch, so that a batch takes about half a millisecond. */
  batch: number;
  samples: number[];
}

/** Runs for `ms` milliseconds; returns calls per second. */
function run(subject: Subject, ms: number): number {
  const { loop, check, batch } = subject;
  const value = subject.payload.value;
  let calls = 0;
  const start = performance.now();
  const deadline = start + ms;
  let now = start;
  do {
    sink += loop(check, value, batch);
    calls += batch;
    now = performance.now();
  } while (now < deadline);
  return calls / ((now - start) / 1000);
}

/** One batch; returns calls per second. */
function batchRate(subject: Subject): number {
  const start = performance.now();
  sink += subject.loop(subject.check, subject.payload.value, subject.batch);
  return subject.batch / ((performance.now() - start) / 1000);
}

const subjects: Subject[] = payloads.flatMap((payload) =>
  candidates.map((candidate) => ({ payload, candidate, check: candidate.check(payload), loop: makeLoop(), batch: 64, samples: [] })),
);

for (const subject of subjects) {
  const verdict = subject.check(subject.payload.value);
  if (verdict !== subject.payload.valid) throw new Error(`${subject.candidate.name} says ${String(verdict)} for ${subject.payload.title}, expected ${String(subject.payload.valid)}`);
}
console.log(`bench: warming up ${subjects.length} candidate/payload pairs (${WARMUP_MS} ms each)`);
for (const subject of subjects) {
  const perSecond = run(subject, WARMUP_MS);
  subject.batch = Math.max(1, Math.round(perSecond / 2000));
}

const BATCHES = Math.max(1, Math.round(SLICE_MS * 2));
console.log(`bench: ${ROUNDS} rounds; per round and payload ${BATCHES} interleaved batches of ~0.5 ms per candidate${gc ? ', heap collected before each payload' : ' (run with --expose-gc to collect the heap between payloads)'}`);
for (let round = 0; round < ROUNDS; round++) {
  for (const payload of payloads) {
    const group = subjects.filter((s) => s.payload === payload);
    const rates = group.map((): number[] => []);
    gc?.();
    for (let b = 0; b < BATCHES; b++) {
      for (let i = 0; i < group.length; i++) {
        const index = (i + b + round) % group.length;
        rates[index]!.push(batchRate(group[index]!));
      }
    }
    group.forEach((subject, i) => subject.samples.push(median(rates[i]!)));
  }
  process.stdout.write(`\rbench: round ${round + 1}/${ROUNDS}`);
}
process.stdout.write('\n');

// ---- results ------------------------------------------------------------------------------------

const version = (name: string): string => {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

const results = payloads.map((payload) => {
  const group = subjects.filter((s) => s.payload === payload);
  const hand = group.find((s) => s.candidate.id === 'hand')!;
  return {
    payload: payload.id,
    title: payload.title,
    valid: payload.valid,
    bytes: JSON.stringify(payload.value).length,
    candidates: group.map((s) => {
      const ratios = s.samples.map((sample, round) => sample / hand.samples[round]!);
      const med = median(s.samples);
      return {
        candidate: s.candidate.id,
        name: s.candidate.name,
        medianOpsPerSecond: Math.round(med),
        iqrPercent: Number((((quantile(s.samples, 0.75) - quantile(s.samples, 0.25)) / med) * 100).toFixed(1)),
        minOpsPerSecond: Math.round(Math.min(...s.samples)),
        maxOpsPerSecond: Math.round(Math.max(...s.samples)),
        nanosecondsPerCall: Number((1e9 / med).toFixed(1)),
        ratioToHandWritten: Number(median(ratios).toFixed(3)),
        samples: s.samples.map((x) => Math.round(x)),
      };
    }),
  };
});

const guardRatios = results.map((r) => ({ payload: r.payload, ratio: r.candidates.find((c) => c.candidate === 'guard')!.ratioToHandWritten }));
// validate() against what it ran before, on the invalid page (the case that builds the errors).
const invalidResult = results.find((r) => !r.valid)!;
const rate = (id: string) => invalidResult.candidates.find((c) => c.candidate === id)!.medianOpsPerSecond;
const validateVsBefore = rate('validate') / rate('before');
const targetMet = guardRatios.every((r) => r.ratio >= TARGET);
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)), os: `${platform()} ${release()} ${arch()}`, node: process.version };
const report = {
  date: new Date().toISOString(),
  machine,
  settings: { rounds: ROUNDS, sliceMsPerCandidate: SLICE_MS, batchesPerCandidate: BATCHES, batchMs: 0.5, warmupMs: WARMUP_MS, gcBetweenPayloads: gc !== undefined },
  versions: { ajv: version('ajv'), 'ajv-formats': version('ajv-formats'), zod: version('zod') },
  target: { guardToHandWritten: TARGET, met: targetMet, ratios: guardRatios },
  results,
};
writeFileSync(`${BENCH_DIR}results.json`, `${JSON.stringify(report, null, 2)}\n`);

const format = (n: number) => n.toLocaleString('en-US');
const lines: string[] = [
  '# Guards benchmark',
  '',
  `Generated by \`pnpm --filter @customer-chat/validators bench\` (bench/guards.bench.ts) on ${report.date.slice(0, 10)}: ${machine.cpu}, ${machine.cores} cores, ${machine.os}, Node ${machine.node};`,
  `ajv ${report.versions.ajv}, ajv-formats ${report.versions['ajv-formats']}, zod ${report.versions.zod}. One process, ${WARMUP_MS} ms warm-up per candidate and payload, then ${ROUNDS} rounds; in a round each payload gets ${BATCHES} batches of ~0.5 ms per candidate, the candidates interleaved batch by batch (rotated order), and a candidate's figure for the round is the median rate of its batches${gc ? '; heap collected before each payload' : ''}.`,
  'Ops/s: the median over the rounds; spread: the interquartile range over the rounds as ± half its share of the median, and the slowest and fastest round; ratio: the median of the per-round ratios to the hand-written guard (higher is faster).',
  '',
  `**Target (generated guard ≥ ${TARGET.toFixed(1)}× the hand-written guard on all three payloads): ${targetMet ? 'met' : 'not met'}** (${guardRatios.map((r) => `${r.payload} ${r.ratio.toFixed(3)}×`).join(', ')}).`,
  '',
  `**Target (\`validate()\` on invalid input at least as fast as before, with the same errors): ${validateVsBefore >= 1 ? 'met' : 'not met'}** (${validateVsBefore.toFixed(2)}× what it ran before, on the invalid page; the errors are ajv's, test/guards-differential.test.ts).`,
  '',
  'Bundle sizes and import times: [footprint.md](footprint.md).',
];
for (const result of results) {
  lines.push('', `## ${result.title}`, '', `${result.valid ? 'Valid' : 'Invalid'}, ${format(result.bytes)} bytes of JSON.`, '');
  lines.push('| candidate | ops/s (median) | spread (IQR) | slowest – fastest round | ns/call | × hand-written |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const c of result.candidates) {
    lines.push(`| ${c.name} | ${format(c.medianOpsPerSecond)} | ±${(c.iqrPercent / 2).toFixed(1)} % | ${format(c.minOpsPerSecond)} – ${format(c.maxOpsPerSecond)} | ${c.nanosecondsPerCall} | ${c.ratioToHandWritten.toFixed(2)} |`);
  }
}
lines.push(
  '',
  '## What is compared',
  '',
  '- **generated guard**: `src/gen/guards`, the boolean guards the `guards` plugin of tools/codegen writes from the spec. Same verdicts as ajv (test/guards-differential.test.ts).',
  '- **hand-written guard** (the reference of the ratios): bench/hand-written.ts, strict about the same constraints with the same semantics (own properties, code points, finite integers, the URL pattern and the `uri` format, the union and its fallback) and written for speed: like the generated guard it checks an optional property\'s value first and asks whether the property is an own one only when the value is wrong. The differential test holds it to ajv too.',
  '- **hand-written guard, own-property lookup first**: bench/hand-written-own-first.ts, the same guard in the order most would write first (is the property there, then is it right): one own-property lookup per property present. Shown to make clear where the generated guard\'s lead over a first hand-written attempt comes from.',
  '- **ajv**: compiled at run time from the exported schema with ajv-formats, `ownProperties: true`, `allErrors: false` (it stops at the first error).',
  "- **validate()**: `validate(name, data)`: the message's guard, and only when it says no, the explainer (src/runtime/explain.ts walking src/gen/schema-set.ts, skipping every subtree whose guard passes), which lists ajv's errors; it also builds the result object.",
  "- **what validate() ran before**: ajv with `allErrors: true` on the same schemas (what the package's precompiled standalone code was), and the list of issues built from its errors.",
  '- **zod 4**: bench/zod.ts, `safeParse(...).success`. Weaker on two points: zod reads inherited properties, and counts string lengths in UTF-16 units, not code points. `safeParse` returns a copy of a valid value.',
  '',
  'The spreads are within one run. Between runs (processes) a ratio near 1 moves by a few percent either way: which functions V8 inlines, and where, differs from one process to the next. Read the generated guard against the careful hand-written one as parity, and against the others as the factors shown. More than half of a page\'s time goes to checking its ten file URLs (the spec\'s URL pattern, then the `uri` format\'s regular expression), which every candidate does.',
  '',
);
writeFileSync(`${BENCH_DIR}results.md`, `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
if (sink === -1) console.log(sink);
