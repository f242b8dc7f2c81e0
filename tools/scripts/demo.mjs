// `pnpm demo`: builds what the demo needs, then runs its scripted conversation. One node process
// (not `a && b` under sh), so a signal reaches whichever of the two is running and the script
// exits as a shell would (130 for Ctrl-C, 143 for SIGTERM).
import { pnpmCommand, run, scriptFlags, turbo } from './run.mjs';

scriptFlags('demo');
const built = await turbo(['run', 'build', '--output-logs=errors-only']);
if (built !== 0) process.exit(built);
const [pnpm, pnpmArgs] = pnpmCommand();
process.exit(await run(pnpm, [...pnpmArgs, '--filter', '@customer-chat/demo', 'run', 'demo']));
