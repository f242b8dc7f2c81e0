// `pnpm start [--once]`: the main job. Validates and bundles the spec, generates and builds every
// package, then starts every package that serves something (its `serve` script: the reference
// server, the docs site) and prints their addresses. With --once (CI) it also runs the demo
// conversation, checks each server answered, stops them and exits with the result.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pnpmCommand, run, scriptFlags, SIGNALS, signalExitCode, stopRunning, turbo } from './run.mjs';

const once = scriptFlags('start', ['--once']).has('--once');
/** How long a server may take to print its address; a server that never does fails the start. */
const readyTimeoutMs = Number(process.env.START_READY_TIMEOUT_MS ?? 120_000);
// At most 2³¹ - 1 ms, the longest a timer waits: a longer one would fire at once.
if (!(readyTimeoutMs > 0 && readyTimeoutMs <= 2 ** 31 - 1)) {
  console.error(`start: START_READY_TIMEOUT_MS must be a positive number of milliseconds up to 2147483647, not ${process.env.START_READY_TIMEOUT_MS}`);
  process.exit(2);
}

/** How long a started server may take to answer the check of `--once`. */
const ANSWER_TIMEOUT_MS = 10_000;

/** Every server started, from the moment it is spawned (ready or not), with the addresses it printed. */
const children = [];
/** Stops every server (its whole process group: pnpm and the server it started) and any command still running, once. */
let stopped = false;
function stopAll(signal = 'SIGTERM') {
  if (stopped) return;
  stopped = true;
  for (const { child } of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  void stopRunning(signal);
}
// Whatever ends this script (an uncaught error included) stops the servers: they run detached
// and would otherwise keep their ports.
process.on('exit', () => stopAll());
// Ctrl-C is how a user stops the servers, not a failure: stop them and exit 0 (pnpm reports any
// other code as a failed script). With --once the check did not finish: that is a failure, with
// the code a shell gives a process the signal stopped (130 for SIGINT, 143 for SIGTERM).
for (const signal of SIGNALS) {
  process.on(signal, () => {
    stopAll(signal);
    if (once) console.error('start: stopped before the check finished');
    else console.log('start: stopped.');
    process.exit(once ? signalExitCode(signal) : 0);
  });
}

const built = await turbo(['run', 'build', '--output-logs=errors-only']);
if (built !== 0) process.exit(built);

const pnpm = pnpmCommand();
const servers = (existsSync('packages') ? readdirSync('packages') : [])
  .map((dir) => join('packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => pkg.scripts?.serve);

/** Starts a package's serve script and resolves once it prints a line with its address. */
function serve({ dir, pkg }) {
  return new Promise((resolve, reject) => {
    // Its own process group, so stopping it also stops the server pnpm started.
    const child = spawn(pnpm[0], [...pnpm[1], 'run', '--silent', 'serve'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    const urls = [];
    children.push({ child, urls });
    let ready = false;
    const deadline = setTimeout(
      () => reject(new Error(`${pkg.name} printed no address within ${readyTimeoutMs / 1000} s (START_READY_TIMEOUT_MS); its serve script may be waiting on something`)),
      readyTimeoutMs,
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      for (const line of text.split('\n').filter(Boolean)) console.log(`[${pkg.name}] ${line}`);
      urls.push(...(text.match(/https?:\/\/[^\s)]+/g) ?? []));
      if (!ready && urls.length > 0) {
        ready = true;
        clearTimeout(deadline);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(deadline);
      if (!ready) reject(new Error(`${pkg.name} exited (code ${code}) before it was ready`));
    });
  });
}

try {
  for (const server of servers) await serve(server);
} catch (error) {
  console.error(`start: ${error.message}`);
  stopAll();
  process.exit(1);
}
console.log(servers.length === 0 ? 'start: built everything; no package serves anything yet.' : 'start: everything is up (Ctrl-C stops it).');

if (once) {
  for (const { urls } of children) {
    // Bounded: a server that accepts and never answers fails the start, not five minutes later.
    const response = await fetch(urls[0], { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) }).catch((error) => ({ ok: false, status: error.message }));
    console.log(`start: ${urls[0]} answered ${response.status}`);
    if (!response.ok) {
      stopAll();
      process.exit(1);
    }
  }
  const code = existsSync('apps/demo/package.json') ? await run(pnpm[0], [...pnpm[1], 'run', '--silent', 'demo']) : 0;
  stopAll();
  process.exit(code);
}
