// `pnpm release [--dry-run] [--registry URL]`: see release.ts. Prints each step, then the versions
// and changelog entries released (or that would be); a refusal is one line on stderr, exit 1; a
// wrong argument exit 2.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { release, ReleaseRefused, type ReleaseReport } from './release.js';

const USAGE = `usage: pnpm release [--dry-run | --version-only | --publish-only] [--registry URL]

  --dry-run       version, build and check every package in a scratch copy; publish and tag nothing
  --version-only  only apply the changesets (versions, changelogs, the spec's info.version), uncommitted
  --publish-only  build, check, publish and tag the versions not published yet (after --version-only)
  --registry URL  publish there instead of the npm configuration's registry
  -h, --help      this text`;

function report(result: ReleaseReport): string {
  if (result.packages.length === 0) return 'release: nothing to release (no pending changeset)';
  const lines = [result.dryRun ? 'release (dry run): would release' : result.tags.length === 0 ? 'release: versioned (not published)' : 'release: released'];
  for (const pkg of result.packages) {
    lines.push('', `${pkg.name} ${pkg.from} -> ${pkg.to}`);
    if (pkg.changelog !== undefined) lines.push(...pkg.changelog.split('\n').map((line) => `  ${line}`));
  }
  if (!result.dryRun) lines.push('', `tags: ${result.tags.join(', ') || '(none)'}`);
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
if (values.registry !== undefined && !URL.canParse(values.registry)) {
  console.error(`release: --registry ${values.registry} is not a URL\n\n${USAGE}`);
  process.exit(2);
}

const root = fileURLToPath(new URL('../../..', import.meta.url));
try {
  const mode = values['version-only'] === true ? 'version' : values['publish-only'] === true ? 'publish' : 'full';
  const result = await release({ root, dryRun: values['dry-run'] === true, mode, registry: values.registry, log: (line) => console.log(`release: ${line}`) });
  console.log(report(result));
} catch (error) {
  if (!(error instanceof ReleaseRefused)) throw error;
  console.error(`release: refused: ${error.message}`);
  process.exit(1);
}
