// Runs a command with inherited stdio and resolves with its exit code; shared by the root scripts.
import { spawn } from 'node:child_process';

export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', shell: false, ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
}

/** The environment turbo runs in: the workspace's own binaries first, telemetry off. */
export function turboEnv() {
  return { ...process.env, TURBO_TELEMETRY_DISABLED: '1', PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH}` };
}

/** turbo from the workspace's own node_modules, so no global install is needed. */
export function turbo(args) {
  return run('turbo', args, { env: turboEnv() });
}
