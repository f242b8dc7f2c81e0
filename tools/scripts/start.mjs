// `pnpm start [--once]`: the main job. Validates and bundles the spec, generates and builds every
// package. Packages that serve something (reference server, docs site) declare a `serve` script;
// they are started afterwards unless --once is given (CI uses --once so the job exits).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { turbo } from './run.mjs';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--once');
if (unknown.length > 0) {
  console.error(`start: unknown argument ${unknown.join(' ')} (usage: pnpm start [--once])`);
  process.exit(2);
}

const code = await turbo(['run', 'build', '--output-logs=new-only']);
if (code !== 0) process.exit(code);

const servers = (existsSync('packages') ? readdirSync('packages') : [])
  .map((dir) => join('packages', dir, 'package.json'))
  .filter((file) => existsSync(file))
  .map((file) => JSON.parse(readFileSync(file, 'utf8')))
  .filter((pkg) => pkg.scripts?.serve);

if (args.includes('--once') || servers.length === 0) {
  console.log(servers.length === 0 ? 'start: built everything; no package serves anything yet.' : 'start: built everything (--once: not serving).');
  process.exit(0);
}
// turbo runs the long-lived `serve` tasks side by side and stops them together on Ctrl-C.
process.exit(await turbo(['run', 'serve', ...servers.map((pkg) => `--filter=${pkg.name}`)]));
