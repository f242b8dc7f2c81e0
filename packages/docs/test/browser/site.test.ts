// The generated site in a real browser: Debian's Chromium (/usr/bin/chromium, installed by
// tools/scripts/ensure-chromium.mjs) driven by playwright-core, against the site built by
// buildSite into a temporary folder and served by a tiny static server on 127.0.0.1.
// Every page must load without a console error, a failed request or a request leaving
// 127.0.0.1; every seed event has its anchor and payload table; search, deep links, internal
// links and copy buttons work; nothing scrolls sideways on a 375 px phone. The events page's
// full-page screenshot is written to packages/docs/test-results/events.png.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../src/build.js';
import { serveStatic, type StaticServer } from './static-server.js';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../../../tools/scripts/chromium.mjs';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const RESULTS_DIR = join(PACKAGE_DIR, 'test-results');
const PAGES = ['index', 'events', 'methods', 'protocol', 'schemas', 'changelog', 'console'] as const;
const NO_PAYLOAD = /doesn.t carry any additional payload/i;

interface SeedEvent {
  event: string;
  payload: 'object' | 'none' | 'string';
  fields: { path: string[] }[];
}
const seed = JSON.parse(readFileSync(join(ROOT, 'spec/seed-facts.json'), 'utf8')) as { events: SeedEvent[] };

let work: string;
let siteDir: string;
let server: StaticServer;
let context: BrowserContext;
/** What went wrong on any page opened by the current test: console errors, failed or foreign requests. */
let problems: string[] = [];

/** Opens a page of the site and records every problem it shows while the test runs. */
async function open(path: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${path}: console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${path}: uncaught ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`${path}: request failed ${request.url()} (${request.failure()?.errorText ?? '?'})`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${path}: HTTP ${response.status()} for ${response.url()}`);
  });
  await page.goto(`${server.origin}/${path}`, { waitUntil: 'load' });
  return page;
}

/** Every HTML page of the built site, as served paths (`events.html`). */
function sitePages(): string[] {
  return readdirSync(siteDir).filter((name) => name.endsWith('.html')).sort();
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`node tools/scripts/ensure-chromium.mjs\` (as root) first`);
  work = mkdtempSync(join(tmpdir(), 'docs-browser-'));
  await buildSite(join(work, 'out'));
  siteDir = join(work, 'out', 'site');
  server = await serveStatic(siteDir);
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    viewport: { width: 1280, height: 800 },
    serviceWorkers: 'block',
  });
  // Anything not on the test server is a problem, and never leaves the machine.
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:' || url.hostname === '127.0.0.1') return route.continue();
    problems.push(`request to a host other than 127.0.0.1: ${url.href}`);
    return route.abort('blockedbyclient');
  });
}, 60_000);

