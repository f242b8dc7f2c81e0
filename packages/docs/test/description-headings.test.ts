// Headings of the spec's description become sections of the protocol page, with ids from their
// text: ids in any script (`## 概要`), never empty, and a build that stops when one takes an id
// the page already has (`## Channel`), instead of a page where links land on the wrong heading.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRepositoryRoot, renderSite } from '../src/build.js';
import { slugify } from '../src/spec-markdown.js';

const root = findRepositoryRoot();
const scratch = mkdtempSync(join(tmpdir(), 'docs-headings-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the spec whose description gets `extra` right after its first paragraph. */
function specWith(name: string, extra: string): string {
  const text = readFileSync(join(root, 'spec', 'asyncapi.yaml'), 'utf8');
  const anchor = '\n    ## Frames\n';
  expect(text).toContain(anchor);
  const file = join(scratch, `${name}.yaml`);
  writeFileSync(file, text.replace(anchor, `\n${extra.replace(/^/gm, '    ')}\n${anchor}`));
  return file;
}

const NO_HISTORY = { releases: [], unreleased: undefined };

describe('heading ids', () => {
  it('keeps letters of every script, and is never empty', () => {
    expect(slugify('Connection lifecycle')).toBe('connection-lifecycle');
    expect(slugify('概要')).toBe('概要');
    expect(slugify('Überblick der Frames')).toBe('überblick-der-frames');
    expect(slugify('Обзор')).toBe('обзор');
    expect(slugify('???')).toBe('section');
  });

  it('gives a non-Latin heading of the description a real id on the protocol page', async () => {
    const result = await renderSite({ specFile: specWith('cjk', '## 概要\n\nA section in another script.\n'), repositoryRoot: root, history: NO_HISTORY });
    const protocol = result.files.find((f) => f.path === 'site/protocol.html')!.content;
    expect(protocol).toContain('<h2 id="概要"><a class="anchor" href="#概要">概要</a></h2>');
    expect(protocol).not.toMatch(/ id=""/);
  }, 60_000);

  it('stops the build when a heading of the description takes an id the page already uses', async () => {
    await expect(renderSite({ specFile: specWith('channel', '## Channel\n\nA clash with the page\u2019s own channel section.\n'), repositoryRoot: root, history: NO_HISTORY })).rejects.toThrow(
      /protocol page: the id "channel" is used 2 times, by the heading "Channel" and by the heading "Channel"/,
    );
  }, 60_000);
});
