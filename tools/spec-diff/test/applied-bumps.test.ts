// The bumps a release already applied (after its version step consumed the changesets), read from
// the versions in a scratch git repository.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appliedBumps, largestBumps } from '../src/applied-bumps.js';
import { workspacePackages } from '../src/workspace.js';
import { missingMajors } from '../src/changesets.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function repository(): { root: string; manifest: (dir: string, fields: object) => void; commit: (tag?: string) => void } {
  const root = mkdtempSync(join(tmpdir(), 'applied-bumps-'));
  roots.push(root);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root, stdio: 'ignore' });
  git('init', '-q');
  return {
    root,
    manifest: (dir, fields) => {
      mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, dir, 'package.json'), JSON.stringify(fields));
    },
    commit: (tag) => {
      git('add', '-A');
      git('commit', '-q', '-m', 'x');
      if (tag !== undefined) git('tag', tag);
    },
  };
}

describe('bumps already applied since a release tag', () => {
  it('a major version since the tag is a major, a package new since then too, any other change a minor; private packages are left out', () => {
    const repo = repository();
    repo.manifest('spec', { name: '@x/spec', version: '0.1.0' });
    repo.manifest('packages/sdk', { name: '@x/sdk', version: '0.1.0' });
    repo.manifest('packages/same', { name: '@x/same', version: '0.1.0' });
    repo.manifest('tools/internal', { name: '@x/internal', version: '0.1.0', private: true });
    repo.commit('@x/spec@0.1.0');
    repo.manifest('spec', { name: '@x/spec', version: '1.0.0' });
    repo.manifest('packages/sdk', { name: '@x/sdk', version: '0.2.0' });
    repo.manifest('packages/fresh', { name: '@x/fresh', version: '0.1.0' });
    repo.manifest('tools/internal', { name: '@x/internal', version: '1.0.0', private: true });
    repo.commit();

    const packages = workspacePackages(repo.root);
    expect(packages.map((p) => `${p.name}@${p.version} in ${p.dir}`).sort()).toEqual(['@x/fresh@0.1.0 in packages/fresh', '@x/same@0.1.0 in packages/same', '@x/sdk@0.2.0 in packages/sdk', '@x/spec@1.0.0 in spec']);
    const applied = appliedBumps(repo.root, '@x/spec@0.1.0', packages);
    expect(Object.fromEntries(applied)).toEqual({ '@x/spec': 'major', '@x/sdk': 'minor', '@x/fresh': 'major' });
    // The gate: a breaking change that touches spec and sdk lacks only sdk's major.
    const breaking = [{ breaking: true, packages: ['@x/spec', '@x/sdk'] }] as Parameters<typeof missingMajors>[0];
    expect(missingMajors(breaking, applied)).toEqual(['@x/sdk']);
    expect(missingMajors(breaking, largestBumps(applied, new Map([['@x/sdk', 'major']])))).toEqual([]);
  });

  it('keeps the larger bump of each package over its sources', () => {
    const bumps = largestBumps(new Map([['a', 'minor'], ['b', 'major']]), new Map([['a', 'major'], ['b', 'patch'], ['c', 'patch']]));
    expect(Object.fromEntries(bumps)).toEqual({ a: 'major', b: 'major', c: 'patch' });
  });
});
