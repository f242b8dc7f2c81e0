// The root scripts `pnpm test` and `pnpm start` (tools/scripts), run for real in a scratch copy
// of the repository whose turbo and pnpm are stand-ins (node_modules/.bin/turbo, npm_execpath),
// so each case takes a second: test rejects arguments, counts vitest 4's expected fails and todos,
// never reads "0 failed" for a failing run, and passes a signal on to turbo; start --once stopped
// by a signal exits 128 + its number and stops a server that was still starting, or one that
// never printed its address; demo passes a signal on to the build it waits for. The benches'
// helpers: the mutation report, and the import times (a package by name through node_modules,
// with import() or require(), a file by its path).
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPTS = fileURLToPath(new URL('../../scripts', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'root-scripts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

mkdirSync(join(work, 'tools', 'scripts'), { recursive: true });
for (const script of ['run.mjs', 'test.mjs', 'start.mjs', 'generate.mjs', 'demo.mjs']) copyFileSync(join(SCRIPTS, script), join(work, 'tools', 'scripts', script));
// turbo: `generate:check` and `build` exit with $GENERATE (0), or run until a signal with
// TURBO_BUILD=hang; `test` does what $TURBO_TEST says.
mkdirSync(join(work, 'node_modules', '.bin'), { recursive: true });
writeFileSync(
  join(work, 'node_modules', '.bin', 'turbo'),
  `#!/usr/bin/env node
const task = process.argv[3];
if (task !== 'test' && process.env.TURBO_BUILD !== 'hang') process.exit(Number(process.env.GENERATE ?? 0));
const mode = task === 'test' ? process.env.TURBO_TEST : 'hang';
if (mode === 'report') {
  console.log('@x/a:test:       Tests  2 passed | 1 expected fail | 3 todo | 1 skipped (7)');
  console.log('@x/b:test:       Tests  4 passed (4)');
  process.exit(0);
}
if (mode === 'error') {
  console.error('  x invalid turbo.json');
  process.exit(1);
}
// 'hang': runs until a signal, which it records.
process.on('SIGTERM', () => {
  require('node:fs').writeFileSync('turbo-got', 'SIGTERM');
  process.exit(1);
});
console.log('turbo: running');
setInterval(() => {}, 1000);
`,
);
chmodSync(join(work, 'node_modules', '.bin', 'turbo'), 0o755);
// pnpm (npm_execpath): \`run --silent serve\` starts a server (a grandchild, as pnpm's is) that
// prints its address after $SERVE_DELAY ms and records its pid.
writeFileSync(
  join(work, 'pnpm.cjs'),
  `const { spawn } = require('node:child_process');
const server = \`const fs = require('node:fs');
fs.writeFileSync('server.pid', String(process.pid));
setTimeout(() => {
  const s = require('node:http').createServer((q, r) => process.env.SERVE_MUTE ? undefined : r.end('ok')).listen(0, '127.0.0.1', () => console.log('up at http://127.0.0.1:' + s.address().port + '/'));
}, Number(process.env.SERVE_DELAY ?? 0));\`;
spawn(process.execPath, ['-e', server], { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 1));
`,
);
mkdirSync(join(work, 'packages', 'srv'), { recursive: true });
const PID_FILE = join(work, 'packages', 'srv', 'server.pid');
writeFileSync(join(work, 'packages', 'srv', 'package.json'), JSON.stringify({ name: '@x/srv', scripts: { serve: 'node server.js' } }));

/** How long a stopped server may take to be gone: a bound, not a speed (the machine may be busy). */
const STOP_WAIT_MS = 15_000;

type Result = { code: number | null; out: string; err: string };
/** Runs a root script in the scratch copy; `signal` is sent once `when` returns true. */
function script(name: string, args: string[], env: Record<string, string> = {}, stop?: { signal: NodeJS.Signals; when: (out: string) => boolean }): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join('tools', 'scripts', name), ...args], {
      cwd: work,
      env: { ...process.env, CI: '', npm_execpath: join(work, 'pnpm.cjs'), ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (text) => (out += text));
    child.stderr.on('data', (text) => (err += text));
    const poll = stop && setInterval(() => stop.when(out) && (clearInterval(poll), child.kill(stop.signal)), 50);
    child.on('exit', (code) => {
      if (poll) clearInterval(poll);
      resolve({ code, out, err });
    });
  });
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('every root script', () => {
  it.each([
    ['test.mjs', ['--filter=x'], 'test: unknown argument --filter=x (usage: pnpm test)'],
    ['demo.mjs', ['--fast'], 'demo: unknown argument --fast (usage: pnpm demo)'],
    ['start.mjs', ['--once', '--port=1'], 'start: unknown argument --port=1 (usage: pnpm start [--once])'],
    ['generate.mjs', ['check'], 'generate: unknown argument check (usage: pnpm generate [--check])'],
  ])('%s refuses an argument it does not take, with exit 2 and its usage', async (name, args, message) => {
    const result = await script(name, args);
    expect(result.code).toBe(2);
    expect(result.err.trim()).toBe(message);
  });

  it.each([
    ['test.mjs', '--help', 'usage: pnpm test'],
    ['start.mjs', '-h', 'usage: pnpm start [--once]'],
    ['generate.mjs', '--help', 'usage: pnpm generate [--check]'],
  ])('%s %s prints its usage and exits 0, running nothing', async (name, flag, usage) => {
    const result = await script(name, [flag], { TURBO_BUILD: 'hang' });
    expect(result).toEqual({ code: 0, out: `${usage}\n`, err: '' });
  });
});

