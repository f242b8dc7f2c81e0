// `pnpm --filter @customer-chat/docs bench` (tsx bench/generate.bench.ts [--runs N] [--no-compare]):
// how long generating the whole docs from spec/asyncapi.yaml takes with our buildSite, against the
// AsyncAPI generator 3.x with @asyncapi/html-template (and @asyncapi/markdown-template) on the same
// document in the same run, plus the size of each output, raw and gzipped file by file.
//
// Every run of every tool is a fresh Node process (build-once.ts, asyncapi-generator.mjs), as a
// command-line build is; the rounds interleave the tools so that load on the machine hits them
// alike. Each run gives two times: inside the process after its modules are loaded (document
// parsing, rendering and writing: the figure the ratio is taken on) and the whole process
// (start-up and module loading included). The median of N runs is reported.
//
// The AsyncAPI generator is heavy and is not a dependency of the project: the first run installs
// it with npm into bench/.comparison/ (git-ignored) and later runs reuse it. Its processes work
// from that folder with the templates given by package name, so it never installs them itself.
// Writes bench/results.json and bench/results.md and prints the table.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const PACKAGE_DIR = resolve(BENCH_DIR, '..');
const ROOT = resolve(PACKAGE_DIR, '../..');
const SPEC = join(ROOT, 'spec/asyncapi.yaml');
const COMPARISON_DIR = join(BENCH_DIR, '.comparison');
const COMPARISON_PACKAGES = ['@asyncapi/generator@3', '@asyncapi/html-template', '@asyncapi/markdown-template'];
/** Whole processes: at least this many times faster than the generator with html-template, and no slower than with markdown-template. */
const TARGET_RATIO = 12;

