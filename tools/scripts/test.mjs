// `pnpm test`: every test. First `generate --check` (generated files in step with the spec), then
// each package's suite through turbo, every one of them even when one fails (`--continue`). Ends
// with one summary line, `N passed, N failed`, added up from the vitest reports of every package
// (replayed from turbo's cache too; an expected fail counts as passed, a todo as skipped); a
// package whose suite failed outside vitest (its type check, publint), a failing turbo run with
// no failed test, or stale generated files count as one failure each, so the line never reads
// "0 failed" for a failing run. Stopped by a signal, it stops turbo and exits 128 + its number.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { exitCode, launch, run, scriptFlags, signalExitCode, stoppedBy, turboEnv } from './run.mjs';

scriptFlags('test');

/** Ends a run that failed before any suite ran, with the summary line all the same. */
function failedBefore(code) {
  console.log('\n0 passed, 1 failed');
  process.exit(code);
}

const checked = await run(process.execPath, ['tools/scripts/generate.mjs', '--check']);
if (stoppedBy()) process.exit(checked);
if (checked !== 0) failedBefore(checked);

// In CI the main job ran first and regenerated everything, which would hide checked-in generated
// files that are stale: there they must also equal what is committed.
if (process.env.CI && existsSync('.git')) {
  // The folders the generator's plugins write into, as the generator itself lists them.
  const generated = execFileSync(process.execPath, ['--import', 'tsx', 'tools/codegen/src/cli.ts', '--outputs'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const changed = execFileSync('git', ['status', '--porcelain', '--', ...generated], { encoding: 'utf8' });
  if (changed.trim() !== '') {
    console.error(`test: generated files differ from the committed ones (commit the output of pnpm generate):\n${changed}`);
    await run('git', ['--no-pager', 'diff', '--stat', '--', ...generated]);
    failedBefore(1);
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
/** Failed vitest tests per turbo task (`@scope/pkg#test`), and the tasks turbo reports failed. */
const failedTestsOf = new Map();
let failedTasks = [];
const child = launch('turbo', ['run', 'test', '--continue', '--output-logs=full', '--concurrency=2'], {
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
  for (const [, n, reported] of report[2].matchAll(/(\d+) (passed|failed|skipped|expected fail|todo)/g)) {
    const kind = { 'expected fail': 'passed', todo: 'skipped' }[reported] ?? reported;
    totals[kind] += Number(n);
    if (kind === 'failed') failedTestsOf.set(`${report[1]}#test`, (failedTestsOf.get(`${report[1]}#test`) ?? 0) + Number(n));
  }
}

const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(exitCode(c, signal))));
if (stoppedBy()) {
  console.error(`\ntest: stopped (${stoppedBy()}) before the tests finished`);
  process.exit(signalExitCode(stoppedBy()));
}
count(pending);
const failedOutsideVitest = failedTasks.filter((task) => !failedTestsOf.has(task));
if (failedOutsideVitest.length > 0) {
  console.log(`\ntest: failed outside their vitest suites (type check, package checks): ${failedOutsideVitest.join(', ')}`);
}
// turbo failed without naming a failed task or a failed test (its own error, a broken config).
const failedOutsideTasks = code !== 0 && totals.failed + failedOutsideVitest.length === 0 ? 1 : 0;
if (failedOutsideTasks) console.log(`\ntest: turbo failed (code ${code}) outside the test tasks`);
const failed = totals.failed + failedOutsideVitest.length + failedOutsideTasks;
console.log(`\n${totals.passed} passed, ${failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(code !== 0 ? code : failed > 0 ? 1 : 0);
