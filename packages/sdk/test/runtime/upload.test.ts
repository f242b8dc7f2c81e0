// The runtime's upload. Under Node.js (fetch with a streamed body) against a real HTTP server on
// 127.0.0.1: what arrives, the progress, the outcomes (answered, cancelled, failed). The browser
// path (XMLHttpRequest) against a scripted stand-in for the browser's XMLHttpRequest global, which
// records what the upload asks of it and lets each test fire the events a browser would; the real
// thing runs in Chromium: test/browser/send-file.test.ts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { upload, type UploadOutcome } from '../../src/runtime/upload.js';

describe('upload (fetch, Node.js)', () => {
  let server: Server;
  let base: string;
  let received: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }>;
  let answer: (request: IncomingMessage) => { status: number; body: string } | 'destroy' = () => ({ status: 201, body: '{"ok":true}' });

  beforeEach(async () => {
    received = [];
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
        const reply = answer(request);
        if (reply === 'destroy') request.socket.destroy();
        else response.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    answer = () => ({ status: 201, body: '{"ok":true}' });
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the body with the method, headers and Content-Length, and answers the status and parsed JSON', async () => {
    const body = new Blob([new Uint8Array(300_000).fill(7)]);
    const outcome = await upload({ url: `${base}/files?x=1`, method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'image/png' }, body });
    expect(outcome).toEqual({ kind: 'answered', status: 201, body: { ok: true } });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/files?x=1', headers: { authorization: 'Bearer t', 'content-type': 'image/png', 'content-length': '300000' } });
    expect(received[0]!.body.equals(Buffer.alloc(300_000, 7))).toBe(true);
  });

  it('reports progress that only grows and ends with both numbers equal to the size', async () => {
    const progress: Array<[number, number]> = [];
    await upload({ url: base, method: 'PUT', headers: {}, body: new Blob(Array.from({ length: 10 }, () => new Uint8Array(100_000))), onProgress: (sent, total) => progress.push([sent, total]) });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual([1_000_000, 1_000_000]);
    for (const [i, [sent, total]] of progress.entries()) {
      expect(total).toBe(1_000_000);
      if (i > 0) expect(sent).toBeGreaterThanOrEqual(progress[i - 1]![0]);
    }
    // Only the last report says everything was sent.
    expect(progress.filter(([sent]) => sent === 1_000_000)).toHaveLength(1);
  });

  it('without onProgress, a body read in several parts is sent whole', async () => {
    // Ten parts: the stream is read more than once, so the reports in between would be due.
    const outcome = await upload({ url: base, method: 'PUT', headers: {}, body: new Blob(Array.from({ length: 10 }, (_, i) => new Uint8Array(100_000).fill(i))) });
    expect(outcome).toEqual({ kind: 'answered', status: 201, body: { ok: true } });
    expect(received).toHaveLength(1);
    expect(received[0]!.body).toHaveLength(1_000_000);
    expect(received[0]!.body[999_999]).toBe(9);
  });

  it('gives a body that is not JSON as undefined, with its status', async () => {
    answer = () => ({ status: 413, body: 'too large' });
    expect(await upload({ url: base, method: 'POST', headers: {}, body: new Blob(['x']) })).toEqual({ kind: 'answered', status: 413, body: undefined });
  });

  it('a signal that is not aborted lets the upload through', async () => {
    const controller = new AbortController();
    expect(await upload({ url: base, method: 'POST', headers: {}, body: new Blob(['x']), signal: controller.signal })).toEqual({ kind: 'answered', status: 201, body: { ok: true } });
    expect(received.map((r) => r.body.toString())).toEqual(['x']);
  });

  it('a signal aborted before the start sends nothing: cancelled', async () => {
    expect(await upload({ url: base, method: 'POST', headers: {}, body: new Blob(['x']), signal: AbortSignal.abort() })).toEqual({ kind: 'cancelled' });
    expect(received).toEqual([]);
  });

  it('a signal aborted during the upload: cancelled', async () => {
    const controller = new AbortController();
    const outcome = await upload({ url: base, method: 'POST', headers: {}, body: new Blob([new Uint8Array(8_000_000)]), signal: controller.signal, onProgress: (sent) => sent > 0 && controller.abort() });
    expect(outcome).toEqual({ kind: 'cancelled' });
  });

  it('no answer (the connection is cut, or nothing listens): failed, with the cause', async () => {
    answer = () => 'destroy';
    const cut = await upload({ url: base, method: 'POST', headers: {}, body: new Blob(['x']) });
    expect(cut).toMatchObject({ kind: 'failed', cause: expect.any(Error) });
    const nobody = await upload({ url: 'http://127.0.0.1:9/', method: 'POST', headers: {}, body: new Blob(['x']) });
    expect(nobody).toMatchObject({ kind: 'failed', cause: expect.any(Error) });
  });
});

