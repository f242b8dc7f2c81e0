// Which release tag is the newest, read from the tags of a scratch git repository.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { latestReleaseTag, releaseTags, TAG_PREFIX } from '../src/releases.js';

const root = mkdtempSync(join(tmpdir(), 'spec-diff-releases-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('orders release tags by semver: a prerelease below its release, numeric identifiers as numbers; a tag naming no version is none', () => {
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root, stdio: 'ignore' });
  git('init', '-q');
  writeFileSync(join(root, 'file'), 'x');
  git('add', '-A');
  git('commit', '-q', '-m', 'x');
  const versions = ['0.9.0', '1.0.0-next.0', '1.0.0', '0.10.0', '1.0.0-next.10', '1.0.0-next.2', '1.0.0-alpha', 'latest'];
  for (const version of versions) git('tag', `${TAG_PREFIX}${version}`);
  expect(releaseTags(root).map((tag) => tag.slice(TAG_PREFIX.length))).toEqual(['1.0.0', '1.0.0-next.10', '1.0.0-next.2', '1.0.0-next.0', '1.0.0-alpha', '0.10.0', '0.9.0']);
  expect(latestReleaseTag(root)).toBe(`${TAG_PREFIX}1.0.0`);
});
