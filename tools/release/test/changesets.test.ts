// The changesets as the release reads them before anything runs: a broken one refused with its
// file, line and column (counted in the file, not in its front matter); an empty one (as
// `changeset add --empty` writes) releasing nothing; in pre mode, the ones pre.json lists as
// versioned no longer pending.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changesetState, parseChangeset, UnreadableChangeset } from '../src/changesets.js';

const work = mkdtempSync(join(tmpdir(), 'release-changesets-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const published = new Set(['@customer-chat/sdk', '@customer-chat/docs']);
const known = new Set([...published, '@customer-chat/release']);

function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(work, 'repo-'));
  mkdirSync(join(root, '.changeset'));
  for (const [name, text] of Object.entries({ 'README.md': '# Changesets\n', ...files })) writeFileSync(join(root, '.changeset', name), text);
  return root;
}

const refusal = (text: string): string => {
  try {
    parseChangeset('.changeset/x.md', text);
  } catch (error) {
    expect(error).toBeInstanceOf(UnreadableChangeset);
    return (error as Error).message;
  }
  throw new Error('not refused');
};

describe('a changeset as the release reads it', () => {
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

  it('a bump that is not one, a list instead of a map, no front matter, an empty file: each refused where it is', () => {
    expect(refusal("---\n'@customer-chat/sdk': patch\n'@customer-chat/docs': mayor\n---\n")).toBe('.changeset/x.md:3:24: "@customer-chat/docs": "mayor" is not a bump (major, minor, patch or none)');
    expect(refusal('---\n- a\n---\n')).toBe('.changeset/x.md:2:1: the front matter is not a map of package names to bumps');
    expect(refusal('just text\n')).toMatch(/^\.changeset\/x\.md:1:1: no front matter/);
    expect(refusal('\n')).toMatch(/^\.changeset\/x\.md:1:1: the file is empty/);
  });

  it('a package name not in the workspace (a typo would otherwise pass for a changeset releasing nothing)', () => {
    expect(() => parseChangeset('.changeset/x.md', "---\n'@customer-chat/sdk': patch\n'@customer-chat/skd': patch\n---\n", known)).toThrow(/^\.changeset\/x\.md:3:1: "@customer-chat\/skd" is not a package of this workspace$/);
  });
});

describe('the changesets folder', () => {
  it('pending, releasing (a published package), and the empty ones or those naming only private packages apart', () => {
    const root = folder({ 'a.md': "---\n'@customer-chat/sdk': patch\n---\n", 'empty.md': '---\n---\nnothing to release\n', 'tools.md': "---\n'@customer-chat/release': minor\n---\n" });
    const state = changesetState(root, published, known);
    expect(state.pending.map((c) => c.file)).toEqual(['.changeset/a.md', '.changeset/empty.md', '.changeset/tools.md']);
    expect(state.releasing.map((c) => c.file)).toEqual(['.changeset/a.md']);
    expect(state.work).toBe(true);
    expect(changesetState(folder({ 'empty.md': '---\n---\n' }), published, known).work).toBe(false);
  });

  it('in pre mode the changesets pre.json lists are versioned already; leaving it (exit) versions them all again', () => {
    const files = { 'a.md': "---\n'@customer-chat/sdk': patch\n---\n", 'b.md': "---\n'@customer-chat/docs': minor\n---\n" };
    const pre = (mode: string) => JSON.stringify({ mode, tag: 'next', initialVersions: {}, changesets: ['a'] });
    const inPre = changesetState(folder({ ...files, 'pre.json': pre('pre') }), published, known);
    expect(inPre.pending.map((c) => c.file)).toEqual(['.changeset/b.md']);
    expect(inPre.pre?.tag).toBe('next');
    expect(changesetState(folder({ 'a.md': files['a.md'], 'pre.json': pre('pre') }), published, known).work).toBe(false);
    expect(changesetState(folder({ ...files, 'pre.json': pre('exit') }), published, known).pending).toHaveLength(2);
    expect(changesetState(folder({ 'pre.json': pre('exit') }), published, known).work).toBe(true);
  });

  it('a pre.json that is not JSON is refused naming it', () => {
    expect(() => changesetState(folder({ 'pre.json': '{' }), published, known)).toThrow(/^\.changeset\/pre\.json: not valid JSON: /);
  });
});
