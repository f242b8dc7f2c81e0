// The live console in Chromium against the reference server, both on 127.0.0.1: it gets a token
// from the admin endpoint, logs in, sends a request with the spec's example, refuses an invalid
// payload before sending (issues at their JSON pointer), and shows a server error, an invalid push
// and a malformed frame, each checked; an unreachable server and a refused token are plain
// messages. A copy of the site whose console checks nothing is shown to fail the same test.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceServer, type ReferenceServer } from '@customer-chat/reference-server';
import { buildSite } from '../../src/build.js';
import { serveStatic, type StaticServer } from './static-server.js';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../../../tools/scripts/chromium.mjs';


let work: string;
let site: StaticServer;
let broken: StaticServer;
let reference: ReferenceServer;
let context: BrowserContext;
let pageErrors: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'docs-console-'));
  await buildSite(join(work, 'out'));
  site = await serveStatic(join(work, 'out', 'site'));
  // The same site with a console that checks nothing (every payload and frame "valid").
  await buildSite(join(work, 'broken'));
  const script = join(work, 'broken', 'site', 'assets', 'console.js');
  writeFileSync(script, readFileSync(script, 'utf8').replace("var validators = window.customerChatValidators;", 'var validators = { validate: function () { return { ok: true }; }, validateFrame: function () { return { ok: true }; } };'));
  broken = await serveStatic(join(work, 'broken', 'site'));
  reference = await createReferenceServer({ port: 0, adminPort: 0, log: () => undefined });
  context = await chromium.launchPersistentContext(join(work, 'profile'), { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS], viewport: { width: 1280, height: 900 } });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await reference?.close();
  await site?.close();
  await broken?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function openConsole(origin: string, server = reference.socketUrl('docs-console'), token = `${reference.adminUrl}/tokens`): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${origin}/console.html?server=${encodeURIComponent(server)}&token=${encodeURIComponent(token)}`, { waitUntil: 'load' });
  return page;
}

const entries = (page: Page) => page.locator('#console-log > li');
const entryTexts = (page: Page) => entries(page).evaluateAll((items) => items.map((item) => item.textContent ?? ''));

async function connect(page: Page): Promise<string> {
  await page.locator('#console-connect').click();
  // The login response, valid.
  await expect.poll(async () => (await entryTexts(page)).find((text) => text.startsWith('received response to login')) ?? '', { timeout: 10_000 }).toContain('valid');
  const login = (await entryTexts(page)).find((text) => text.startsWith('received response to login'))!;
  return /"customerId": "([^"]+)"/.exec(login)![1]!;
}

async function sendRequest(page: Page, id: string, payload?: unknown): Promise<void> {
  await page.locator('#console-request').selectOption(id);
  if (payload !== undefined) await page.locator('#console-payload').fill(JSON.stringify(payload));
  await page.locator('#console-send').click();
}

/** The whole scenario; returns what went wrong (empty when the console did its job). */
async function scenario(origin: string): Promise<string[]> {
  const wrong: string[] = [];
  const page = await openConsole(origin);
  const customerId = await connect(page);

  // A request with the spec's example: sent, answered, the response valid and linked to its section.
  await sendRequest(page, 'startChat');
  await expect.poll(async () => (await entryTexts(page)).some((text) => text.startsWith('received response to startChat')), { timeout: 10_000 }).toBe(true);
  const started = (await entryTexts(page)).find((text) => text.startsWith('received response to startChat'))!;
  if (!started.includes('valid')) wrong.push(`startChat response not shown valid: ${started.slice(0, 200)}`);
  const chat = /"id": "([^"]+)"/.exec(started)?.[1] ?? '';
  if ((await page.locator('#console-log a[href="methods.html#startChat"]').count()) === 0) wrong.push('no link to the startChat section');

  // An invalid payload: refused before it leaves, each issue at its pointer.
  const before = (await entryTexts(page)).length;
  await sendRequest(page, 'sendEvent', { chat, event: { type: 'message', text: '' }, extra: 1 });
  const issues = await page.locator('#console-issues li').allTextContents();
  if (!issues.some((text) => text.startsWith('/event/text'))) wrong.push(`no issue at /event/text: ${JSON.stringify(issues)}`);
  if (!issues.some((text) => text.startsWith('/extra'))) wrong.push(`no issue at /extra: ${JSON.stringify(issues)}`);
  await page.waitForTimeout(300);
  if ((await entryTexts(page)).length !== before) wrong.push('an invalid payload was sent');

  // A server error: a valid request about a chat that does not exist.
  await sendRequest(page, 'sendEvent', { chat: 'no-such-chat', event: { type: 'message', text: 'hello' } });
  await expect.poll(async () => (await entryTexts(page)).some((text) => text.startsWith('received error to sendEvent')), { timeout: 10_000 }).toBe(true);
  const error = (await entryTexts(page)).find((text) => text.startsWith('received error to sendEvent'))!;
  if (!/valid/.test(error) || /invalid/.test(error) || !error.includes('"type": "not_found"')) wrong.push(`server error not shown as a valid error frame: ${error.slice(0, 200)}`);

  // An invalid push, and a frame that is not JSON.
  reference.faults.sendRaw(customerId, JSON.stringify({ action: 'user_is_typing', type: 'push', payload: { chat } }));
  reference.faults.sendRaw(customerId, '{"action":');
  await expect.poll(async () => (await entryTexts(page)).some((text) => text.startsWith('received push user_is_typing')), { timeout: 10_000 }).toBe(true);
  const push = (await entryTexts(page)).find((text) => text.startsWith('received push user_is_typing'))!;
  if (!push.includes('invalid') || !push.includes('/payload/user')) wrong.push(`invalid push not shown with /payload/user: ${push.slice(0, 200)}`);
  await expect.poll(async () => (await entryTexts(page)).some((text) => text.startsWith('received a frame that is not JSON')), { timeout: 10_000 }).toBe(true);
  await page.close();
  return wrong;
}

describe('the live console in Chromium against the reference server', () => {
  it('logs in, sends, refuses an invalid payload, shows a server error, an invalid push and a malformed frame', async () => {
    pageErrors = [];
    expect(await scenario(site.origin)).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('says so when the server cannot be reached or the token URL refuses, and throws nothing into the page', async () => {
    pageErrors = [];
    const unreachable = await openConsole(site.origin, 'ws://127.0.0.1:9/v1/customer?licenseId=x');
    await unreachable.locator('#console-connect').click();
    await expect.poll(() => unreachable.locator('#console-status').textContent(), { timeout: 10_000 }).toMatch(/Closed: code 1006: the server cannot be reached/);
    const refused = await openConsole(site.origin, reference.socketUrl('docs-console'), `${reference.adminUrl}/no-such-route`);
    await refused.locator('#console-connect').click();
    await expect.poll(() => refused.locator('#console-status').textContent(), { timeout: 10_000 }).toMatch(/^Cannot get a token: the token URL answered 404/);
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('catches a console that checks nothing (the scenario is not vacuous)', async () => {
    const wrong = await scenario(broken.origin);
    expect(wrong.some((w) => w.startsWith('no issue at /event/text'))).toBe(true);
    expect(wrong.some((w) => w.startsWith('an invalid payload was sent'))).toBe(true);
    expect(wrong.some((w) => w.startsWith('invalid push not shown'))).toBe(true);
  }, 60_000);
});
