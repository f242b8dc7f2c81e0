// `node tools/scripts/ensure-python-jsonschema.mjs`: makes sure Debian's python3-jsonschema is
// importable by Debian's Python (/usr/bin/python3) for the validators' cross-language test, which
// checks the exported JSON Schemas with it. Idempotent: when `python3 -c "import jsonschema"`
// works it prints the version and exits 0. Otherwise it runs `apt-get update` and
// `apt-get install -y --no-install-recommends python3-jsonschema` once (root needed; apt's output
// is shown only when it fails), checks the result and exits non-zero with a clear message when
// anything fails. It prints one line either way.
//
// Debian's interpreter on purpose, not the first `python3` on PATH: a pyenv or virtualenv Python
// does not see Debian's packages, and the test is meant to run the library a Debian service gets.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';
const PACKAGE = 'python3-jsonschema';

/** `<jsonschema version> (python <version>)`, or null when jsonschema cannot be imported. */
function version() {
  if (!existsSync(PYTHON)) return null;
  const script = 'import sys, jsonschema\nfrom importlib.metadata import version\nprint(version("jsonschema"), "(python %d.%d.%d)" % sys.version_info[:3])';
  const result = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', timeout: 60_000 });
  if (result.error || result.status !== 0) return null;
  return result.stdout.trim() || null;
}

function fail(message) {
  console.error(`ensure-python-jsonschema: ${message}`);
  process.exit(1);
}

/** Runs a command quietly; on failure prints its output and exits with a message. */
function run(command, args) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const result = spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    fail(`\`${command} ${args.join(' ')}\` failed (exit ${String(result.status)}; is the Debian package repository reachable?)`);
  }
}

const found = version();
if (found !== null) {
  console.log(`ensure-python-jsonschema: jsonschema ${found} (${PYTHON})`);
  process.exit(0);
}

if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  fail(`\`${PYTHON} -c "import jsonschema"\` fails and this is not a Debian-like system with apt-get; install ${PACKAGE} (or jsonschema for ${PYTHON}).`);
}
if (typeof process.getuid === 'function' && process.getuid() !== 0) {
  fail(`\`${PYTHON} -c "import jsonschema"\` fails; installing it needs root: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${PACKAGE}`);
}

run('apt-get', ['update']);
run('apt-get', ['install', '-y', '--no-install-recommends', PACKAGE]);
const installed = version();
if (installed === null) fail(`${PACKAGE} was installed but \`${PYTHON} -c "import jsonschema"\` still fails`);
console.log(`ensure-python-jsonschema: installed ${PACKAGE}, jsonschema ${installed} (${PYTHON})`);
