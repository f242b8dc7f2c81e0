// sendFile in Chromium: a real File picked in an <input type="file"> (playwright's setInputFiles),
// uploaded by the SDK's browser build (XMLHttpRequest, for upload progress) to the reference server
// on another origin (CORS), then sent as a `file` event. Cancel and the size limit too.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceServer, type ReferenceServer } from '@customer-chat/reference-server';
import { httpOperations } from '../../src/gen/http-operations.js';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../../../tools/scripts/chromium.mjs';

const operation = httpOperations.uploadFile;

let work: string;
let page: Page;
let pageServer: Server;
let pageOrigin: string;
let reference: ReferenceServer;
let context: BrowserContext;
const pageErrors: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sdk-browser-'));
  // The SDK's browser entry as one script, as a widget would bundle it.
  const bundle = await build({ entryPoints: [new URL('../../src/index.ts', import.meta.url).pathname], bundle: true, format: 'iife', globalName: 'CustomerChatSDK', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
  const script = bundle.outputFiles[0]!.text;
  const html = '<!doctype html><meta charset="utf-8"><title>sendFile</title><input type="file" id="file"><script src="/sdk.js"></script>';
  pageServer = createServer((request, response) => {
    if (request.url === '/sdk.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else response.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  reference = await createReferenceServer({ port: 0, adminPort: 0, log: () => undefined });
  context = await chromium.launchPersistentContext(join(work, 'profile'), { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS] });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(pageOrigin, { waitUntil: 'load' });
  const { token } = reference.issueToken();
  // One SDK in the page, connected, with a chat.
  await page.evaluate(
    async ([url, token]) => {
      const sdk = (window as unknown as { CustomerChatSDK: typeof import('../../src/index.js') }).CustomerChatSDK;
      const api = sdk.createCustomerSDK({ url, licenseId: 'browser', getToken: () => token });
      await new Promise((resolve) => api.once('connected', resolve));
      const { chat } = await api.startChat({});
      Object.assign(window, { api, chatId: chat.id });
    },
    [reference.url, token] as const,
  );
}, 60_000);

afterAll(async () => {
  await context?.close();
  await reference?.close();
  await new Promise((resolve) => pageServer?.close(resolve));
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Picks a file in the page's input, as a user would. */
async function pick(name: string, mimeType: string, buffer: Buffer): Promise<void> {
  await page.locator('#file').setInputFiles({ name, mimeType, buffer });
}

/** Runs sendFile in the page on the picked File; its result or its error's code and message, and the progress seen. */
function sendPicked(options: { abortOnProgress?: boolean } = {}): Promise<{ event?: Record<string, unknown>; code?: string; message?: string; progress: Array<[number, number]> }> {
  return page.evaluate(async ({ abortOnProgress }) => {
    const { api, chatId } = window as unknown as { api: import('../../src/index.js').CustomerSDK; chatId: string };
    const file = (document.getElementById('file') as HTMLInputElement).files![0]!;
    const progress: Array<[number, number]> = [];
    const controller = new AbortController();
    try {
      const { event } = await api.sendFile(chatId, file, {
        signal: controller.signal,
        onProgress: (sent, total) => {
          progress.push([sent, total]);
          if (abortOnProgress === true) controller.abort();
        },
      });
      return { event: event as unknown as Record<string, unknown>, progress };
    } catch (error) {
      const { code, message } = error as { code: string; message: string };
      return { code, message, progress };
    }
  }, options);
}

const fileEvents = () => {
  const chatId = reference.store.chatIdsOf(reference.store.customers()[0]!.id)[0]!;
  return reference.store.chat(chatId).threads.flatMap((id) => reference.store.thread(id).events).filter((e) => e.type === 'file');
};

describe('sendFile in Chromium', () => {
  it('uploads a File from an <input>, with progress, and sends the file event with its name, type and size', async () => {
    const content = Buffer.alloc(2 * 1024 * 1024, 0x5a);
    await pick('holiday.png', 'image/png', content);
    const result = await sendPicked();
    expect(result.code).toBeUndefined();
    expect(result.event).toMatchObject({ type: 'file', name: 'holiday.png', contentType: 'image/png', size: content.length });
    expect(result.progress.at(-1)).toEqual([content.length, content.length]);
    const served = await fetch(result.event!.url as string);
    expect(Buffer.from(await served.arrayBuffer()).equals(content)).toBe(true);
    expect(fileEvents()).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });

  it('cancelled during the upload: CANCELLED, and no event', async () => {
    await pick('big.pdf', 'application/pdf', Buffer.alloc(8 * 1024 * 1024, 0x25));
    const result = await sendPicked({ abortOnProgress: true });
    expect(result.code).toBe('CANCELLED');
    expect(fileEvents()).toHaveLength(1);
  });

  it('a File over the limit fails with INVALID_ARGS before anything is uploaded', async () => {
    const stored = reference.storedFiles();
    await pick('huge.png', 'image/png', Buffer.alloc(operation.maxBytes + 1));
    const result = await sendPicked();
    expect(result).toMatchObject({ code: 'INVALID_ARGS', message: expect.stringContaining(String(operation.maxBytes)), progress: [] });
    expect(reference.storedFiles()).toEqual(stored);
  });

  it('a File of a type the upload does not take fails with INVALID_ARGS', async () => {
    await pick('setup.exe', 'application/x-msdownload', Buffer.from('MZ'));
    expect(await sendPicked()).toMatchObject({ code: 'INVALID_ARGS', message: expect.stringContaining('application/x-msdownload') });
    expect(fileEvents()).toHaveLength(1);
  });
});
