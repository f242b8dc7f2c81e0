// What `pnpm release` refuses, each with one line, exit 1, and nothing published, tagged or
// committed: a dirty tree, a spec/package version mismatch, a breaking spec change without its
// major changesets, a failing package check. And a dry run: everything but publish and tag, in a
// scratch copy, reporting the versions and changelog entries it would release.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Scratch } from '../src/scratch.js';
import { clone, commitAll, git, runRelease } from './helpers.js';

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
    // A request argument becomes required: old clients that leave it out are refused.
    const text = readFileSync(file, 'utf8');
    const start = text.indexOf('    SendSneakPeekArguments:');
    const required = text.indexOf('      required: [', start);
    writeFileSync(file, `${text.slice(0, required)}${text.slice(required).replace(/required: \[([^\]]*)\]/, 'required: [$1, visitor]').replace('      properties:\n', '      properties:\n        visitor: { type: string, description: Who is typing. }\n')}`);
    commitAll(root, 'a breaking change, with minor changesets only');
    expectRefused(root, ['--dry-run'], /^release: refused: the spec has breaking changes since @customer-chat\/spec@0\.1\.0 and no major changeset for @customer-chat\/[a-z-]+/);
  });

  it('a package that fails its checks (publint on the packed tarball), before anything is published', () => {
    scratch = clone();
    const file = join(scratch.root, 'packages', 'validators', 'package.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { exports: Record<string, unknown> };
    manifest.exports['./missing'] = { types: './dist/missing.d.ts', default: './dist/missing.js' };
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    commitAll(scratch.root, 'an export to a file that is never built');
    expectRefused(scratch.root, ['--registry', 'http://127.0.0.1:9/'], /^release: refused: publint on @customer-chat\/validators failed:/);
  });

  it('a wrong argument, with exit code 2 and the usage', () => {
    scratch = clone();
    const result = runRelease(scratch.root, ['--registry', 'not a url']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^release: --registry not a url is not a URL\n\nusage: pnpm release/m);
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