/** What a browser's upload progress event carries that the upload reads. */
interface ProgressInit {
  readonly loaded: number;
  readonly total: number;
  readonly lengthComputable: boolean;
}

/**
 * A scripted stand-in for the browser's XMLHttpRequest: it records what it is asked (open, headers,
 * send, abort) and fires nothing by itself; the test fires the events a browser would, in its order.
 */
class FakeXhr {
  static instances: FakeXhr[] = [];
  opened: Array<[method: string, url: string]> = [];
  headers: Array<[name: string, value: string]> = [];
  sent: unknown[] = [];
  aborts = 0;
  status = 0;
  responseText = '';
  readonly upload: { onprogress: ((event: ProgressInit) => void) | null; onload: (() => void) | null } = { onprogress: null, onload: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.instances.push(this);
  }
  open(method: string, url: string): void {
    this.opened.push([method, url]);
  }
  setRequestHeader(name: string, value: string): void {
    this.headers.push([name, value]);
  }
  send(body: unknown): void {
    this.sent.push(body);
  }
  abort(): void {
    this.aborts += 1;
  }

  /** The browser's events, fired as it would; each one must have a handler set. */
  progress(event: ProgressInit): void {
    FakeXhr.handler(this.upload.onprogress, 'upload.onprogress')(event);
  }
  uploaded(): void {
    FakeXhr.handler(this.upload.onload, 'upload.onload')();
  }
  answer(status: number, responseText: string): void {
    this.status = status;
    this.responseText = responseText;
    FakeXhr.handler(this.onload, 'onload')();
  }
  networkError(): void {
    FakeXhr.handler(this.onerror, 'onerror')();
  }
  aborted(): void {
    FakeXhr.handler(this.onabort, 'onabort')();
  }
  private static handler<H>(handler: H | null, name: string): H {
    if (handler === null) throw new Error(`no ${name} handler set`);
    return handler;
  }
}

/** The only XMLHttpRequest the upload has created. */
function theXhr(): FakeXhr {
  expect(FakeXhr.instances).toHaveLength(1);
  return FakeXhr.instances[0]!;
}

/** Starts an upload and keeps its outcome once it settles (undefined until then). */
function start(request: Parameters<typeof upload>[0]): { outcome: UploadOutcome | undefined } {
  const state: { outcome: UploadOutcome | undefined } = { outcome: undefined };
  void upload(request).then((outcome) => (state.outcome = outcome));
  return state;
}

