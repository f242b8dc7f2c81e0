// What `pnpm release` refuses, each with one line, exit 1, and nothing published, tagged or
// committed: a dirty tree, a spec/package version mismatch, a breaking spec change without its
// majors, a changeset it cannot read (file:line:column), a failing package check, a failing
// version step (also with --version-only), --publish-only with changesets pending, a full release
// without a git identity, a registry that does not answer, and a release commit at HEAD that was
// never published. Any other error is its whole message, no stack (a spec problem located). What
// it does not refuse: majors the versions carry since the spec's tag (the version step committed),
// as the spec-diff gate counts them; an empty changeset is nothing to release. And a dry run:
// everything but publish and tag, in a scratch copy, reporting the versions and changelog entries
// it would release.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Scratch } from '../src/scratch.js';
import { readSpecVersions } from '../src/version-story.js';
import { publishablePackages } from '../src/workspace.js';
import { breakingChangeWithMajors, clone, commitAll, git, runRelease } from './helpers.js';
import { startRegistry } from './registry.js';

let scratch: Scratch | undefined;
afterEach(() => {
  scratch?.dispose();
  scratch = undefined;
});

/** The refusal line on stderr, and proof that nothing happened: same HEAD, no new tag, changesets still there. */
function expectRefused(root: string, args: string[], line: RegExp): void {
  const head = git(root, ['rev-parse', 'HEAD']);
  const tags = git(root, ['tag', '--list']);
  const result = runRelease(root, args);
  expect(result.code, result.stdout).toBe(1);
  const refusal = result.stderr.split('\n').find((l) => l.startsWith('release: refused: '));
  expect(refusal, result.stderr).toMatch(line);
  expect(git(root, ['rev-parse', 'HEAD'])).toBe(head);
  expect(git(root, ['tag', '--list'])).toBe(tags);
  // A refusal after versioning in place leaves the tree as it was (the dirty-tree case had one file).
  if (!/uncommitted changes/.test(refusal!)) expect(git(root, ['status', '--porcelain'])).toBe('');
}