describe('pnpm test', () => {

  it('counts an expected fail as passed and a todo as skipped', async () => {
    const result = await script('test.mjs', [], { TURBO_TEST: 'report' });
    expect(result.code).toBe(0);
    expect(result.out.trim().split('\n').at(-1)).toBe('7 passed, 0 failed, 4 skipped');
  });

  it('counts turbo failing with no vitest report as a failure', async () => {
    const result = await script('test.mjs', [], { TURBO_TEST: 'error' });
    expect(result.code).toBe(1);
    expect(result.out.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });

  it('prints the summary line when generate --check fails', async () => {
    const result = await script('test.mjs', [], { GENERATE: '1' });
    expect(result.code).toBe(1);
    expect(result.out.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });

  it('passes SIGTERM on to turbo and exits 143', async () => {
    const result = await script('test.mjs', [], { TURBO_TEST: 'hang' }, { signal: 'SIGTERM', when: (out) => out.includes('turbo: running') });
    expect(result.code).toBe(143);
    expect(readFileSync(join(work, 'turbo-got'), 'utf8')).toBe('SIGTERM');
    expect(result.err).toContain('test: stopped (SIGTERM)');
  });
});

describe('pnpm start --once', () => {
  it('checks the server and exits 0', async () => {
    const result = await script('start.mjs', ['--once']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/start: http:\/\/127\.0\.0\.1:\d+\/ answered 200/);
  });

  it('stopped by SIGTERM while a server starts: exits 143 and stops that server', async () => {
    rmSync(PID_FILE, { force: true });
    const result = await script('start.mjs', ['--once'], { SERVE_DELAY: '5000' }, { signal: 'SIGTERM', when: () => existsSync(PID_FILE) });
    expect(result.code).toBe(143);
    expect(result.err.trim()).toBe('start: stopped before the check finished');
    const pid = Number(readFileSync(PID_FILE, 'utf8'));
    await expect.poll(() => alive(pid), { timeout: STOP_WAIT_MS }).toBe(false);
  });

  it('stopped by SIGINT: exits 130', async () => {
    rmSync(PID_FILE, { force: true });
    const result = await script('start.mjs', ['--once'], { SERVE_DELAY: '5000' }, { signal: 'SIGINT', when: () => existsSync(PID_FILE) });
    expect(result.code).toBe(130);
  });

  it('fails, naming the server, when a server prints no address within START_READY_TIMEOUT_MS, and stops it', async () => {
    rmSync(PID_FILE, { force: true });
    const result = await script('start.mjs', ['--once'], { SERVE_DELAY: '20000', START_READY_TIMEOUT_MS: '1500' });
    expect(result.code).toBe(1);
    expect(result.err.trim()).toBe('start: @x/srv printed no address within 1.5 s (START_READY_TIMEOUT_MS); its serve script may be waiting on something');
    const pid = Number(readFileSync(PID_FILE, 'utf8'));
    await expect.poll(() => alive(pid), { timeout: STOP_WAIT_MS }).toBe(false);
  });

  it.each(['soon', '0', '3000000000', 'Infinity'])('rejects a START_READY_TIMEOUT_MS that is not a positive number a timer can wait: %s', async (value) => {
    const result = await script('start.mjs', ['--once'], { START_READY_TIMEOUT_MS: value });
    expect(result.code).toBe(2);
    expect(result.err.trim()).toBe(`start: START_READY_TIMEOUT_MS must be a positive number of milliseconds up to 2147483647, not ${value}`);
  });

  it('fails, and stops the server, when a started server accepts the check and never answers (10 s)', async () => {
    rmSync(PID_FILE, { force: true });
    const started = Date.now();
    const result = await script('start.mjs', ['--once'], { SERVE_MUTE: '1' });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/start: http:\/\/127\.0\.0\.1:\d+\/ answered The operation was aborted due to timeout/);
    expect(Date.now() - started).toBeLessThan(60_000);
    const pid = Number(readFileSync(PID_FILE, 'utf8'));
    await expect.poll(() => alive(pid), { timeout: STOP_WAIT_MS }).toBe(false);
  }, 90_000);
});

describe('pnpm demo', () => {
  it('stops when the build fails, with its exit code, and runs nothing else', async () => {
    rmSync(PID_FILE, { force: true });
    const result = await script('demo.mjs', [], { GENERATE: '3' });
    expect(result.code).toBe(3);
    expect(existsSync(PID_FILE)).toBe(false);
  });

  it('passes SIGTERM on to the build it is waiting for and exits 143', async () => {
    rmSync(join(work, 'turbo-got'), { force: true });
    const result = await script('demo.mjs', [], { TURBO_BUILD: 'hang' }, { signal: 'SIGTERM', when: (out) => out.includes('turbo: running') });
    expect(result.code).toBe(143);
    expect(readFileSync(join(work, 'turbo-got'), 'utf8')).toBe('SIGTERM');
  });
});

describe('the mutation report (tools/scripts/mutation-report.mjs)', () => {
  it("reads Stryker's report and writes bench/mutation.md in a package whose path has a space", async () => {
    const pkg = join(work, 'a package', 'sdk');
    mkdirSync(join(pkg, 'reports', 'mutation'), { recursive: true });
    mkdirSync(join(pkg, 'bench'), { recursive: true });
    const mutant = (status: string, line: number) => ({ status, mutatorName: 'EqualityOperator', location: { start: { line } } });
    writeFileSync(join(pkg, 'reports', 'mutation', 'mutation.json'), JSON.stringify({ files: { '/x/src/a.ts': { mutants: [mutant('Killed', 1), mutant('Survived', 7), mutant('Timeout', 3), mutant('NoCoverage', 9)] } } }));
    const { writeMutationReport } = (await import(join(SCRIPTS, 'mutation-report.mjs'))) as typeof import('../../scripts/mutation-report.mjs');
    const log = console.log;
    console.log = () => undefined;
    try {
      writeMutationReport({ packageUrl: pathToFileURL(`${pkg}/`), title: 'Score', command: 'pnpm mutation', about: 'a test.' });
    } finally {
      console.log = log;
    }
    const report = readFileSync(join(pkg, 'bench', 'mutation.md'), 'utf8');
    expect(report).toContain('**All mutated files: 50.0%** (2 of 4 mutants detected).');
    expect(report).toContain('- `src/a.ts:7` EqualityOperator\n- `src/a.ts:9` EqualityOperator (no test runs it)');
  });
});

describe('the import times of the benches (tools/scripts/import-times.mjs)', () => {
  it('loads a package by name through node_modules as a program does, with import() or require(), and a file by its path, each once per round', async () => {
    const lib = join(work, 'a package', 'lib');
    mkdirSync(lib, { recursive: true });
    writeFileSync(join(lib, 'package.json'), JSON.stringify({ name: '@x/lib', exports: { '.': { import: './index.mjs', require: './index.cjs' } } }));
    // Each load says how it happened, in a file beside the package (its real folder, not the link).
    writeFileSync(join(lib, 'index.mjs'), "import { appendFileSync } from 'node:fs';\nappendFileSync(new URL('./loads.txt', import.meta.url), 'import\\n');\n");
    writeFileSync(join(lib, 'index.cjs'), "require('node:fs').appendFileSync(require('node:path').join(__dirname, 'loads.txt'), 'require\\n');\n");
    writeFileSync(join(lib, 'direct.mjs'), "import { appendFileSync } from 'node:fs';\nappendFileSync(new URL('./loads.txt', import.meta.url), 'path\\n');\n");
    const { importTimes } = (await import(join(SCRIPTS, 'import-times.mjs'))) as typeof import('../../scripts/import-times.mjs');
    const { baselines, times, spreads } = importTimes(['@x/lib', { require: '@x/lib' }, join(lib, 'direct.mjs')], { packages: { '@x/lib': lib }, rounds: 2 });
    const loads = readFileSync(join(lib, 'loads.txt'), 'utf8').trim().split('\n').sort();
    expect(loads).toEqual(['import', 'import', 'path', 'path', 'require', 'require']);
    expect(times).toHaveLength(3);
    expect(spreads).toHaveLength(3);
    for (const [i, { p25, p75 }] of spreads.entries()) expect(p25 <= times[i]! && times[i]! <= p75).toBe(true);
    for (const ms of [...times, ...Object.values(baselines)]) expect(Number.isFinite(ms)).toBe(true);
    expect(Object.keys(baselines).sort()).toEqual(['commonJs', 'module', 'package', 'packageRequired']);
  });

  it('subtracts each round\'s baseline from the same round\'s load, then takes the median (a busy round cancels out)', async () => {
    const { medianDifference } = (await import(join(SCRIPTS, 'import-times.mjs'))) as typeof import('../../scripts/import-times.mjs');
    // A difference of medians would say 12 - 9 = 3; round by round the module costs 1, 1 and 7.
    expect(medianDifference([10, 30, 12], [9, 29, 5])).toBe(1);
    expect(medianDifference([4, 8], [1, 3])).toBe(4);
    expect(() => medianDifference([1, 2], [1])).toThrow('import-times: 2 values against 1 baselines');
    const { differenceQuartiles } = (await import(join(SCRIPTS, 'import-times.mjs'))) as typeof import('../../scripts/import-times.mjs');
    expect(differenceQuartiles([5, 1, 4, 2, 3], [0, 0, 0, 0, 0])).toEqual({ p25: 2, median: 3, p75: 4 });
  });

  it('rejects an entry that is neither a specifier nor { require }, naming it', async () => {
    const { importTimes } = (await import(join(SCRIPTS, 'import-times.mjs'))) as typeof import('../../scripts/import-times.mjs');
    expect(() => importTimes([{ import: 'x' } as never])).toThrow('import-times: an entry is a specifier or { require: specifier }, not {"import":"x"}');
  });
});