const args = process.argv.slice(2);
const runsIndex = args.indexOf('--runs');
const RUNS = Number(runsIndex >= 0 ? args[runsIndex + 1] : (process.env.BENCH_RUNS ?? 5));
const COMPARE = !args.includes('--no-compare');
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive integer, got ${String(RUNS)}`);

interface Size {
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

interface Tool {
  tool: string;
  version: string;
  output: string;
  /** Starts one run writing into `out`; returns the time measured inside the process, or an error. */
  run(out: string): { ms: number } | { error: string };
  /** The folder under `out` that holds what is compared (our site/ or markdown/; all of theirs). */
  measure: string[];
}

interface Row extends Size {
  tool: string;
  version: string;
  output: string;
  /** Per run, inside the process after module loading. */
  runsMs: number[];
  /** Per run, the whole process (start-up and module loading included). */
  processMs: number[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  processMedianMs: number;
  /** This tool's median / our median, inside the process (higher: we are that many times faster). */
  ratio: number;
  /** The same for whole processes. */
  processRatio: number;
  error?: string;
}

const median = (values: number[]): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/** Every file under dir: count, raw bytes, and the sum of each file gzipped (level 9, as a server would precompress). */
function sizeOf(dir: string): Size & { list: string[] } {
  const size = { files: 0, rawBytes: 0, gzipBytes: 0, list: [] as string[] };
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const content = readFileSync(path);
        size.files += 1;
        size.rawBytes += content.length;
        size.gzipBytes += gzipSync(content, { level: 9 }).length;
        size.list.push(relative(dir, path));
      }
    }
  };
  walk(dir);
  size.list.sort();
  return size;
}

function versionOf(packageJson: string): string {
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

/** Installs the AsyncAPI generator and both templates into bench/.comparison/ unless they are there. */
function ensureComparison(): void {
  const needed = ['generator', 'html-template', 'markdown-template'].map((name) => join(COMPARISON_DIR, 'node_modules/@asyncapi', name, 'package.json'));
  if (needed.every((file) => existsSync(file))) return;
  mkdirSync(COMPARISON_DIR, { recursive: true });
  console.log(`bench: installing ${COMPARISON_PACKAGES.join(' ')} into ${relative(ROOT, COMPARISON_DIR)}/ (once; git-ignored)`);
  const npm = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', COMPARISON_DIR, ...COMPARISON_PACKAGES], {
    cwd: COMPARISON_DIR,
    stdio: 'inherit',
    env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' },
  });
  if (npm.error || npm.status !== 0) throw new Error(`npm install of the comparison packages failed (${npm.error?.message ?? `exit ${String(npm.status)}`})`);
}

/** Runs `node ...args` once and reads the `RESULT {...}` line it prints. */
function child(nodeArgs: string[], cwd: string): { ms: number } | { error: string } {
  const result = spawnSync(process.execPath, nodeArgs, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' } });
  const line = (result.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (result.error || result.status !== 0 || !line) {
    const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    return { error: `exit ${String(result.status)}${result.error ? ` (${result.error.message})` : ''}: ${output}` };
  }
  const parsed = JSON.parse(line.slice('RESULT '.length)) as { ms?: number; runsMs?: number[] };
  const ms = parsed.ms ?? parsed.runsMs?.[0];
  return ms === undefined ? { error: `no time in ${line}` } : { ms };
}

const docsVersion = versionOf(join(PACKAGE_DIR, 'package.json'));
const ours: Tool = {
  tool: '@customer-chat/docs buildSite',
  version: docsVersion,
  output: 'HTML site (site/)',
  measure: ['site'],
  // tsx from the docs package, as its build script runs.
  run: (out) => child(['--import', 'tsx', join(BENCH_DIR, 'build-once.ts'), out], PACKAGE_DIR),
};
// The same build's Markdown: a size only (one buildSite call writes the site and the Markdown).
const oursMarkdownOutput = 'Markdown (markdown/), same build';

function generatorTool(template: string, output: string): Tool {
  const generatorVersion = versionOf(join(COMPARISON_DIR, 'node_modules/@asyncapi/generator/package.json'));
  const version = versionOf(join(COMPARISON_DIR, 'node_modules', template, 'package.json'));
  return {
    tool: `@asyncapi/generator ${generatorVersion} + ${template} ${version}`,
    version,
    output,
    measure: [],
    run: (out) => child([join(BENCH_DIR, 'asyncapi-generator.mjs'), COMPARISON_DIR, template, SPEC, '1', out], COMPARISON_DIR),
  };
}

// ---------------------------------------------------------------------------------------------

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: round(totalmem() / 1024 ** 3),
  os: `${platform()} ${release()} ${arch()}`,
  node: process.version,
};
const date = new Date().toISOString();

if (COMPARE) ensureComparison();
const tools: Tool[] = [ours];
if (COMPARE) {
  tools.push(generatorTool('@asyncapi/html-template', 'HTML site (index.html, CSS, JS)'));
  tools.push(generatorTool('@asyncapi/markdown-template', 'one Markdown file'));
}

const work = mkdtempSync(join(tmpdir(), 'docs-bench-'));
const times = tools.map(() => ({ runsMs: [] as number[], processMs: [] as number[], error: undefined as string | undefined }));
try {
  for (let round = 0; round < RUNS; round += 1) {
    for (const [index, tool] of tools.entries()) {
      const record = times[index]!;
      if (record.error) continue;
      const out = join(work, String(index));
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      const start = performance.now();
      const result = tool.run(out);
      const wall = performance.now() - start;
      if ('error' in result) {
        record.error = result.error;
        console.error(`bench: ${tool.tool} failed: ${result.error}`);
        continue;
      }
      record.runsMs.push(result.ms);
      record.processMs.push(wall);
      console.log(`bench: round ${round + 1}/${RUNS} ${tool.tool}: ${result.ms.toFixed(0)} ms (process ${wall.toFixed(0)} ms)`);
    }
  }

  const rows: Row[] = [];
  for (const [index, tool] of tools.entries()) {
    const { runsMs, processMs, error } = times[index]!;
    const out = join(work, String(index));
    const dirs = tool === ours ? [['site', tool.output], ['markdown', oursMarkdownOutput]] : [['', tool.output]];
    for (const [dir, output] of dirs as [string, string][]) {
      const size = error || !existsSync(join(out, dir)) ? { files: 0, rawBytes: 0, gzipBytes: 0, list: [] } : sizeOf(join(out, dir));
      if (size.list.length > 0) console.log(`bench: ${tool.tool} → ${output}: ${size.list.join(', ')}`);
      rows.push({
        tool: dir === 'markdown' ? `${tool.tool} (same build)` : tool.tool,
        version: tool.version,
        output: `${output}, ${size.files} file${size.files === 1 ? '' : 's'}`,
        runsMs: runsMs.map((ms) => round(ms)),
        processMs: processMs.map((ms) => round(ms)),
        medianMs: round(median(runsMs)),
        minMs: round(Math.min(...runsMs)),
        maxMs: round(Math.max(...runsMs)),
        processMedianMs: round(median(processMs)),
        ratio: NaN,
        processRatio: NaN,
        files: size.files,
        rawBytes: size.rawBytes,
        gzipBytes: size.gzipBytes,
        ...(error ? { error } : {}),
      });
    }
  }
  const base = rows[0]!;
  for (const row of rows) {
    row.ratio = round(row.medianMs / base.medianMs);
    row.processRatio = round(row.processMedianMs / base.processMedianMs);
  }
  report(rows, base);
  if (rows.some((row) => row.error)) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}

function report(rows: Row[], base: Row): void {
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  const time = (value: number): string => (Number.isNaN(value) ? 'failed' : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`);
  const times = (row: Row): string => row.runsMs.map((v) => v.toFixed(0)).join(', ') || 'failed';
  const html = rows.find((row) => row.tool.includes('html-template'));
  const markdownTemplate = rows.find((row) => row.tool.includes('markdown-template'));
  const sameBuild = (row: Row): boolean => row !== base && row.tool.startsWith(base.tool);
  const results = {
    what: 'Time to generate the whole documentation from spec/asyncapi.yaml: each run a fresh Node process; "time" is measured inside it after its modules are loaded (parsing the document, rendering, writing), "process" is the whole process; median of the runs. Sizes: every file written, raw, and gzipped file by file at level 9.',
    date,
    machine,
    runs: RUNS,
    spec: relative(ROOT, SPEC),
    specBytes: statSync(SPEC).size,
    rows,
    target: {
      ratio: TARGET_RATIO,
      against: '@asyncapi/html-template',
      measured: html?.processRatio ?? null,
      met: html && !html.error ? html.processRatio >= TARGET_RATIO : null,
      markdownTemplate: { ratio: 1, measured: markdownTemplate?.processRatio ?? null, met: markdownTemplate && !markdownTemplate.error ? markdownTemplate.processRatio >= 1 : null },
    },
    siteGzipVsHtmlTemplate: html && html.gzipBytes > 0 ? round(base.gzipBytes / html.gzipBytes, 4) : null,
    caveat:
      'One run of this bench on one shared 2-core machine, not a controlled lab: other load on the machine moves the absolute figures by tens of percent; the rounds interleave the tools so the ratio is the figure to read. One buildSite call writes the HTML site, the same pages as Markdown and the type-checked examples; its time covers all three.',
  };

  const table = [
    '| tool | output | time (median) | min–max | process (median) | raw size | gzip size | their time ÷ ours |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((row) =>
      [
        '',
        row.tool,
        row.output,
        sameBuild(row) ? '(same build)' : time(row.medianMs),
        sameBuild(row) || row.runsMs.length === 0 ? '–' : `${time(row.minMs)}–${time(row.maxMs)}`,
        sameBuild(row) ? '–' : time(row.processMedianMs),
        kb(row.rawBytes),
        kb(row.gzipBytes),
        row === base || sameBuild(row) ? '1 (baseline)' : Number.isNaN(row.ratio) ? 'n/a' : `**${row.ratio.toFixed(1)}×** (process ${row.processRatio.toFixed(1)}×)`,
        '',
      ].join(' | ').trim(),
    ),
  ].join('\n');

  const markdown = `# Docs generation benchmark

${results.what}

${table}

- Target: whole processes at least ${TARGET_RATIO}× faster than the AsyncAPI generator with @asyncapi/html-template: ${
    html && !html.error ? `${html.processRatio.toFixed(1)}× (${results.target.met ? 'met' : 'NOT met'}; inside the processes ${html.ratio.toFixed(1)}×)` : 'not measured'
  }.${markdownTemplate && !markdownTemplate.error ? `\n- Target: no slower than @asyncapi/markdown-template (one Markdown file, without the HTML site), whole processes: ${markdownTemplate.processRatio.toFixed(2)}× (${results.target.markdownTemplate.met ? 'met' : 'NOT met'}; inside the processes ${markdownTemplate.ratio.toFixed(1)}×).` : ''}
- Our build keeps the model of an unchanged spec on disk (\`src/model-cache.ts\`, keyed by the document and the sources of its readers): the first run parses the spec, later runs read the model (a cold start that does not parse an unchanged spec again).
- Gzipped size of our whole site: ${kb(base.gzipBytes)}${html && html.gzipBytes > 0 ? `, ${((base.gzipBytes / html.gzipBytes) * 100).toFixed(1)} % of the html-template's ${kb(html.gzipBytes)} (${(html.gzipBytes / base.gzipBytes).toFixed(1)}× smaller)` : ''}.
- Runs: ${RUNS} per tool, each a fresh process, rounds interleaved; times inside the process (ms): ${rows
    .filter((row) => !sameBuild(row))
    .map((row) => `${row.tool}: ${times(row)}`)
    .join('; ')}.${rows.some((row) => row.error) ? `\n- Failed: ${rows.filter((row) => row.error).map((row) => `${row.tool}: ${row.error}`).join('; ')}` : ''}
- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}. Date: ${date}.
- Caveat: ${results.caveat}
- Reproduce: \`pnpm --filter @customer-chat/docs bench\` (\`-- --runs N\`, \`-- --no-compare\`); the first run installs the AsyncAPI generator into \`packages/docs/bench/.comparison/\` (git-ignored), never into a package.json.
`;

  writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(BENCH_DIR, 'results.md'), markdown);
  console.log(`\n${markdown}`);
  console.log(`bench: wrote ${relative(ROOT, join(BENCH_DIR, 'results.md'))} and results.json`);
}
