// `pnpm test`: every test. First `generate --check` (generated files in step with the spec), then
// each package's suite through turbo, every one of them even when one fails (`--continue`). Ends
// with one summary line, `N passed, N failed`, added up from the vitest reports of every package
// (replayed from turbo's cache too); a package whose suite failed outside vitest (its type check,
// publint) counts as one failure, so the line never reads "0 failed" for a failing run.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { run, turboEnv } from './run.mjs';

const checked = await run(process.execPath, ['tools/scripts/generate.mjs', '--check']);
if (checked !== 0) process.exit(checked);

// In CI the main job ran first and regenerated everything, which would hide checked-in generated
// files that are stale: there they must also equal what is committed.
if (process.env.CI && existsSync('.git')) {
  // The folders the generator's plugins write into, as the generator itself lists them.
  const generated = execFileSync(process.execPath, ['--import', 'tsx', 'tools/codegen/src/cli.ts', '--outputs'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const changed = execFileSync('git', ['status', '--porcelain', '--', ...generated], { encoding: 'utf8' });
  if (changed.trim() !== '') {
    console.error(`test: generated files differ from the committed ones (commit the output of pnpm generate):\n${changed}`);
    await run('git', ['--no-pager', 'diff', '--stat', '--', ...generated]);
    process.exit(1);
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
/** Failed vitest tests per turbo task (`@scope/pkg#test`), and the tasks turbo reports failed. */
const failedTestsOf = new Map();
let failedTasks = [];
const child = spawn('turbo', ['run', 'test', '--continue', '--output-logs=full', '--concurrency=2'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: turboEnv(),
});
let pending = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (text) => {
  process.stdout.write(text);
  const lines = (pending + text).split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) count(line);
});

function count(line) {
  // eslint-disable-next-line no-control-regex -- vitest colours its report
  const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
  const failed = /^\s*Failed:\s+(.+)$/.exec(plain);
  if (failed) failedTasks = failed[1].split(',').map((task) => task.trim()).filter(Boolean);
  const report = /^(\S+):test:.*\bTests\s+(.*)\(\d+\)\s*$/.exec(plain);
  if (!report) return;
  for (const [, n, kind] of report[2].matchAll(/(\d+) (passed|failed|skipped)/g)) {
    totals[kind] += Number(n);
    if (kind === 'failed') failedTestsOf.set(`${report[1]}#test`, (failedTestsOf.get(`${report[1]}#test`) ?? 0) + Number(n));
  }
}

const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(signal ? 1 : (c ?? 1))));
count(pending);
const failedOutsideVitest = failedTasks.filter((task) => !failedTestsOf.has(task));
if (failedOutsideVitest.length > 0) {
  console.log(`\ntest: failed outside their vitest suites (type check, package checks): ${failedOutsideVitest.join(', ')}`);
}
const failed = totals.failed + failedOutsideVitest.length;
console.log(`\n${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(code !== 0 ? code : failed > 0 ? 1 : 0);