/** Lets every pending promise reaction run (a macrotask comes after all microtasks). */
function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('upload (XMLHttpRequest, browsers)', () => {
  const url = 'https://files.example/upload?chat=7';

  beforeEach(() => {
    FakeXhr.instances = [];
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('opens the method and URL, sets each header, sends the body, and waits for the answer', async () => {
    const body = new Blob(['hello']);
    const state = start({ url, method: 'PUT', headers: { authorization: 'Bearer t', 'content-type': 'image/png' }, body });
    const xhr = theXhr();
    expect(xhr.opened).toEqual([['PUT', url]]);
    expect(xhr.headers).toEqual([
      ['authorization', 'Bearer t'],
      ['content-type', 'image/png'],
    ]);
    expect(xhr.sent).toHaveLength(1);
    expect(xhr.sent[0]).toBe(body);
    await settled();
    expect(state.outcome).toBeUndefined();
    xhr.answer(201, '{"id":"f1","size":5}');
    await settled();
    expect(state.outcome).toEqual({ kind: 'answered', status: 201, body: { id: 'f1', size: 5 } });
  });

  it('answers the status with a body that is not JSON as undefined', async () => {
    const state = start({ url, method: 'POST', headers: {}, body: new Blob(['x']) });
    theXhr().answer(413, 'too large');
    await settled();
    expect(state.outcome).toEqual({ kind: 'answered', status: 413, body: undefined });
  });

  it('reports the progress events; without a computable length the total is the body size; the end of the body reports (size, size)', async () => {
    const progress: Array<[number, number]> = [];
    const state = start({ url, method: 'POST', headers: {}, body: new Blob([new Uint8Array(1000)]), onProgress: (sent, total) => progress.push([sent, total]) });
    const xhr = theXhr();
    // With a computable length, the event's total is taken as it is (here not the body size).
    xhr.progress({ loaded: 100, total: 1200, lengthComputable: true });
    // Without one, the browser's total (0) means nothing: the body's size stands in.
    xhr.progress({ loaded: 400, total: 0, lengthComputable: false });
    expect(progress).toEqual([
      [100, 1200],
      [400, 1000],
    ]);
    xhr.uploaded();
    expect(progress.at(-1)).toEqual([1000, 1000]);
    expect(progress).toHaveLength(3);
    // Progress is not an outcome: the upload still waits for the answer.
    await settled();
    expect(state.outcome).toBeUndefined();
    xhr.answer(200, '{}');
    await settled();
    expect(state.outcome).toEqual({ kind: 'answered', status: 200, body: {} });
  });

  it('without onProgress, the progress events are ignored', async () => {
    const state = start({ url, method: 'POST', headers: {}, body: new Blob(['abc']) });
    const xhr = theXhr();
    expect(() => xhr.progress({ loaded: 1, total: 3, lengthComputable: true })).not.toThrow();
    expect(() => xhr.progress({ loaded: 2, total: 0, lengthComputable: false })).not.toThrow();
    expect(() => xhr.uploaded()).not.toThrow();
    xhr.answer(201, '{"ok":true}');
    await settled();
    expect(state.outcome).toEqual({ kind: 'answered', status: 201, body: { ok: true } });
  });

  it('a network error: failed, with an Error naming the method and URL', async () => {
    const state = start({ url, method: 'POST', headers: {}, body: new Blob(['x']) });
    theXhr().networkError();
    await settled();
    expect(state.outcome).toEqual({ kind: 'failed', cause: expect.any(Error) });
    expect((state.outcome as { cause: Error }).cause.message).toBe(`network error (POST ${url})`);
  });

  it('a signal aborted before the start: cancelled, no request made', async () => {
    const outcome = upload({ url, method: 'POST', headers: {}, body: new Blob(['x']), signal: AbortSignal.abort() });
    expect(FakeXhr.instances).toEqual([]);
    expect(await outcome).toEqual({ kind: 'cancelled' });
  });

  it('a signal aborted during the upload aborts the request; its abort event: cancelled', async () => {
    const controller = new AbortController();
    const state = start({ url, method: 'POST', headers: {}, body: new Blob([new Uint8Array(1000)]), signal: controller.signal, onProgress: () => undefined });
    const xhr = theXhr();
    xhr.progress({ loaded: 10, total: 1000, lengthComputable: true });
    expect(xhr.aborts).toBe(0);
    controller.abort();
    expect(xhr.aborts).toBe(1);
    xhr.aborted();
    await settled();
    expect(state.outcome).toEqual({ kind: 'cancelled' });
  });

  it('a signal that is not aborted lets the upload through', async () => {
    const controller = new AbortController();
    const state = start({ url, method: 'POST', headers: {}, body: new Blob(['x']), signal: controller.signal });
    const xhr = theXhr();
    expect(xhr.sent).toHaveLength(1);
    expect(xhr.aborts).toBe(0);
    xhr.answer(204, '');
    await settled();
    expect(state.outcome).toEqual({ kind: 'answered', status: 204, body: undefined });
  });

  it('once settled (answered or failed), aborting the signal no longer touches the request', async () => {
    const answered = new AbortController();
    const first = start({ url, method: 'POST', headers: {}, body: new Blob(['x']), signal: answered.signal });
    const firstXhr = theXhr();
    firstXhr.answer(201, '{}');
    await settled();
    expect(first.outcome).toEqual({ kind: 'answered', status: 201, body: {} });
    answered.abort();
    expect(firstXhr.aborts).toBe(0);

    FakeXhr.instances = [];
    const failed = new AbortController();
    const second = start({ url, method: 'POST', headers: {}, body: new Blob(['x']), signal: failed.signal });
    const secondXhr = theXhr();
    secondXhr.networkError();
    await settled();
    expect(second.outcome).toMatchObject({ kind: 'failed' });
    failed.abort();
    expect(secondXhr.aborts).toBe(0);
  });
});
