// Runs the workspace's own turbo with the given arguments (telemetry off), exiting with its code.
import { turbo } from './run.mjs';

process.exit(await turbo(process.argv.slice(2)));
