// `pnpm start [--once]`: the main job. Validates and bundles the spec, generates and builds every
// package, then starts every package that serves something (its `serve` script: the reference
// server, the docs site) and prints their addresses. With --once (CI) it also runs the demo
// conversation, checks each server answered, stops them and exits with the result.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, turbo } from './run.mjs';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--once');
if (unknown.length > 0) {
  console.error(`start: unknown argument ${unknown.join(' ')} (usage: pnpm start [--once])`);
  process.exit(2);
}
const once = args.includes('--once');

const built = await turbo(['run', 'build', '--output-logs=errors-only']);
if (built !== 0) process.exit(built);

// pnpm sets npm_execpath when it runs a script; use the same pnpm for the children.
const pnpm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['pnpm', []];
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
    let ready = false;
    const urls = [];
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      for (const line of text.split('\n').filter(Boolean)) console.log(`[${pkg.name}] ${line}`);
      urls.push(...(text.match(/https?:\/\/[^\s)]+/g) ?? []));
      if (!ready && urls.length > 0) {
        ready = true;
        resolve({ child, urls });
      }
    });
    child.on('exit', (code) => {
      if (!ready) reject(new Error(`${pkg.name} exited (code ${code}) before it was ready`));
    });
  });
}

const children = [];
const stopAll = () =>
  children.forEach(({ child }) => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  });
// Ctrl-C is how a user stops the servers, not a failure: stop them and exit 0 (pnpm reports any
// other code as a failed script).
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopAll();
    console.log('start: stopped.');
    process.exit(0);
  });
}
try {
  for (const server of servers) children.push(await serve(server));
} catch (error) {
  console.error(`start: ${error.message}`);
  stopAll();
  process.exit(1);
}
console.log(servers.length === 0 ? 'start: built everything; no package serves anything yet.' : 'start: everything is up (Ctrl-C stops it).');

if (once) {
  for (const { urls } of children) {
    const response = await fetch(urls[0]).catch((error) => ({ ok: false, status: error.message }));
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
