// Details of the field tables and the search index, each once wrong: a union's tag marked required
// although a branch may leave it out, array items' own rules left unsaid, an HTTP query
// description shown as raw Markdown, a dangling separator in search descriptions, and a server's
// URL variable left unexplained.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPages, findRepositoryRoot } from '../src/build.js';
import { renderHtmlPage } from '../src/render-html.js';
import { searchEntries, type SearchEntry } from '../src/search-index.js';
import { loadModel, type ProtocolModel } from '../src/spec-model.js';
import type { Page } from '../src/doc.js';
import { decode } from './helpers.js';

let model: ProtocolModel;
let pages: Page[];
beforeAll(async () => {
  const root = findRepositoryRoot();
  model = await loadModel(`${root}/spec/asyncapi.yaml`, root);
  pages = buildPages(model, { releases: [], unreleased: undefined }).pages;
}, 60_000);

/** The inner HTML of the row with this id on a page. */
function row(pageName: Page['name'], id: string): string {
  const page = pages.find((p) => p.name === pageName)!;
  const html = renderHtmlPage(page, { title: 'T', version: '0' });
  const match = new RegExp(`<tr id="${id.replace(/[.]/g, '\\.')}"[^>]*>([\\s\\S]*?)</tr>`).exec(html);
  expect(match, `no row #${id} on ${pageName}`).not.toBeNull();
  return match![1]!;
}

const text = (html: string) => decode(html.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ');

describe('the servers table', () => {
  it("says what fills each variable of a server's URL, with its default", () => {
    expect(text(row('index', 'server-production'))).toContain('Variable {host}: Host name (and optional port) of the deployment. Default chat.example.com.');
    expect(text(row('index', 'server-local'))).not.toContain('Variable');
  });
});

describe('field tables', () => {
  it('marks a union tag optional when a branch (the fallback UnknownUser) does not require it, required when all do', () => {
    expect(model.discriminators.find((d) => d.union === 'User')?.fallback).toBe('UnknownUser');
    expect(row('events', 'user_data.type')).toContain('<span class="tag tag-muted">optional</span>');
    // Every branch of the send_event's event union requires its `type`.
    expect(row('methods', 'sendEvent.event.type')).not.toContain('optional');
  });

  it("states the rules of an array's items: start_chat's scope.groups and a chat's threads", () => {
    expect(text(row('methods', 'startChat.scope.groups'))).toMatch(/Rules: at most 10 items; each item: a whole number, at least 0\./);
    expect(text(row('methods', 'startChat.result.chat.threads'))).toContain('each item: at least 1 character');
  });

  it('renders an HTTP query description as inline Markdown, not literal backticks', () => {
    const name = row('methods', 'uploadFile.name');
    expect(name).toContain('<code>file</code>');
    expect(text(name)).not.toContain('`');
  });
});

describe('search index', () => {
  it('leaves no separator dangling when a row has no type cell', () => {
    const entries: SearchEntry[] = searchEntries(pages);
    const dangling = entries.filter((e) => /\u00b7\s*$|^\s*\u00b7/.test(e.d) || e.d.includes('\u00b7 \u00b7'));
    expect(dangling.map((e) => `${e.h}: ${e.d}`)).toEqual([]);
    expect(entries.find((e) => e.h === 'methods.html#uploadFile.licenseId')?.d).toBe('required: The license the customer chats with, as on the socket.');
    // A typed field keeps its type in front.
    expect(entries.find((e) => e.h === 'events.html#connected.totalChats')?.d).toMatch(/^number \u00b7 /);
  });
});
