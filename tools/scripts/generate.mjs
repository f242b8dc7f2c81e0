// `pnpm generate [--check]`: runs every package's generate task through turbo.
// With --check nothing is written; each generator compares its output with the files on disk
// and fails, printing the difference, when they are stale.
import { scriptFlags, turbo } from './run.mjs';

const check = scriptFlags('generate', ['--check']).has('--check');
process.exit(await turbo(['run', check ? 'generate:check' : 'generate', '--output-logs=errors-only']));
