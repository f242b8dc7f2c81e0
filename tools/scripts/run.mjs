// Runs a command with inherited stdio and resolves with its exit code; shared by the root scripts.
// A script stopped by a signal (Ctrl-C, a CI cancel, a closed terminal) passes it on to the
// commands it is running and, once they have stopped, exits with 128 + the signal's number as a
// shell does (130 for SIGINT, 143 for SIGTERM); a script with handlers of its own (start) calls
// stopRunning from them instead.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The exit code of a process a signal stopped: 128 + the signal's number. */
export const signalExitCode = (signal) => 128 + constants.signals[signal];

/** The commands launch() started that have not exited yet. */
const running = new Set();

/** Passes a signal on to every command still running; resolves once they all have exited. */
export function stopRunning(signal) {
  return Promise.all(
    [...running].map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill(signal);
        }),
    ),
  );
}

let stopSignal;
/** The signal that stopped the script, once one did. */
export const stoppedBy = () => stopSignal;
function passOn(signal) {
  // A second signal (another Ctrl-C) reaches the commands too; the first decides the exit code.
  if (stopSignal === undefined) {
    stopSignal = signal;
    void stopRunning(signal).then(() => process.exit(signalExitCode(signal)));
  } else void stopRunning(signal);
}
/** Passes signals on while a command runs, unless the script handles them itself. */
function track(child) {
  if (running.size === 0) for (const signal of SIGNALS) if (process.listenerCount(signal) === 0) process.on(signal, passOn);
  running.add(child);
  const done = () => {
    running.delete(child);
    if (running.size === 0) for (const signal of SIGNALS) process.off(signal, passOn);
  };
  child.once('exit', done);
  child.once('error', done);
}

/** Starts a command (inherited stdio unless options say otherwise), followed until it exits. */
export function launch(command, args, options = {}) {
  const child = spawn(command, args, { stdio: 'inherit', shell: false, ...options });
  track(child);
  return child;
}

/** A command's exit code as a script reports it: 128 + the signal's number if one stopped the script. */
export const exitCode = (code, signal) => (stopSignal ? signalExitCode(stopSignal) : signal ? 1 : (code ?? 1));

export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = launch(command, args, options);
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(exitCode(code, signal)));
  });
}

/**
 * The flags a root script was given, out of the ones it takes; any other argument is refused
 * (exit 2, with the usage) rather than ignored, so a mistyped flag never runs the wrong job;
 * -h or --help prints the usage and exits 0.
 */
export function scriptFlags(script, flags = []) {
  const args = process.argv.slice(2);
  const usage = `usage: pnpm ${[script, ...flags.map((flag) => `[${flag}]`)].join(' ')}`;
  if (args.includes('-h') || args.includes('--help')) {
    console.log(usage);
    process.exit(0);
  }
  const unknown = args.filter((arg) => !flags.includes(arg));
  if (unknown.length > 0) {
    console.error(`${script}: unknown argument ${unknown.join(' ')} (${usage})`);
    process.exit(2);
  }
  return new Set(args);
}

/** The pnpm that runs this script, as [command, args]: pnpm sets npm_execpath when it runs a script. */
export function pnpmCommand() {
  return process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['pnpm', []];
}

/** The environment turbo runs in: the workspace's own binaries first, telemetry off. */
export function turboEnv() {
  return { ...process.env, TURBO_TELEMETRY_DISABLED: '1', PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH}` };
}

/** turbo from the workspace's own node_modules, so no global install is needed. */
export function turbo(args) {
  return run('turbo', args, { env: turboEnv() });
}
