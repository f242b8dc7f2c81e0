// `node tools/scripts/ensure-chromium.mjs`: makes sure Debian's Chromium is at /usr/bin/chromium
// for the browser tests (driven by playwright-core, which never downloads a browser of its own).
// Idempotent: when Chromium is already there it prints its version and exits 0. Otherwise it runs
// `apt-get update` and `apt-get install -y --no-install-recommends chromium` (root needed), checks
// the result and exits non-zero with a clear message when anything fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { CHROMIUM } from './chromium.mjs';

export { CHROMIUM };

/** Runs a command with inherited stdio; returns its exit status (1 when it could not start). */
function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.error) {
    console.error(`ensure-chromium: could not run ${command}: ${result.error.message}`);
    return 1;
  }
  return result.status ?? 1;
}

/** `chromium --version`, or null when the binary does not answer. */
function version() {
  const result = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error || result.status !== 0) return null;
  return result.stdout.trim() || null;
}

function fail(message) {
  console.error(`ensure-chromium: ${message}`);
  process.exit(1);
}

if (existsSync(CHROMIUM)) {
  const found = version();
  if (found === null) fail(`${CHROMIUM} exists but \`${CHROMIUM} --version\` failed; reinstall it with: apt-get install --reinstall chromium`);
  console.log(`ensure-chromium: ${found} (${CHROMIUM})`);
  process.exit(0);
}

if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  fail(`${CHROMIUM} is missing and this is not a Debian-like system with apt-get; install Chromium so that ${CHROMIUM} exists.`);
}
if (typeof process.getuid === 'function' && process.getuid() !== 0) {
  fail(`${CHROMIUM} is missing; installing it needs root: sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium`);
}

console.log(`ensure-chromium: ${CHROMIUM} not found; installing Debian's chromium package`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
if (run('apt-get', ['update'], env) !== 0) fail('`apt-get update` failed (is the Debian package repository reachable?)');
if (run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], env) !== 0) {
  fail('`apt-get install -y --no-install-recommends chromium` failed');
}
if (!existsSync(CHROMIUM)) fail(`the chromium package installed but ${CHROMIUM} is still missing`);
const installed = version();
if (installed === null) fail(`${CHROMIUM} was installed but \`${CHROMIUM} --version\` failed`);
console.log(`ensure-chromium: installed ${installed} (${CHROMIUM})`);
