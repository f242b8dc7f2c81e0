// `pnpm release [--dry-run | --version-only | --publish-only] [--registry URL]`: see release.ts.
// Prints each step, then the versions and changelog entries released (or that would be), a
// `New tag: <name>@<version>` line per tag (what changesets/action reads to make GitHub releases),
// and, after a full release, that the commit and tags are local. A refusal is one line on stderr
// (a failed step adds its output's last lines), exit 1; so is a release that stopped part-way
// (`release: failed: ...`, saying what is done and how to finish); any other error is its whole
// message (a located problem per line, no stack), exit 1; a wrong argument exit 2. Stopped by
// SIGINT or SIGTERM, it stops the running step, puts the tree back as a refusal does, says so
// (`release: stopped by SIGINT: ...`) and exits 128 + the signal's number (130, 143).
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { constants } from 'node:os';
import { release, ReleaseIncomplete, ReleaseRefused, ReleaseStopped, type ReleaseReport } from './release.js';

const USAGE = `usage: pnpm release [--dry-run | --version-only | --publish-only] [--registry URL]

  --dry-run       version, build and check every package in a scratch copy; publish and tag nothing
  --version-only  only apply the changesets (versions, changelogs, the spec's info.version), uncommitted
  --publish-only  build, check, publish and tag the versions not published yet (after --version-only)
  --registry URL  publish there instead of the npm configuration's registry
  -h, --help      this text`;

function report(result: ReleaseReport): string {
  const commit = result.commit === undefined ? [] : ['', `the release commit ${result.commit} and the tags are local: push them (git push && git push --tags)`];
  if (result.packages.length === 0) return [`release: ${result.nothing ?? 'nothing to release'}`, ...commit].join('\n');
  const lines = [result.dryRun ? 'release (dry run): would release' : result.tags.length === 0 ? 'release: versioned (not published)' : 'release: released'];
  for (const pkg of result.packages) {
    lines.push('', pkg.from === undefined ? `${pkg.name} ${pkg.to}` : `${pkg.name} ${pkg.from} -> ${pkg.to}`);
    if (pkg.changelog !== undefined) lines.push(...pkg.changelog.split('\n').map((line) => `  ${line}`));
  }
  if (!result.dryRun) lines.push('', `tags: ${result.tags.join(', ') || '(none)'}`);
  // As changesets publish prints them: changesets/action makes a GitHub release per line.
  if (result.tags.length > 0) lines.push(...result.tags.map((tag) => `New tag: ${tag}`));
  lines.push(...commit);
  return lines.join('\n');
}

let values: { 'dry-run'?: boolean; 'version-only'?: boolean; 'publish-only'?: boolean; registry?: string; help?: boolean };
try {
  ({ values } = parseArgs({ options: { 'dry-run': { type: 'boolean' }, 'version-only': { type: 'boolean' }, 'publish-only': { type: 'boolean' }, registry: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
} catch (error) {
  console.error(`release: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if ([values['dry-run'], values['version-only'], values['publish-only']].filter(Boolean).length > 1) {
  console.error(`release: --dry-run, --version-only and --publish-only exclude each other\n\n${USAGE}`);
  process.exit(2);
}
// `localhost:4873` parses as a URL (scheme `localhost:`), and so does `http:foo` (as http://foo/):
// only `http(s)://host[:port][/path]` as written is a registry.
if (values.registry !== undefined && !(/^https?:\/\/[^/?#@\s]+(\/[^?#\s]*)?$/i.test(values.registry) && URL.canParse(values.registry) && new URL(values.registry).hostname !== '')) {
  console.error(`release: --registry ${values.registry} is not an http:// or https:// URL (e.g. http://localhost:4873/)`);
  process.exit(2);
}

// Only a release that publishes has a registry to use: given otherwise, it would be ignored.
if (values.registry !== undefined && (values['dry-run'] === true || values['version-only'] === true)) {
  console.error(`release: --registry is for a release that publishes; ${values['dry-run'] === true ? '--dry-run' : '--version-only'} publishes nothing\n\n${USAGE}`);
  process.exit(2);
}

const root = fileURLToPath(new URL('../../..', import.meta.url));
// A signal stops the release through `signal`, which then leaves nothing half done behind; a
// second signal while it puts things back is ignored (the handlers stay), so that it can finish.
const stop = new AbortController();
for (const name of ['SIGINT', 'SIGTERM'] as const) process.on(name, () => stop.abort(name));
const exitCodeOf = (signal: string) => 128 + (constants.signals[signal as keyof typeof constants.signals] ?? 15);
try {
  const mode = values['version-only'] === true ? 'version' : values['publish-only'] === true ? 'publish' : 'full';
  const result = await release({ root, dryRun: values['dry-run'] === true, mode, registry: values.registry, log: (line) => console.log(`release: ${line}`), signal: stop.signal });
  console.log(report(result));
  if (stop.signal.aborted) process.exit(exitCodeOf(String(stop.signal.reason)));
} catch (error) {
  if (error instanceof ReleaseStopped) {
    console.error(`release: ${error.message}`);
    process.exit(exitCodeOf(error.signal));
  }
  if (error instanceof ReleaseRefused) console.error(`release: refused: ${error.message}`);
  else if (error instanceof ReleaseIncomplete) console.error(`release: failed: ${error.message}`);
  // Anything else (a git, file or spec error): its whole message, which says where (a spec problem
  // is a `file:line:column` line each), not a stack.
  else console.error(`release: failed: ${(error instanceof Error ? error.message : String(error)).trim() || 'unknown error'}`);
  // Stopped after the release commit: what is left is said above; the exit code says it was a signal.
  process.exit(stop.signal.aborted ? exitCodeOf(String(stop.signal.reason)) : 1);
}
