// The runtime's upload under Node.js (fetch with a streamed body) against a real HTTP server on
// 127.0.0.1: what arrives, the progress, the outcomes (answered, cancelled, failed). The browser
// path (XMLHttpRequest) runs in Chromium: test/browser/send-file.test.ts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upload } from '../../src/runtime/upload.js';

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

describe('upload (fetch, Node.js)', () => {
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

  it('gives a body that is not JSON as undefined, with its status', async () => {
    answer = () => ({ status: 413, body: 'too large' });
    expect(await upload({ url: base, method: 'POST', headers: {}, body: new Blob(['x']) })).toEqual({ kind: 'answered', status: 413, body: undefined });
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
