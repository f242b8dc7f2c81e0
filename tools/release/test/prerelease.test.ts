// Pre mode (`changeset pre enter next`), to a local registry (verdaccio on 127.0.0.1) from a
// scratch clone: the version step makes prerelease versions and keeps the changesets it consumed
// (pre.json lists them), which are then not pending: --publish-only publishes the prereleases
// under the `next` dist-tag, a full release with no new changeset has nothing to release (no empty
// commit), and one with a new changeset versions and publishes the next prerelease.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSpecVersions } from '../src/version-story.js';
import { publishablePackages } from '../src/workspace.js';
import { commitAll, git, registryAndClone, runRelease } from './helpers.js';
import { httpJson } from './registry.js';

const local = registryAndClone();

const distTags = async (name: string) => ((await httpJson(`${local.registry.url}/${name.replace('/', '%2f')}`)).json as { 'dist-tags': Record<string, string> })['dist-tags'];

describe('pnpm release in pre mode (changeset pre enter next)', () => {
  it('versions prereleases, publishes them under the next dist-tag, and takes the changesets pre.json lists as versioned', async () => {
    const { root } = local.scratch;
    const env = { NPM_CONFIG_USERCONFIG: local.registry.npmrc };
    const args = ['--registry', `${local.registry.url}/`];
    execFileSync(process.execPath, [join(root, 'node_modules/@changesets/cli/bin.js'), 'pre', 'enter', 'next'], { cwd: root, stdio: 'pipe' });
    commitAll(root, 'pre mode: next');

    const versioned = runRelease(root, ['--version-only']);
    expect(versioned.code, `${versioned.stdout}\n${versioned.stderr}`).toBe(0);
    const versions = readSpecVersions(root);
    expect(versions.package).toMatch(/^\d+\.\d+\.\d+-next\.0$/);
    expect(versions.document).toBe(versions.package);
    commitAll(root, 'release: version packages (next)');

    // The consumed changesets stay in the folder: nothing more to version, and a full release
    // says the versioned prereleases are to be published, not a commit of nothing.
    const again = runRelease(root, ['--version-only']);
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
    expect(again.stdout).toContain('release: nothing to release (no pending changeset: in pre mode (next) the ones in .changeset/pre.json are versioned already)');
    const head = git(root, ['rev-parse', 'HEAD']);
    const full = runRelease(root, args, env);
    expect(full.code, full.stdout).toBe(1);
    expect(full.stderr.trim()).toMatch(/^release: refused: no pending changeset, but HEAD \(\w+ "release: version packages \(next\)"\) is a release commit whose versions are not all published and tagged \(.*\): run pnpm release --publish-only to finish it$/);
    expect(git(root, ['rev-parse', 'HEAD'])).toBe(head);

    const published = runRelease(root, ['--publish-only', ...args], env);
    expect(published.code, `${published.stdout}\n${published.stderr}`).toBe(0);
    for (const pkg of publishablePackages(root)) {
      expect(pkg.version).toMatch(/-next\.0$/);
      expect(published.stdout.split('\n')).toContain(`New tag: ${pkg.name}@${pkg.version}`);
      expect((await distTags(pkg.name)).next).toBe(pkg.version);
    }

    // Nothing new: nothing to release, in a dry run too.
    for (const run of [[...args], ['--dry-run']]) {
      const nothing = runRelease(root, run, env);
      expect(nothing.code, `${nothing.stdout}\n${nothing.stderr}`).toBe(0);
      expect(nothing.stdout).toContain('release: nothing to release (no pending changeset: in pre mode (next) the ones in .changeset/pre.json are versioned already)');
      expect(git(root, ['rev-parse', 'HEAD'])).toBe(head);
    }

    // A new changeset: the next prerelease, versioned, committed, published under next.
    const sdkBefore = publishablePackages(root).find((p) => p.name === '@customer-chat/sdk')!.version;
    writeFileSync(join(root, '.changeset', 'sdk-fix.md'), "---\n'@customer-chat/sdk': patch\n---\n\n**sdk**: a fix.\n");
    commitAll(root, 'an sdk fix');
    const next = runRelease(root, args, env);
    expect(next.code, `${next.stdout}\n${next.stderr}`).toBe(0);
    const sdk = publishablePackages(root).find((p) => p.name === '@customer-chat/sdk')!.version;
    expect(sdk).toBe(sdkBefore.replace(/-next\.0$/, '-next.1'));
    expect(next.stdout.split('\n')).toContain(`@customer-chat/sdk ${sdkBefore} -> ${sdk}`);
    expect(git(root, ['log', '-1', '--format=%s'])).toContain(`@customer-chat/sdk@${sdk}`);
    // Under a dist-tag (changesets picks latest for a package with only prereleases so far).
    expect(Object.values(await distTags('@customer-chat/sdk'))).toContain(sdk);
    expect(JSON.parse(readFileSync(join(root, '.changeset', 'pre.json'), 'utf8')).changesets).toContain('sdk-fix');
    expect(git(root, ['status', '--porcelain'])).toBe('');
  });
});
