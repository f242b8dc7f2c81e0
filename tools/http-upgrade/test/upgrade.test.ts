// A POST offering `Upgrade: h2c`, with a body, is served as plain HTTP by a server that sends it
// back through serveWithoutUpgrade; a WebSocket upgrade is told apart in any case.
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { serveWithoutUpgrade, wantsWebSocket } from '../src/index.js';

const withUpgrade = (value: string | undefined) => ({ headers: value === undefined ? {} : { upgrade: value } }) as unknown as IncomingMessage;

describe('wantsWebSocket', () => {
  it('is true for websocket in any case and spacing, false for anything else', () => {
    expect(['websocket', 'WebSocket', ' websocket '].map((v) => wantsWebSocket(withUpgrade(v)))).toEqual([true, true, true]);
    expect(['h2c', '', 'websocket2'].map((v) => wantsWebSocket(withUpgrade(v)))).toEqual([false, false, false]);
    expect(wantsWebSocket(withUpgrade(undefined))).toBe(false);
  });
});

describe('serveWithoutUpgrade', () => {
  it('serves an h2c-offering POST as plain HTTP, body and headers included, and the next request on the connection too', async () => {
    const seen: Array<{ method: string; url: string; upgrade: string | undefined; body: string; custom: string | undefined }> = [];
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        seen.push({ method: request.method!, url: request.url!, upgrade: request.headers.upgrade, body, custom: request.headers['x-custom'] as string | undefined });
        response.end(`got ${body.length}`);
      });
    });
    server.on('upgrade', (request, socket, head) => serveWithoutUpgrade(server, request, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 1 });
    const send = (headers: Record<string, string>, body: string) =>
      new Promise<string>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/files?name=a.txt', agent, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(`${res.statusCode} ${text}`));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      expect(await send({ connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAMAAABkAAQCAAAAAAIAAAAA', 'x-custom': 'é' }, 'héllo wörld')).toBe('200 got 11');
      // The next request on the connection, plain: its header bytes are read as the first's were.
      expect(await send({ 'x-custom': 'é' }, 'second')).toBe('200 got 6');
      expect(seen).toEqual([
        { method: 'POST', url: '/v1/files?name=a.txt', upgrade: undefined, body: 'héllo wörld', custom: seen[1]!.custom },
        { method: 'POST', url: '/v1/files?name=a.txt', upgrade: undefined, body: 'second', custom: expect.any(String) },
      ]);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