describe('pnpm release refuses', () => {
  it('a dirty working tree', () => {
    scratch = clone();
    writeFileSync(join(scratch.root, 'spec', 'NOTES.txt'), 'not committed');
    expectRefused(scratch.root, [], /^release: refused: the working tree has uncommitted changes \(1 path\(s\), e\.g\. spec\/NOTES\.txt\); commit or stash them first$/);
  });

  it('an untracked file that git status hides (status.showUntrackedFiles=no), which putting a failed release back would delete', () => {
    scratch = clone();
    git(scratch.root, ['config', 'status.showUntrackedFiles', 'no']);
    writeFileSync(join(scratch.root, 'notes.txt'), 'my notes');
    expectRefused(scratch.root, ['--version-only'], /^release: refused: the working tree has uncommitted changes \(1 path\(s\), e\.g\. notes\.txt\); commit or stash them first$/);
    expect(readFileSync(join(scratch.root, 'notes.txt'), 'utf8')).toBe('my notes');
  });

  it('a spec whose package version and info.version differ', () => {
    scratch = clone();
    const file = join(scratch.root, 'spec', 'package.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"version": "[^"]+"/, '"version": "0.9.9"'));
    commitAll(scratch.root, 'drift');
    expectRefused(scratch.root, ['--dry-run'], /^release: refused: the spec's versions differ: spec\/package\.json says 0\.9\.9, spec\/asyncapi\.yaml info\.version says [\d.]+; make them equal$/);
  });

  it('a breaking spec change since the last release without a major changeset', () => {
    scratch = clone();
    const { root } = scratch;
    git(root, ['tag', '@customer-chat/spec@0.1.0']);
    const file = join(root, 'spec', 'asyncapi.yaml');
    // A request argument gets a lower limit: old clients that send more are refused (the
    // spec's examples stay valid, which the model requires).
    const text = readFileSync(file, 'utf8');
    const start = text.indexOf('    SendSneakPeekArguments:');
    const limit = text.indexOf('maxLength: 16384', start);
    writeFileSync(file, `${text.slice(0, limit)}maxLength: 8192${text.slice(limit + 'maxLength: 16384'.length)}`);
    commitAll(root, 'a breaking change, with minor changesets only');
    expectRefused(root, ['--dry-run'], /^release: refused: the spec has breaking changes since @customer-chat\/spec@0\.1\.0 and no major changeset for @customer-chat\/[a-z-]+/);
  });

  it('a package that fails its checks (publint on the packed tarball), before anything is published', async () => {
    scratch = clone();
    const file = join(scratch.root, 'packages', 'validators', 'package.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { exports: Record<string, unknown> };
    manifest.exports['./missing'] = { types: './dist/missing.d.ts', default: './dist/missing.js' };
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    commitAll(scratch.root, 'an export to a file that is never built');
    // A registry that answers: one that does not is refused before the build.
    const registry = await startRegistry();
    try {
      expectRefused(scratch.root, ['--registry', `${registry.url}/`], /^release: refused: publint on @customer-chat\/validators failed:/);
    } finally {
      await registry.close();
    }
  });

  it('a wrong argument, with exit code 2 and the usage', () => {
    scratch = clone();
    const result = runRelease(scratch.root, ['--version-only', '--publish-only']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^release: --dry-run, --version-only and --publish-only exclude each other\n\nusage: pnpm release/m);
  });

  it('a --registry that is not an http(s) URL (localhost:4873 parses as a URL with the scheme localhost:), with one line and exit code 2', () => {
    scratch = clone();
    // `http:foo` parses too (as http://foo/): a registry is http(s)://host[:port][/path] as written.
    for (const registry of ['not a url', 'localhost:4873', 'file:///tmp/registry', 'http:foo', 'https:/foo', 'http://', 'http://127.0.0.1:4873/?x=1']) {
      const result = runRelease(scratch.root, ['--publish-only', '--registry', registry]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim()).toBe(`release: --registry ${registry} is not an http:// or https:// URL (e.g. http://localhost:4873/)`);
    }
  });

  it('a --registry with --dry-run or --version-only, which publish nothing, with exit code 2 and the usage', () => {
    scratch = clone();
    for (const mode of ['--dry-run', '--version-only']) {
      const result = runRelease(scratch.root, [mode, '--registry', 'http://127.0.0.1:4873/']);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^release: --registry is for a release that publishes; ${mode} publishes nothing\n\nusage: pnpm release`));
      expect(git(scratch.root, ['status', '--porcelain'])).toBe('');
    }
  });

  it('--publish-only with changesets pending (it would publish numbers without them)', () => {
    scratch = clone();
    expectRefused(scratch.root, ['--publish-only', '--registry', 'http://127.0.0.1:9/'], /^release: refused: \d+ changeset\(s\) are pending \(e\.g\. \.changeset\/[\w-]+\.md\): version them first \(pnpm release --version-only, then commit\), or release them with pnpm release$/);
  });

  it('a failing version step with --version-only, leaving nothing half-versioned behind', () => {
    scratch = clone();
    const { root } = scratch;
    // `changeset version` writes the versions, then the generators fail.
    const file = join(root, 'package.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { scripts: Record<string, string> };
    manifest.scripts.generate = 'node -e "console.error(\'the generator broke\'); process.exit(3)"';
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    commitAll(root, 'a generator that fails');
    expectRefused(root, ['--version-only'], /^release: refused: generating failed:$/);
    expect(readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md').length).toBeGreaterThan(0);
  });

  it('a full release without a git identity to commit with, before building anything', () => {
    scratch = clone();
    const { root } = scratch;
    git(root, ['config', '--unset', 'user.name']);
    git(root, ['config', '--unset', 'user.email']);
    git(root, ['config', 'user.useConfigOnly', 'true']);
    const head = git(root, ['rev-parse', 'HEAD']);
    const result = runRelease(root, ['--registry', 'http://127.0.0.1:9/'], { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: '', GIT_AUTHOR_EMAIL: '', GIT_COMMITTER_NAME: '', GIT_COMMITTER_EMAIL: '', EMAIL: '' });
    expect(result.code, result.stdout).toBe(1);
    expect(result.stderr.trim()).toBe('release: refused: git has no identity to make the release commit with; set user.name and user.email (git config) first');
    expect(result.stdout).not.toContain('building');
    expect(git(root, ['rev-parse', 'HEAD'])).toBe(head);
    expect(git(root, ['status', '--porcelain'])).toBe('');
  });

  it('a full release with nothing pending whose HEAD is a release commit never published (its versions untagged): --publish-only finishes it', () => {
    scratch = clone();
    const { root } = scratch;
    // As a full release whose publish failed leaves it: the changesets consumed, the commit made, no tag.
    for (const file of readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md')) rmSync(join(root, '.changeset', file));
    commitAll(root, 'release: @customer-chat/spec@0.1.0');
    const sha = git(root, ['rev-parse', '--short', 'HEAD']).trim();
    expectRefused(root, [], new RegExp(`^release: refused: no pending changeset, but HEAD \\(${sha} "release: @customer-chat/spec@0\\.1\\.0"\\) is a release commit whose versions are not all published and tagged \\(@customer-chat/[^)]+\\): run pnpm release --publish-only to finish it$`));
    // Once tagged (published), there is nothing to release again.
    for (const line of git(root, ['ls-files', '*package.json']).split('\n').filter((f) => /^(spec|packages\/[^/]+)\/package\.json$/.test(f))) {
      const manifest = JSON.parse(readFileSync(join(root, line), 'utf8')) as { name: string; version: string; private?: boolean };
      if (manifest.private !== true) git(root, ['tag', `${manifest.name}@${manifest.version}`]);
    }
    const again = runRelease(root, []);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('release: nothing to release (no pending changeset)');
  });

  it('a registry that does not answer (npm ping), before anything is versioned or committed', () => {
    scratch = clone();
    expectRefused(scratch.root, ['--registry', 'http://127.0.0.1:9/'], /^release: refused: the registry http:\/\/127\.0\.0\.1:9\/ does not answer \(npm ping: [^)]*ECONNREFUSED[^)]*\): check --registry or the npm configuration's registry$/);
  });

  it('a changeset whose front matter is not valid YAML, naming its file, line and column (in the file), in one line', () => {
    scratch = clone();
    writeFileSync(join(scratch.root, '.changeset', 'broken.md'), "---\n'@customer-chat/sdk': [patch\n---\n\n**sdk**: a fix.\n");
    commitAll(scratch.root, 'a broken changeset');
    for (const args of [['--version-only'], ['--dry-run']]) {
      expectRefused(scratch.root, args, /^release: refused: \.changeset\/broken\.md:2:29: the front matter is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a \]$/);
      expect(runRelease(scratch.root, args).stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('nothing with a stack trace: an unexpected error is one line with its cause, exit 1', () => {
    scratch = clone();
    rmSync(join(scratch.root, '.changeset'), { recursive: true });
    commitAll(scratch.root, 'no changeset folder');
    const result = runRelease(scratch.root, ['--version-only']);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stderr.trim()).toMatch(/^release: failed: ENOENT: no such file or directory, scandir '[^']*\.changeset'$/);
  });

  it('a spec with problems: every problem, located (file:line:column), no stack', () => {
    scratch = clone();
    const { root } = scratch;
    // Tagged, so the gate reads the spec before anything runs.
    git(root, ['tag', `@customer-chat/spec@${readSpecVersions(root).package}`]);
    const file = join(root, 'spec', 'asyncapi.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('maxLength: 16384', 'maxLength: -1'));
    commitAll(root, 'a negative maxLength');
    const result = runRelease(root, ['--version-only']);
    expect(result.code, result.stdout).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^release: failed: \d+ problem\(s\) in the AsyncAPI document:$/);
    expect(lines.slice(1).length).toBeGreaterThan(0);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}spec\/asyncapi\.yaml:\d+:\d+ error \S+ at \/\S*: /);
    expect(result.stderr).toMatch(/"maxLength" property must be >= 0/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('pnpm release does not refuse', () => {
  it('majors the versions carry since the spec tag (--version-only committed, its changesets consumed), with a patch changeset since: in every mode, as spec:diff --gate', () => {
    scratch = clone();
    const { root } = scratch;
    const packages = publishablePackages(root);
    breakingChangeWithMajors(root, readSpecVersions(root).package, packages.map((p) => p.name));
    const first = runRelease(root, ['--version-only']);
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
    commitAll(root, 'release: version packages');
    const docs = () => publishablePackages(root).find((p) => p.name === '@customer-chat/docs')!.version;
    expect(docs()).toBe('1.0.0');
    writeFileSync(join(root, '.changeset', 'docs-typo.md'), "---\n'@customer-chat/docs': patch\n---\n\n**docs**: a typo.\n");
    commitAll(root, 'a docs patch');
    const gate = spawnSync('npx', ['--yes', 'pnpm@10.34.8', '-s', 'spec:diff', '--gate'], { cwd: root, encoding: 'utf8' });
    expect(gate.status, `${gate.stdout}\n${gate.stderr}`).toBe(0);

    // --publish-only: the patch is pending, and the way it says to version it works.
    expectRefused(root, ['--publish-only', '--registry', 'http://127.0.0.1:9/'], /^release: refused: 1 changeset\(s\) are pending \(e\.g\. \.changeset\/docs-typo\.md\): version them first \(pnpm release --version-only, then commit\)/);
    const versioned = runRelease(root, ['--version-only']);
    expect(versioned.code, `${versioned.stdout}\n${versioned.stderr}`).toBe(0);
    expect(docs()).toBe('1.0.1');
    git(root, ['reset', '--hard', '--quiet']);
    git(root, ['clean', '-fdq']);

    // A full release gets past the gate to its version step (made to fail there, before the build).
    const manifestFile = join(root, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { scripts: Record<string, string> };
    manifest.scripts.generate = 'node -e "process.exit(3)"';
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    commitAll(root, 'a generator that fails');
    expectRefused(root, ['--dry-run'], /^release: refused: generating failed:?$/);
  });

  it('an empty changeset (as changeset add --empty writes it): nothing to release, nothing built or committed', () => {
    scratch = clone();
    const { root } = scratch;
    for (const file of readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md')) rmSync(join(root, '.changeset', file));
    writeFileSync(join(root, '.changeset', 'no-release.md'), '---\n---\n\nOnly the tests changed.\n');
    commitAll(root, 'an empty changeset');
    const head = git(root, ['rev-parse', 'HEAD']);
    for (const args of [['--registry', 'http://127.0.0.1:9/'], ['--version-only'], ['--dry-run']]) {
      const result = runRelease(root, args);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stdout).toContain('release: nothing to release (the pending changeset(s) release no published package (empty, or naming only private packages or none): .changeset/no-release.md; the next release versions them along)');
      expect(result.stdout).not.toMatch(/versioning|building|publishing/);
      expect(git(root, ['rev-parse', 'HEAD'])).toBe(head);
      expect(git(root, ['status', '--porcelain'])).toBe('');
      expect(existsSync(join(root, '.changeset', 'no-release.md'))).toBe(true);
    }
  });
});

describe('pnpm release --dry-run', () => {
  it('versions, builds and checks everything in a scratch copy, reports what it would release, and changes nothing', () => {
    scratch = clone();
    const { root } = scratch;
    const head = git(root, ['rev-parse', 'HEAD']);
    const result = runRelease(root, ['--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('release (dry run): would release');
    expect(result.stdout).toMatch(/^@customer-chat\/spec \d+\.\d+\.\d+ -> \d+\.\d+\.\d+$/m);
    expect(result.stdout).toMatch(/^@customer-chat\/sdk \d+\.\d+\.\d+ -> \d+\.\d+\.\d+$/m);
    // The changelog entries, as changesets writes them.
    expect(result.stdout).toMatch(/^ {2}### Minor Changes$/m);
    expect(result.stdout).toContain('checked @customer-chat/validators@');
    expect(git(root, ['rev-parse', 'HEAD'])).toBe(head);
    expect(git(root, ['status', '--porcelain'])).toBe('');
    expect(git(root, ['tag', '--list'])).toBe('');
  });
});
