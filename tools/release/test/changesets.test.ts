// The changesets folder as the release reads it before anything runs (each file is read by
// spec-diff's reader, tested there): a broken one refused as the release's refusal; an empty one (as
// `changeset add --empty` writes) releasing nothing; in pre mode, the ones pre.json lists as
// versioned no longer pending.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changesetState, UnreadableChangeset } from '../src/changesets.js';

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

  it('a broken changeset or a package not in the workspace is the release refusing, located in the file', () => {
    const refused = (files: Record<string, string>) => () => changesetState(folder(files), published, known);
    expect(refused({ 'a.md': "---\n'@customer-chat/sdk': mayor\n---\n" })).toThrow(UnreadableChangeset);
    expect(refused({ 'a.md': "---\n'@customer-chat/sdk': mayor\n---\n" })).toThrow(/^\.changeset\/a\.md:2:23: "@customer-chat\/sdk": "mayor" is not a bump/);
    expect(refused({ 'b.md': "---\n'@customer-chat/skd': patch\n---\n" })).toThrow(/^\.changeset\/b\.md:2:1: "@customer-chat\/skd" is not a package of this workspace$/);
  });

  it('a pre.json that is not JSON is refused naming it', () => {
    expect(() => changesetState(folder({ 'pre.json': '{' }), published, known)).toThrow(/^\.changeset\/pre\.json: not valid JSON: /);
  });
});
