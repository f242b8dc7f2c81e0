// One changeset file as changesets reads it (the gate and the release both read them through this
// reader): its packages and bumps (`none` releasing nothing), and a broken one refused with its
// file, line and column counted in the file, not in its front matter, in one line.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChangesetError, parseChangeset, readChangesetFiles, readChangesets } from '../src/changesets.js';

const work = mkdtempSync(join(tmpdir(), 'spec-diff-changesets-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const known = new Set(['@customer-chat/sdk', '@customer-chat/docs']);

const refusal = (text: string): string => {
  try {
    parseChangeset('.changeset/x.md', text);
  } catch (error) {
    expect(error).toBeInstanceOf(ChangesetError);
    return (error as Error).message;
  }
  throw new Error('not refused');
};

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'changesets-'));
  for (const [name, text] of Object.entries({ 'README.md': '# Changesets\n', ...files })) writeFileSync(join(dir, name), text);
  return dir;
}

describe('a changeset file', () => {
  it('names the packages and their bumps', () => {
    const changeset = parseChangeset('.changeset/x.md', "---\n'@customer-chat/sdk': minor\n\"@customer-chat/docs\": patch\n---\n\n**sdk**: text.\n");
    expect([...changeset.releases]).toEqual([['@customer-chat/sdk', 'minor'], ['@customer-chat/docs', 'patch']]);
  });

  it('an empty one (as changeset add --empty writes it) releases nothing', () => {
    expect(parseChangeset('.changeset/x.md', '---\n---\ntext\n').releases.size).toBe(0);
  });

  it('invalid YAML is refused at its line and column in the file, in one line', () => {
    expect(refusal("---\n'@customer-chat/sdk': [patch\n---\n\ntext\n")).toMatch(/^\.changeset\/x\.md:2:29: the front matter is not valid YAML: Flow sequence [^\n]*$/);
  });

  it('a bump that is not one, a list instead of a map, no front matter, an empty file, a key given twice: each refused where it is', () => {
    expect(refusal("---\n'@customer-chat/sdk': patch\n'@customer-chat/docs': mayor\n---\n")).toBe('.changeset/x.md:3:24: "@customer-chat/docs": "mayor" is not a bump (major, minor, patch or none)');
    expect(refusal("---\n'@customer-chat/docs':\n---\n")).toBe('.changeset/x.md:2:23: "@customer-chat/docs": null is not a bump (major, minor, patch or none)');
    expect(refusal('---\n- a\n---\n')).toBe('.changeset/x.md:2:1: the front matter is not a map of package names to bumps');
    expect(refusal('---\n12: major\n---\n')).toBe('.changeset/x.md:2:1: 12 is not a package name');
    expect(refusal('just text\n')).toMatch(/^\.changeset\/x\.md:1:1: no front matter/);
    expect(refusal('\n')).toMatch(/^\.changeset\/x\.md:1:1: the file is empty/);
    expect(refusal("---\n'@customer-chat/sdk': patch\n'@customer-chat/sdk': major\n---\n")).toMatch(/^\.changeset\/x\.md:3:1: the front matter is not valid YAML: Map keys must be unique/);
  });

  it('a package name not in the workspace, when the workspace is given (a typo would otherwise pass for a changeset releasing nothing)', () => {
    expect(() => parseChangeset('.changeset/x.md', "---\n'@customer-chat/sdk': patch\n'@customer-chat/skd': patch\n---\n", known)).toThrow(/^\.changeset\/x\.md:3:1: "@customer-chat\/skd" is not a package of this workspace$/);
  });
});

describe('a changesets folder', () => {
  it('each package at its largest bump; `none` releases nothing; the README is not a changeset', () => {
    const dir = folder({
      'a.md': "---\n'@customer-chat/sdk': patch\n'@customer-chat/docs': none\n---\n",
      'b.md': "---\n'@customer-chat/sdk': major\n---\n",
      'c.md': "---\n'@customer-chat/sdk': minor\n---\n",
    });
    expect(readChangesets(dir)).toEqual(new Map([['@customer-chat/sdk', 'major']]));
    expect(readChangesetFiles(dir, '.changeset').map((c) => c.file)).toEqual(['.changeset/a.md', '.changeset/b.md', '.changeset/c.md']);
  });

  it('a folder named like a changeset is no changeset; a file that cannot be read is refused by its name, in one line', () => {
    const dir = folder({ 'a.md': "---\n'@customer-chat/sdk': major\n---\n" });
    mkdirSync(join(dir, 'drafts.md'));
    expect(readChangesets(dir)).toEqual(new Map([['@customer-chat/sdk', 'major']]));
    // A link to nothing (a file moved away) is not skipped unnoticed.
    symlinkSync(join(dir, 'moved-away'), join(dir, 'b.md'));
    let thrown: unknown;
    try {
      readChangesetFiles(dir, '.changeset');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ChangesetError);
    expect((thrown as Error).message).toBe('.changeset/b.md: cannot be read: ENOENT: no such file or directory');
  });

  it('a file without front matter is refused, not skipped (changesets fails on it at version time)', () => {
    expect(() => readChangesets(folder({ 'notes.md': 'Some notes.\n' }), '.changeset')).toThrow(/^\.changeset\/notes\.md:1:1: no front matter/);
  });
});
