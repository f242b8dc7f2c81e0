// The built site: every emitted event documented with its anchor and payload table, links that
// resolve, nothing loaded from elsewhere, the generated-file notice, determinism and size.
import { validate, type MessageName } from '@customer-chat/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteSize } from '../src/build.js';
import { GENERATED_NOTICE } from '../src/doc.js';
import { emittedEvents, eventsInSeedOrder, SEED_EVENTS } from '../src/spec-model.js';
import { CLIENT_BADGE } from '../src/pages/events.js';
import { NO_PAYLOAD } from '../src/field-table.js';
import { attributeValues, buildIntoTemporaryDirectory, sections, tables, textOf, type Built } from './helpers.js';

const PAGES = ['index', 'events', 'methods', 'protocol', 'schemas', 'changelog', 'console'];

let built: Built;
beforeAll(async () => {
  built = await buildIntoTemporaryDirectory();
});
afterAll(() => built?.remove());

const html = (page: string) => built.read(`site/${page}.html`);

describe('the site', () => {
  it('has the seven pages, one style sheet, the scripts (site, console, validators) and the search index', () => {
    expect(built.list().filter((f) => f.startsWith('site/'))).toEqual([
      'site/assets/console.js',
      'site/assets/search-index.js',
      'site/assets/site.css',
      'site/assets/site.js',
      'site/assets/validators.js',
      ...PAGES.map((p) => `site/${p}.html`).sort(),
    ]);
    expect(built.list().filter((f) => f.startsWith('markdown/'))).toEqual(PAGES.map((p) => `markdown/${p}.md`).sort());
  });

  it('documents every event the SDK emits: heading id = event name, example, payload table', () => {
    const page = html('events');
    const events = emittedEvents(built.result.model);
    expect(events.length).toBeGreaterThan(0);
    const bySection = new Map(sections(page).map((s) => [/<h2 id="([^"]+)"/.exec(s)?.[1], s]));
    for (const event of events) {
      const section = bySection.get(event.name);
      expect(section, `no section with <h2 id="${event.name}">`).toBeDefined();
      expect(section).toContain(`<a class="anchor" href="#${event.name}">`);
      expect(textOf(section!)).toContain(`api.on('${event.name}'`);
      if (event.payload === undefined) {
        expect(textOf(section!)).toContain(NO_PAYLOAD);
      } else {
        const [table, ...more] = tables(section!);
        expect(more, `${event.name}: one table`).toEqual([]);
        expect(table?.className).toMatch(/\bfields\b/);
        expect(['shape|type|shape|type|description', 'shape|type|description', 'argument|type|description']).toContain(table!.head.join('|'));
      }
      if (event.kind === 'client') expect(section).toContain(CLIENT_BADGE);
      else expect(section).not.toContain(CLIENT_BADGE);
    }
  });

  it('lists the seed\u2019s events first, in the seed\u2019s order, then the others', () => {
    const ids = sections(html('events')).map((s) => /<h2 id="([^"]+)"/.exec(s)?.[1]);
    const model = built.result.model;
    expect(ids).toEqual(eventsInSeedOrder(model).map((e) => e.name));
    expect(ids.slice(0, SEED_EVENTS.length)).toEqual([...SEED_EVENTS]);
  });

  it('switches on payload.type in the new_event example, as the seed does', () => {
    const section = sections(html('events')).find((s) => s.includes('<h2 id="new_event">'))!;
    expect(textOf(section)).toMatch(/switch \(payload\.type\) \{\s+case 'message':/);
  });

  it('gives every method a section anchored by operation id and wire action, with arguments, result and errors', () => {
    const page = html('methods');
    for (const request of built.result.model.requests) {
      const section = sections(page).find((s) => s.includes(`<h2 id="${request.id}">`));
      expect(section, request.id).toBeDefined();
      if (request.action !== request.id) expect(section).toMatch(new RegExp(`^<section class="method" id="${request.action}">`));
      const text = textOf(section!);
      expect(text).toContain('Arguments:');
      expect(text).toContain('Result:');
      for (const error of request.errors) expect(section).toContain(`href="protocol.html#error-${error}"`);
      // The pushes it causes (x-pushes), each linked to its event, with who gets it.
      const pushes = tables(section!).find((t) => t.className === 'pushes');
      if (request.pushes.length === 0) expect(pushes).toBeUndefined();
      else expect(pushes?.rows.map((row) => row[0])).toEqual(request.pushes.map((p) => p.push));
      for (const push of request.pushes) expect(section).toContain(`href="events.html#${push.push}"`);
    }
  });

  it('says a method can be called without arguments exactly when the validators accept an empty payload', () => {
    const page = html('methods');
    for (const request of built.result.model.requests) {
      const text = textOf(sections(page).find((s) => s.includes(`<h2 id="${request.id}">`))!);
      const login = request.id === built.result.model.lifecycle?.login.operation;
      if (login) continue;
      const empty = validate(request.request.name as MessageName, {}).ok;
      expect(text.includes(`Every argument is optional: api.${request.id}() works.`), request.id).toBe(empty);
      // A payload that must hold something says so (update_customer: minProperties 1).
      if (!empty && /^At least \d+ argument/m.test(text)) expect(text, request.id).toMatch(/an empty payload is answered validation\./);
    }
    expect(textOf(sections(page).find((s) => s.includes('<h2 id="updateCustomer">'))!)).toContain('At least 1 argument must be given: an empty payload is answered validation.');
  });

  it('lists the error each situation gets (x-answers), linked to the catalogue', () => {
    const answers = tables(html('protocol')).find((t) => t.className === 'answers');
    expect(answers?.rows).toEqual(Object.entries(built.result.model.errorAnswers).map(([situation, type]) => [situation.replace(/_/g, ' '), type]));
    expect(answers?.rows).toContainEqual(['before login', 'authorization']);
  });

  it('tells how to check an implementation, with the commands of the conformance kit and the proxy', () => {
    const section = textOf(html('protocol'));
    expect(section).toContain('Checking an implementation');
    expect(section).toMatch(/npx customer-chat-conformance --url 'ws:\/\/127\.0\.0\.1:8787\/v1\/customer\?licenseId=demo' --token-url http:\/\/127\.0\.0\.1:8788\/tokens/);
    expect(section).toContain('npx customer-chat-proxy --listen 127.0.0.1:9000 --upstream ws://127.0.0.1:8787');
  });

  it('resolves every internal link to an id of the site', () => {
    const ids = new Map(PAGES.map((p) => [p, new Set(attributeValues(html(p), 'id'))]));
    for (const [page, pageIds] of ids) {
      const all = attributeValues(html(page), 'id');
      expect(all.length, `${page}: duplicate ids`).toBe(pageIds.size);
    }
    const problems: string[] = [];
    let checked = 0;
    const check = (from: string, href: string) => {
      const match = /^(?:([a-z]+)\.html)?(?:#(.*))?$/.exec(href);
      if (!match || href.includes('://') || href.startsWith('data:')) return;
      const page = match[1] ?? from;
      checked += 1;
      if (!ids.has(page)) problems.push(`${from}: ${href} (no page ${page})`);
      else if (match[2] !== undefined && !ids.get(page)!.has(decodeURIComponent(match[2]))) problems.push(`${from}: ${href}`);
    };
    for (const page of PAGES) for (const href of attributeValues(html(page), 'href')) check(page, href);
    // The search index links too.
    const index = built.read('site/assets/search-index.js');
    for (const [, href] of index.matchAll(/"h":"([^"]+)"/g)) check('index', href!);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it('loads no script, style, image or font from elsewhere', () => {
    for (const page of PAGES) {
      const text = html(page);
      for (const [, tag, attrs] of text.matchAll(/<(script|link|img|source|iframe|video|audio|embed|object)\b([^>]*)>/g)) {
        for (const [, , value] of attrs!.matchAll(/\s(src|href|srcset|data)="([^"]*)"/g)) {
          const external = /^[a-z][a-z0-9+.-]*:/i.test(value!) && !value!.startsWith('data:');
          expect(external || value!.startsWith('//'), `${page}: <${tag} ... ${value}>`).toBe(false);
        }
      }
    }
    const css = built.read('site/assets/site.css');
    expect(css).not.toMatch(/@import|url\(|@font-face/);
    const js = built.read('site/assets/site.js');
    expect(js).not.toMatch(/fetch\(|XMLHttpRequest|import\(|https?:\/\//);
  });

  it('is an accessible, responsive page: lang, viewport, landmarks, labelled search', () => {
    for (const page of PAGES) {
      const text = html(page);
      expect(text).toMatch(/^<!DOCTYPE html>/);
      expect(text).toContain('<html lang="en">');
      expect(text).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      for (const landmark of ['<header', '<nav', '<main id="main"', '<footer']) expect(text).toContain(landmark);
      expect(text.match(/<h1\b/g)).toHaveLength(1);
      expect(text).toContain('<label for="search"');
      expect(text).toContain('<input id="search" type="search"');
      expect(text).toContain('<ul id="search-results"');
      // Every heading is its own anchor link.
      for (const [, level, id, inner] of text.matchAll(/<h([1-3]) id="([^"]+)">([\s\S]*?)<\/h\1>/g)) {
        expect(inner, `h${level}#${id}`).toMatch(new RegExp(`^<a class="anchor" href="#${id!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">`));
      }
      expect(text.match(/<h[1-6]\b/g)?.length).toBe(text.match(/<h[1-6] id="/g)?.length);
      // Every code block has a copy button.
      expect(text.match(/<pre>/g)?.length ?? 0).toBe(text.match(/<button type="button" class="copy"/g)?.length ?? 0);
    }
  });

  it('indexes events, methods, schemas and fields for search ("typing" finds both typing events)', () => {
    const script = built.read('site/assets/search-index.js');
    const entries = JSON.parse(script.slice(script.indexOf('['), script.lastIndexOf(']') + 1)) as Array<{ t: string; k: string; h: string; d: string }>;
    const typing = entries.filter((e) => `${e.t} ${e.d}`.toLowerCase().includes('typing')).map((e) => e.h);
    expect(typing).toContain('events.html#user_is_typing');
    expect(typing).toContain('events.html#user_stopped_typing');
    expect(new Set(entries.map((e) => e.k))).toEqual(
      new Set(['section', 'server', 'event', 'method', 'schema', 'field', 'event field', 'method field', 'error type', 'error code', 'disconnection', 'policy']),
    );
    expect(entries.find((e) => e.h === 'schemas.html#ChatSummary.lastEvent')?.k).toBe('field');
  });

  it('titles a catalogue row of the search index by its name, not by its anchor (policy-reconnect.initialDelayMs)', () => {
    const script = built.read('site/assets/search-index.js');
    const entries = JSON.parse(script.slice(script.indexOf('['), script.lastIndexOf(']') + 1)) as Array<{ t: string; k: string; h: string }>;
    const policies = entries.filter((e) => e.k === 'policy');
    expect(policies.length).toBeGreaterThan(3);
    for (const entry of policies) expect(entry.t, entry.h).toBe(entry.h.replace(/^protocol\.html#policy-/, ''));
    expect(policies.map((e) => e.t)).toContain('reconnect.initialDelayMs');
    // No row that is not a field is titled by its anchor id.
    const anchored = entries.filter((e) => !e.k.endsWith('field') && e.k !== 'section' && /^(policy|error|code|reason|server)-/.test(e.h.split('#')[1] ?? ''));
    expect(anchored.length).toBeGreaterThan(10);
    expect(anchored.filter((e) => e.t === e.h.split('#')[1]).map((e) => e.h)).toEqual([]);
  });

  it('marks every generated file as generated', () => {
    for (const file of built.list()) {
      expect(built.read(file), file).toContain(GENERATED_NOTICE);
    }
  });

  it('is deterministic: two builds write the same files', async () => {
    const again = await buildIntoTemporaryDirectory();
    try {
      expect(again.list()).toEqual(built.list());
      for (const file of built.list()) expect(again.read(file), file).toBe(built.read(file));
    } finally {
      again.remove();
    }
  });

  it('weighs well under 150 KB gzip, all assets included', () => {
    const size = siteSize(built.result.files);
    console.log(`docs site: ${size.files} files, ${(size.raw / 1024).toFixed(1)} KB, ${(size.gzip / 1024).toFixed(1)} KB gzip`);
    expect(size.files).toBe(12);
    expect(size.gzip).toBeLessThan(150 * 1024);
  });
});
