// `pnpm test`: every test. First `generate --check` (generated files in step with the spec), then
// each package's suite through turbo. Ends with one summary line, `N passed, N failed`, added up
// from the vitest reports of every package (replayed from turbo's cache too).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { run, turboEnv } from './run.mjs';

const checked = await run(process.execPath, ['tools/scripts/generate.mjs', '--check']);
if (checked !== 0) process.exit(checked);

// In CI the main job ran first and regenerated everything, which would hide checked-in generated
// files that are stale: there they must also equal what is committed.
if (process.env.CI && existsSync('.git')) {
  const generated = ['packages/*/src/gen', 'packages/validators/schemas', 'packages/sdk/test/gen'];
  const changed = execFileSync('git', ['status', '--porcelain', '--', ...generated], { encoding: 'utf8' });
  if (changed.trim() !== '') {
    console.error(`test: generated files differ from the committed ones (commit the output of pnpm generate):\n${changed}`);
    await run('git', ['--no-pager', 'diff', '--stat', '--', ...generated]);
    process.exit(1);
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const child = spawn('turbo', ['run', 'test', '--output-logs=new-only', '--concurrency=2'], {
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
  const report = /\bTests\s+(.*)\(\d+\)\s*$/.exec(plain);
  if (!report) return;
  for (const [, n, kind] of report[1].matchAll(/(\d+) (passed|failed|skipped)/g)) totals[kind] += Number(n);
}

const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(signal ? 1 : (c ?? 1))));
count(pending);
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(code !== 0 ? code : totals.failed > 0 ? 1 : 0);