afterEach(async () => {
  for (const page of context.pages()) await page.close();
  const found = problems;
  problems = [];
  expect(found, 'console errors, failed requests or requests off 127.0.0.1').toEqual([]);
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('docs site in Chromium', () => {
  it('notices a console error, a missing file and a request off 127.0.0.1 (the checks are not vacuous)', async () => {
    const page = await open('index.html');
    await page.evaluate(async () => {
      console.error('deliberate');
      await fetch('/missing.css').catch(() => undefined);
      // A name that never resolves; the route aborts it before any lookup anyway.
      await fetch('http://docs.invalid/x.js').catch(() => undefined);
    });
    await page.close();
    const seen = problems;
    problems = [];
    expect(seen.some((p) => p.includes('console error: deliberate'))).toBe(true);
    expect(seen.some((p) => p.includes('HTTP 404') && p.includes('/missing.css'))).toBe(true);
    expect(seen.some((p) => p.includes('request to a host other than 127.0.0.1: http://docs.invalid/x.js'))).toBe(true);
    expect(server.missing.splice(0)).toEqual(['/missing.css']);
  });

  it('has the seven pages, and each loads with no console error, failed request or request off 127.0.0.1', async () => {
    expect(sitePages()).toEqual(PAGES.map((name) => `${name}.html`).sort());
    for (const path of ['', ...sitePages()]) {
      const page = await open(path);
      await page.waitForLoadState('networkidle');
      expect(await page.locator('h1').count(), `${path || '/'} has one h1`).toBe(1);
      expect(await page.title()).not.toBe('');
      // The page's script and search index loaded: the search box answers.
      await page.locator('#search').fill('connected');
      await expect.poll(() => page.locator('#search-results a').count(), { message: `search on ${path || '/'}` }).toBeGreaterThan(0);
      await page.locator('#search').fill('');
      const duplicates = await page.evaluate(() => {
        const seen = new Set<string>();
        const twice = new Set<string>();
        for (const element of document.querySelectorAll('[id]')) (seen.has(element.id) ? twice : seen).add(element.id);
        return [...twice];
      });
      expect(duplicates, `duplicate ids on ${path || '/'}`).toEqual([]);
      await page.close();
    }
    expect(server.missing).toEqual([]);
    // Each page asked only for the site's own files.
    const served = new Set(server.requested);
    for (const asset of ['/assets/site.css', '/assets/site.js', '/assets/search-index.js']) expect(served.has(asset), asset).toBe(true);
  });

  it('shows every seed event, in the seed order, with its anchor and its payload table (or the no-payload sentence) under it', async () => {
    const page = await open('events.html');
    const names = seed.events.map((event) => event.event);
    expect(names.length).toBeGreaterThan(10);
    const found = await page.evaluate((events: string[]) => {
      return events.map((name) => {
        const anchor = document.getElementById(name);
        if (!anchor) return { name, anchor: false as const };
        const section = anchor.closest('section');
        const tables = section ? [...section.querySelectorAll('table')] : [];
        const table = tables[0];
        const sentence = section ? [...section.querySelectorAll('p')].find((p) => /doesn.t carry any additional payload/i.test(p.textContent ?? '')) : undefined;
        return {
          name,
          anchor: true as const,
          tag: anchor.tagName,
          headingText: anchor.textContent?.trim() ?? '',
          inSection: section !== null && section.firstElementChild === anchor,
          caption: table?.querySelector('caption')?.textContent?.trim() ?? null,
          head: table ? [...table.querySelectorAll('thead th')].map((th) => th.textContent?.trim() ?? '') : [],
          codeCells: table ? [...table.querySelectorAll('tbody td code')].map((code) => code.textContent?.trim() ?? '') : [],
          sentence: sentence?.textContent?.trim() ?? null,
          top: anchor.getBoundingClientRect().top + window.scrollY,
        };
      });
    }, names);
    const missing = found.filter((f) => !f.anchor).map((f) => f.name);
    expect(missing, 'events without an anchor on events.html').toEqual([]);
    const tops: number[] = [];
    for (const [index, event] of seed.events.entries()) {
      const f = found[index]!;
      if (!f.anchor) continue;
      tops.push(f.top);
      expect(f.tag, event.event).toMatch(/^H[1-6]$/);
      expect(f.headingText, event.event).toBe(event.event);
      expect(f.inSection, `${event.event}: its heading opens its section`).toBe(true);
      if (event.payload === 'none') {
        expect(f.sentence, `${event.event}: the no-payload sentence`).toMatch(NO_PAYLOAD);
        expect(f.caption, `${event.event}: no payload table`).toBeNull();
        continue;
      }
      if (event.payload === 'object' && event.fields.length === 0 && f.caption === null) {
        // An object with no listed field may be told in a sentence instead of an empty table.
        expect(f.sentence ?? '', `${event.event}: a payload table or a sentence`).not.toBe('');
        continue;
      }
      // The first table under the heading is the event's payload table.
      expect(f.caption, `${event.event}: payload table`).toBe(`Payload of ${event.event}`);
      expect(f.sentence, `${event.event}: no no-payload sentence beside a table`).toBeNull();
      if (event.payload === 'string') expect(f.head[0], `${event.event}: a bare value's table`).toBe('argument');
      for (const field of event.fields) expect(f.codeCells, `${event.event}: field ${field.path.join('.')}`).toContain(field.path[field.path.length - 1]);
    }
    expect(tops, 'events in the seed order').toEqual([...tops].sort((a, b) => a - b));
  });

  it('opens an event from a deep link with the heading in view', async () => {
    const page = await open('events.html#user_stopped_typing');
    const heading = page.locator('#user_stopped_typing');
    await expect.poll(() => heading.evaluate((el) => el.getBoundingClientRect().top)).toBeLessThan(200);
    expect(await heading.evaluate((el) => el.getBoundingClientRect().top)).toBeGreaterThanOrEqual(-1);
  });

  it('finds user_is_typing and user_stopped_typing when "typing" is typed into the search, and a result opens its anchor', async () => {
    const page = await open('index.html');
    await page.locator('#search').click();
    await page.keyboard.type('typing', { delay: 20 });
    const results = page.locator('#search-results a');
    await expect.poll(() => results.count()).toBeGreaterThan(1);
    expect(await page.locator('#search-results').isVisible()).toBe(true);
    const hrefs = await results.evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    expect(hrefs).toContain('events.html#user_is_typing');
    expect(hrefs).toContain('events.html#user_stopped_typing');
    // Both among the first few results, seen without scrolling the list.
    expect(hrefs.slice(0, 5)).toEqual(expect.arrayContaining(['events.html#user_is_typing', 'events.html#user_stopped_typing']));

    await page.locator('#search-results a[href="events.html#user_is_typing"]').click();
    await page.waitForURL(`${server.origin}/events.html#user_is_typing`);
    const heading = page.locator('#user_is_typing');
    await expect.poll(() => heading.evaluate((el) => el.getBoundingClientRect().top)).toBeLessThan(200);
    expect(await heading.isVisible()).toBe(true);

    // On the events page itself: the keyboard works too (arrow down, Enter).
    await page.locator('#search').fill('stopped typing');
    await expect.poll(() => results.count()).toBeGreaterThan(0);
    await page.locator('#search').press('ArrowDown');
    await page.locator('#search').press('Enter');
    await page.waitForURL(`${server.origin}/events.html#user_stopped_typing`);
    expect(await page.locator('#search-results').isHidden()).toBe(true);
  });

  it('finds a payload field by its name: the events carrying it first, each result opening the field\u2019s row', async () => {
    const page = await open('index.html');
    await page.locator('#search').click();
    await page.keyboard.type('totalChats', { delay: 10 });
    const results = page.locator('#search-results a');
    await expect.poll(() => results.count()).toBeGreaterThan(2);
    const hrefs = await results.evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    // `connected` and `connection_restored` carry it; then the methods, then the schema.
    const fieldOf = (href: string) => /#(.+)$/.exec(href)?.[1] ?? '';
    const kinds = hrefs.filter((href) => fieldOf(href).endsWith('.totalChats')).map((href) => href.split('.html')[0]);
    expect(kinds.slice(0, 2)).toEqual(['events', 'events']);
    expect(kinds.indexOf('schemas')).toBeGreaterThan(kinds.lastIndexOf('events'));
    expect(hrefs[0]).toMatch(/^events\.html#connect(ed|ion_restored)\.totalChats$/);
    await results.first().click();
    await page.waitForURL(`${server.origin}/${hrefs[0]}`);
    const row = page.locator(`[id="${fieldOf(hrefs[0]!)}"]`);
    expect(await row.evaluate((el) => el.tagName)).toBe('TR');
    await expect.poll(() => row.evaluate((el) => el.getBoundingClientRect().top)).toBeLessThan(400);
  });

  it('shows the wire frames and the field rules on the page, where a reader looks for them', async () => {
    const page = await open('events.html#user_is_typing');
    const section = page.locator('section:has(#user_is_typing)');
    const frame = section.locator('.code-block:has(.code-lang:text("JSON")) pre').first();
    expect(await frame.isVisible()).toBe(true);
    expect(JSON.parse((await frame.textContent()) ?? '')).toMatchObject({ action: 'user_is_typing', type: 'push', payload: expect.any(Object) });
    const methods = await open('methods.html#sendEvent');
    const method = methods.locator('section:has(#sendEvent)');
    const frames = await method.locator('.code-block:has(.code-lang:text("JSON")) pre').allTextContents();
    const parsed = frames.map((text) => JSON.parse(text) as { type?: string; success?: boolean });
    expect(parsed.some((f) => f.type === undefined)).toBe(true); // the request
    expect(parsed.some((f) => f.success === true)).toBe(true); // the response
    // An error send_event may get (the spec's not_found example), under its own action.
    expect(parsed.find((f) => f.success === false)).toMatchObject({ action: 'send_event', payload: { error: { type: 'not_found' } } });
    const summary = methods.locator('section:has(#getChatsSummary)');
    const summaryFrames = (await summary.locator('.code-block:has(.code-lang:text("JSON")) pre').allTextContents()).map((text) => JSON.parse(text) as { action?: string; success?: boolean; payload?: { error?: { pointer?: string } } });
    expect(summaryFrames.find((f) => f.success === false)).toMatchObject({ action: 'get_chats_summary', payload: { error: { pointer: '/payload/limit' } } }); // an error, about this request
    const rule = methods.locator('tr[id^="sendEvent.event"]', { hasText: '1 to 16,384 characters' });
    expect(await rule.count()).toBeGreaterThan(0);
    expect(await rule.first().isVisible()).toBe(true);
  });

  it('resolves every internal link of every page to a page and an element that exist', async () => {
    const ids = new Map<string, Set<string>>();
    const links: { from: string; href: string; url: URL }[] = [];
    for (const path of sitePages()) {
      const page = await open(path);
      const found = await page.evaluate(() => ({
        ids: [...document.querySelectorAll('[id]')].map((el) => el.id),
        hrefs: [...document.querySelectorAll('a[href]')].map((a) => ({ raw: a.getAttribute('href') ?? '', absolute: (a as HTMLAnchorElement).href })),
      }));
      ids.set(path, new Set(found.ids));
      for (const { raw, absolute } of found.hrefs) links.push({ from: path, href: raw, url: new URL(absolute) });
      await page.close();
    }
    const internal = links.filter((link) => link.url.origin === server.origin);
    expect(internal.length).toBeGreaterThan(100);
    const broken: string[] = [];
    for (const { from, href, url } of internal) {
      const target = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
      const targetIds = ids.get(target);
      if (!targetIds) broken.push(`${from}: ${href} (no page ${target})`);
      else if (url.hash !== '' && !targetIds.has(decodeURIComponent(url.hash.slice(1)))) broken.push(`${from}: ${href} (no element #${decodeURIComponent(url.hash.slice(1))} on ${target})`);
    }
    expect(broken).toEqual([]);
    // Links that leave the site are plain links to http(s) or mailto, never loaded by the pages.
    const external = links.filter((link) => link.url.origin !== server.origin);
    for (const link of external) expect(['https:', 'http:', 'mailto:'], `${link.from}: ${link.href}`).toContain(link.url.protocol);
  });

  it('copies a code block with its copy button', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    for (const path of ['index.html', 'events.html']) {
      const page = await open(path);
      const blocks = page.locator('.code-block');
      expect(await blocks.count(), `${path} has code blocks`).toBeGreaterThan(0);
      const block = blocks.nth(1 % (await blocks.count()));
      const code = (await block.locator('pre code').textContent()) ?? '';
      expect(code.trim()).not.toBe('');
      await page.evaluate(() => navigator.clipboard.writeText('nothing copied yet'));
      const button = block.locator('button.copy');
      await button.scrollIntoViewIfNeeded();
      await button.click();
      await expect.poll(() => button.getAttribute('data-copied')).toBe('true');
      expect(await button.textContent()).toBe('Copied');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
      // The label comes back.
      await expect.poll(() => button.textContent(), { timeout: 5_000 }).toBe('Copy');
      await page.close();
    }
  });

  it('has no horizontal scroll on a 375 px wide phone', async () => {
    const overflowing: string[] = [];
    for (const path of sitePages()) {
      const page = await open(path, { width: 375, height: 812 });
      const result = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
        // The widest elements sticking out, to say what to fix.
        const culprits = [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > width + 1)
          .filter((el) => {
            // Content inside a scrolling box (a wide table in its wrapper) does not scroll the page.
            for (let parent = el.parentElement; parent; parent = parent.parentElement) {
              const overflowX = getComputedStyle(parent).overflowX;
              if (overflowX === 'auto' || overflowX === 'scroll' || overflowX === 'hidden') return false;
            }
            return true;
          })
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''} (right ${Math.round(el.getBoundingClientRect().right)})`);
        return { width, scrollWidth, culprits };
      });
      expect(result.width).toBe(375);
      if (result.scrollWidth > result.width) overflowing.push(`${path}: scrollWidth ${result.scrollWidth} > ${result.width}: ${result.culprits.join(', ')}`);
      // Scrolling sideways moves nothing.
      const scrolled = await page.evaluate(() => {
        window.scrollTo(200, 0);
        return window.scrollX;
      });
      if (scrolled !== 0) overflowing.push(`${path}: window.scrollX became ${scrolled}`);
      await page.close();
    }
    expect(overflowing).toEqual([]);
  });

  it('writes a full-page screenshot of the events page to test-results/events.png', async () => {
    const page = await open('events.html');
    await page.waitForLoadState('networkidle');
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, 'events.png');
    const png = await page.screenshot({ path: file, fullPage: true });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // Full page: much taller than the viewport.
    expect(png.readUInt32BE(20)).toBeGreaterThan(2000);
    expect(existsSync(file), relative(PACKAGE_DIR, file)).toBe(true);
  });
});
