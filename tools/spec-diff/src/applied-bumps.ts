// The bumps a release has already applied. Once the version step ran, its changesets are consumed:
// the versions themselves then say which packages went up since a release tag. The gate and the
// release's publish step both count these, besides the changesets still pending.
import { execFileSync } from 'node:child_process';
import type { Bump } from './changesets.js';
import type { VersionedPackage } from './workspace.js';

/** The major of a semver version (`1` for `1.2.3`). */
const majorOf = (version: string): number => Number.parseInt(version, 10);

/**
 * Per package, the bump its version shows since the git ref `ref`: `major` when its major went up,
 * or when it did not exist then (nothing was released to break); `minor` for any other change.
 */
export function appliedBumps(root: string, ref: string, packages: readonly VersionedPackage[]): Map<string, Bump> {
  const bumps = new Map<string, Bump>();
  for (const pkg of packages) {
    let then: string | undefined;
    try {
      const manifest = execFileSync('git', ['show', `${ref}:${pkg.dir}/package.json`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      then = (JSON.parse(manifest) as { version?: string }).version;
    } catch {
      then = undefined;
    }
    if (then === undefined || majorOf(pkg.version) > majorOf(then)) bumps.set(pkg.name, 'major');
    else if (pkg.version !== then) bumps.set(pkg.name, 'minor');
  }
  return bumps;
}

/** The larger bump of each package over several sources (pending changesets, applied versions). */
export function largestBumps(...sources: ReadonlyArray<ReadonlyMap<string, Bump>>): Map<string, Bump> {
  const rank: Record<Bump, number> = { patch: 0, minor: 1, major: 2 };
  const bumps = new Map<string, Bump>();
  for (const source of sources) {
    for (const [pkg, bump] of source) {
      const previous = bumps.get(pkg);
      if (previous === undefined || rank[bump] > rank[previous]) bumps.set(pkg, bump);
    }
  }
  return bumps;
}
