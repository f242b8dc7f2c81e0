// `pnpm generate [--check]`: runs every package's generate task through turbo.
// With --check nothing is written; each generator compares its output with the files on disk
// and fails, printing the difference, when they are stale.
import { turbo } from './run.mjs';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--check');
if (unknown.length > 0) {
  console.error(`generate: unknown argument ${unknown.join(' ')} (usage: pnpm generate [--check])`);
  process.exit(2);
}
const check = args.includes('--check');
process.exit(await turbo(['run', check ? 'generate:check' : 'generate', '--output-logs=errors-only']));
