// One version story: the spec package's version and the document's info.version are equal, and
// the release writes the one into the other without touching anything else.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReleaseRefused } from '../src/errors.js';
import { readSpecVersions, SPEC_DOCUMENT, SPEC_PACKAGE, versionMismatch, writeDocumentVersion } from '../src/version-story.js';
import { REPOSITORY_ROOT } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'version-story-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function copyOfSpec(packageVersion?: string): string {
  const root = mkdtempSync(join(work, 'repo-'));
  mkdirSync(join(root, 'spec'));
  const pkg = JSON.parse(readFileSync(join(REPOSITORY_ROOT, SPEC_PACKAGE), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(root, SPEC_PACKAGE), JSON.stringify({ ...pkg, version: packageVersion ?? pkg.version }, null, 2));
  writeFileSync(join(root, SPEC_DOCUMENT), readFileSync(join(REPOSITORY_ROOT, SPEC_DOCUMENT), 'utf8'));
  return root;
}

describe('the spec version story', () => {
  it('holds in this repository: spec/package.json and info.version say the same', () => {
    const versions = readSpecVersions(REPOSITORY_ROOT);
    expect(versions.document).toBe(versions.package);
    expect(versionMismatch(versions)).toBeUndefined();
  });

  it('a drift is one line naming both files and both numbers', () => {
    const root = copyOfSpec('0.9.0');
    const message = versionMismatch(readSpecVersions(root));
    expect(message).toMatch(/^the spec's versions differ: spec\/package\.json says 0\.9\.0, spec\/asyncapi\.yaml info\.version says \d+\.\d+\.\d+; make them equal$/);
  });

  it('writeDocumentVersion changes info.version and not one other byte', () => {
    const root = copyOfSpec();
    const before = readFileSync(join(root, SPEC_DOCUMENT), 'utf8');
    const old = readSpecVersions(root).document;
    writeDocumentVersion(root, '7.8.9');
    const after = readFileSync(join(root, SPEC_DOCUMENT), 'utf8');
    expect(readSpecVersions(root).document).toBe('7.8.9');
    expect(after.replace('version: 7.8.9', `version: ${old}`)).toBe(before);
    // Only the info block's version: the policy and the channel bindings keep theirs.
    expect(after.split('\n').filter((line, i) => line !== before.split('\n')[i])).toEqual(['  version: 7.8.9']);
  });

  it.each([
    ['an unterminated quote', (text: string) => text.replace(/^(  version: )(.*)$/m, '$1"$2'), /^spec\/asyncapi\.yaml:\d+:\d+: not valid YAML: Missing closing "quote/],
    ['a tab as indentation', (text: string) => text.replace(/^  title: /m, '\ttitle: '), /^spec\/asyncapi\.yaml:\d+:1: not valid YAML: Tabs are not allowed as indentation/],
    ['a duplicate key', (text: string) => text.replace(/^(  version: .*)$/m, '$1\n  version: 9.9.9'), /^spec\/asyncapi\.yaml:\d+:3: not valid YAML: Map keys must be unique/],
  ])('a spec that is not valid YAML (%s) is refused, located, by both reading and writing the version', (_, breakIt, line) => {
    const root = copyOfSpec();
    const file = join(root, SPEC_DOCUMENT);
    writeFileSync(file, breakIt(readFileSync(file, 'utf8')));
    const before = readFileSync(file, 'utf8');
    for (const act of [() => readSpecVersions(root), () => writeDocumentVersion(root, '7.8.9')]) {
      let thrown: unknown;
      try {
        act();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ReleaseRefused);
      expect((thrown as Error).message.split('\n')[0]).toMatch(line);
    }
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
