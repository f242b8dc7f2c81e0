// Writes bench/kit-mutation.md: the mutants of the server's protocol core as the conformance kit
// judged them (reports/mutation/kit.json, from `mutation:kit`) beside the same mutants as the
// server's own tests judged them (reports/mutation/mutation.json, from `mutation`). Both runs must
// be of the same code: a mutant of one that the other lacks stops the report.
import { readFileSync, writeFileSync } from 'node:fs';

interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}
type Report = { files: Record<string, { mutants: Mutant[] }> };

const packageUrl = new URL('..', import.meta.url);
const read = (name: string): Report => {
  const url = new URL(`reports/mutation/${name}`, packageUrl);
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as Report;
  } catch (error) {
    throw new Error(`cannot read ${url.pathname}: run the mutation run that writes it first (${(error as Error).message})`);
  }
};
const DETECTED = new Set(['Killed', 'Timeout']);
const COUNTED = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);
const detected = (m: Mutant) => DETECTED.has(m.status);
const key = (file: string, m: Mutant) => `${file}:${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column} ${m.mutatorName} ${m.replacement ?? ''}`;
const shortName = (file: string) => file.replace(/^.*?src\//, 'src/');

const kit = read('kit.json');
const suite = read('mutation.json');
const suiteByKey = new Map(Object.entries(suite.files).flatMap(([file, { mutants }]) => mutants.map((m) => [key(shortName(file), m), m] as const)));

interface Row {
  file: string;
  line: number;
  mutator: string;
  kit: Mutant;
  suite: Mutant;
}
const rows: Row[] = [];
for (const [file, { mutants }] of Object.entries(kit.files)) {
  for (const m of mutants) {
    if (!COUNTED.has(m.status)) continue;
    const name = shortName(file);
    const twin = suiteByKey.get(key(name, m));
    if (twin === undefined) {
      console.error(`kit-mutation: ${name}:${m.location.start.line} (${m.mutatorName}) is not in the suite's run: the two runs are of different code; run \`mutation\` and \`mutation:kit\` on the same commit`);
      process.exit(1);
    }
    if (COUNTED.has(twin.status)) rows.push({ file: name, line: m.location.start.line, mutator: m.mutatorName, kit: m, suite: twin });
  }
}
if (rows.length !== [...suiteByKey.values()].filter((m) => COUNTED.has(m.status)).length) {
  console.error('kit-mutation: the suite\'s run has mutants the kit\'s run lacks: the two runs are of different code');
  process.exit(1);
}

/** What the figures mean, and what changed the kit. */
const NOTES = [
  "The first run (2026-12-01) detected 44.3% (432 of 976). Its survivors asked for five changes to the kit, all made: the round trip that ends each scenario must be answered by its response on a logged-in connection (a server whose `get_chats_summary` failed with `internal` once the customer had chats passed every scenario); JSON `null` and a number sent as frames; an action that is not a string; the reading order before login (an invalid request id is `validation`, not `authorization`); and the spec's introduction rule (a response comes after the `user_data` of every user it names that its connection was not told about), with a scenario that meets a user on one connection and reads the chat on another. With the first four the kit detected 45.9% (448); with the introduction rule too, the figure above.",
  [
    'Most of what the kit still misses is outside what a conformance kit can hold a server to, from the spec alone:',
    '',
    '- the text of error messages (free text in the spec);',
    '- what the spec leaves to the server: its limits, the output budget, the heartbeat, connections per customer, the reply delay (no coverage: the kit never goes near a limit);',
    '- bans and the other admin-side actions, which only the driver could cause;',
    "- what the server remembers between requests: that the fields `update_customer` sets come back later, the order of chat summaries, the users of a chat, a last-seen timestamp that never goes back. The spec states no such rule in a form the kit reads (it would need a machine-readable statement of each request's effect), so the kit checks each answer's shape and the errors and pushes the spec lists, not the state behind them. This is the largest group, and the reason the kit is not a substitute for a server's own tests.",
  ].join('\n'),
];

const percent = (part: number, whole: number) => (whole === 0 ? '100.0' : ((100 * part) / whole).toFixed(1));
const files = [...new Set(rows.map((r) => r.file))].sort();
const kitDetected = rows.filter((r) => detected(r.kit));
const suiteDetected = rows.filter((r) => detected(r.suite));
const bothDetected = suiteDetected.filter((r) => detected(r.kit));
const kitOnly = kitDetected.filter((r) => !detected(r.suite));
const missed = suiteDetected.filter((r) => !detected(r.kit));
const list = (selected: Row[]) =>
  selected
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
    .map((r) => `- \`${r.file}:${r.line}\` ${r.mutator}${r.kit.status === 'NoCoverage' ? ' (the kit\'s run never reaches it)' : ''}`);

const lines = [
  "# The conformance kit under mutation testing (`pnpm --filter @customer-chat/reference-server mutation:kit`)",
  '',
  `Generated by bench/kit-mutation-report.ts on ${new Date().toISOString().slice(0, 10)} from two Stryker 9.6 runs over the same ${rows.length} mutants of the reference server's protocol core (\`src/chat-store.ts\`, \`src/sessions.ts\`, \`src/dispatch.ts\`, \`src/handlers.ts\`): one judged by a single run of the conformance kit with its reference driver against the mutated server (\`kit-mutation/kit.test.ts\`, the server's own check of what it sends turned off), the other by the server's own tests (\`mutation\`, bench/mutation.md). A mutant is detected when the kit reports a scenario failed or not run (or the run times out).`,
  '',
  `**The kit detects ${percent(kitDetected.length, rows.length)}% of the mutants** (${kitDetected.length} of ${rows.length}), **and ${percent(bothDetected.length, suiteDetected.length)}% of those the server's own tests detect** (${bothDetected.length} of ${suiteDetected.length}).`,
  '',
  '| file | kit | server\'s tests | detected by the server\'s tests, missed by the kit |',
  '| --- | ---: | ---: | ---: |',
  ...files.map((file) => {
    const of = rows.filter((r) => r.file === file);
    const k = of.filter((r) => detected(r.kit)).length;
    const s = of.filter((r) => detected(r.suite)).length;
    const m = of.filter((r) => detected(r.suite) && !detected(r.kit)).length;
    return `| \`${file}\` | ${percent(k, of.length)}% (${k} / ${of.length}) | ${percent(s, of.length)}% (${s} / ${of.length}) | ${m} |`;
  }),
  '',
  ...NOTES.flatMap((note) => [note, '']),
  `Detected by the kit and by no test of the server: ${kitOnly.length}.`,
  ...(kitOnly.length === 0 ? [] : ['', ...list(kitOnly)]),
  '',
  `Detected by the server's tests and missed by the kit (${missed.length}), file:line and mutator:`,
  '',
  ...list(missed),
  '',
];
writeFileSync(new URL('bench/kit-mutation.md', packageUrl), lines.join('\n'));
console.log(`kit mutation: ${percent(kitDetected.length, rows.length)}% (${kitDetected.length}/${rows.length}); of the suite's detected ${percent(bothDetected.length, suiteDetected.length)}% -> bench/kit-mutation.md`);
