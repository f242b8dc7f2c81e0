// The upload the spec describes under `x-http` (uploadFile), over real HTTP on 127.0.0.1: stored
// and served back; every refusal a status the operation lists, with the spec's error body, and
// nothing stored.
import { lookup } from 'node:dns/promises';
import { Agent, createServer, request as httpRequest, type ClientRequest } from 'node:http';
import { connect } from 'node:net';
import { isErrorResult, isUploadedFile } from '@customer-chat/validators';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpOperations } from '../src/gen/protocol.js';
import { createReferenceServer, type ReferenceServer } from '../src/index.js';
import { STORED_FILE_OVERHEAD_BYTES } from '../src/uploads.js';
import { TestClient } from './helpers.js';

const operation = httpOperations.uploadFile;
let server: ReferenceServer;
let token: string;
let base: string;
beforeEach(async () => {
  server = await createReferenceServer({ port: 0, log: () => undefined, licenseIds: ['L1'] });
  ({ token } = server.issueToken());
  base = server.url.replace(/^ws/, 'http');
});
afterEach(() => server.close());

function uploadUrl(query = 'licenseId=L1&name=cat.png'): string {
  return `${base}${operation.path}?${query}`;
}

async function post(body: Uint8Array<ArrayBuffer>, headers: Record<string, string>, query?: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(uploadUrl(query), { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() };
}

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

/** Whether this machine can listen on the IPv6 loopback ::1 (the IPv6 tests need it). */
const hasIPv6Loopback = await new Promise<boolean>((resolve) => {
  const probe = createServer();
  probe.once('error', () => resolve(false));
  probe.listen(0, '::1', () => probe.close(() => resolve(true)));
});

describe('uploadFile', () => {
  it('stores the body and answers an UploadedFile (201) whose URL serves the same bytes', async () => {
    const answer = await post(png, { authorization: `Bearer ${token}`, 'content-type': 'image/png' });
    expect(answer.status).toBe(operation.status);
    expect(isUploadedFile(answer.body)).toBe(true);
    expect(answer.body).toEqual({ url: expect.stringMatching(new RegExp(`^${base}${operation.path}/[0-9a-f-]{36}$`)), contentType: 'image/png', size: png.length, name: 'cat.png' });
    const served = await fetch((answer.body as { url: string }).url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''cat.png");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);
    expect(server.storedFiles()).toEqual({ files: 1, bytes: png.length });
  });

  it('takes every content type of the spec, a parameter after the media type, and no name', async () => {
    for (const type of operation.contentTypes) {
      const answer = await post(png, { authorization: `Bearer ${token}`, 'content-type': `${type}; charset=utf-8` }, 'licenseId=L1');
      expect(answer).toEqual({ status: 201, body: { url: expect.any(String), contentType: type, size: png.length } });
    }
  });

  it('a body of exactly maxBytes is stored; one byte more is 413 with the limit in the message, and nothing is stored', async () => {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/pdf' };
    expect((await post(new Uint8Array(operation.maxBytes), headers)).status).toBe(201);
    const over = await post(new Uint8Array(operation.maxBytes + 1), headers);
    expect(over.status).toBe(413);
    expect(isErrorResult(over.body)).toBe(true);
    expect(over.body).toEqual({ error: { type: 'validation', message: `the file is larger than ${operation.maxBytes} bytes, the most an upload may carry` } });
    expect(server.storedFiles()).toEqual({ files: 1, bytes: operation.maxBytes });
  });

  it('a chunked body that grows past the limit is 413 too, without a Content-Length to go by', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(uploadUrl(), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', 'transfer-encoding': 'chunked' } }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      let written = 0;
      const write = () => {
        while (written <= operation.maxBytes) {
          written += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', write);
        }
        request.end();
      };
      write();
    }).catch((error: unknown) => ({ status: -1, body: String(error) }));
    // The server answers as soon as the limit is passed and closes the connection; the client may
    // see the answer or, still writing, a reset: either way nothing is stored.
    if (answer.status !== -1) {
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual({ error: { type: 'validation', message: expect.stringContaining(String(operation.maxBytes)) } });
    }
    expect(server.storedFiles()).toEqual({ files: 0, bytes: 0 });
  });

  it.each([
    ['a content type the spec does not list', { 'content-type': 'application/x-msdownload' }, 'licenseId=L1', 415, 'validation', /the content type application\/x-msdownload is not accepted; send one of image\/png, /],
    ['no content type', {}, 'licenseId=L1', 415, 'validation', /the content type \(none\) is not accepted/],
    ['no token', { 'content-type': 'image/png', authorization: '' }, 'licenseId=L1', 401, 'authentication', /needs the access token/],
    ['a token the server did not issue', { 'content-type': 'image/png', authorization: 'Bearer forged' }, 'licenseId=L1', 401, 'authentication', /not valid/],
    ['a license the server does not serve', { 'content-type': 'image/png' }, 'licenseId=L2', 401, 'authentication', /license L2/],
    ['no licenseId', { 'content-type': 'image/png' }, 'name=a.png', 400, 'validation', /licenseId is required/],
    ['a name over 256 characters', { 'content-type': 'image/png' }, `licenseId=L1&name=${'n'.repeat(257)}`, 400, 'validation', /name is longer than 256/],
  ])('%s: %s', async (_, headers, query, status, type, message) => {
    const answer = await post(png, { authorization: `Bearer ${token}`, ...headers }, query);
    expect(answer.status).toBe(status);
    expect(isErrorResult(answer.body)).toBe(true);
    expect((answer.body as { error: { type: string } }).error.type).toBe(type);
    expect((answer.body as { error: { message: string } }).error.message).toMatch(message);
    expect(server.storedFiles()).toEqual({ files: 0, bytes: 0 });
  });

  it('an empty body is 400', async () => {
    const answer = await post(new Uint8Array(0), { authorization: `Bearer ${token}`, 'content-type': 'image/png' });
    expect(answer).toEqual({ status: 400, body: { error: { type: 'validation', message: expect.stringContaining('empty') } } });
  });

  it('a store past maxStoredFileBytes answers 503 service_unavailable', async () => {
    await server.close();
    // Room for one cat.png (its body, its name and the overhead), not two.
    server = await createReferenceServer({ port: 0, log: () => undefined, maxStoredFileBytes: STORED_FILE_OVERHEAD_BYTES + 2 * 'cat.png'.length + 20 });
    ({ token } = server.issueToken());
    base = server.url.replace(/^ws/, 'http');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'image/png' };
    expect((await post(png, headers)).status).toBe(201);
    expect(await post(png, headers)).toEqual({ status: 503, body: { error: { type: 'service_unavailable', message: expect.any(String) } } });
    expect(server.storedFiles()).toEqual({ files: 1, bytes: png.length });
  });

  it('each stored file takes STORED_FILE_OVERHEAD_BYTES and its name of maxStoredFileBytes besides its body: tiny files fill a small budget', async () => {
    // What keeping a one-byte file named a.txt costs: its body, its name at 2 bytes a character, the overhead.
    const perFile = 1 + 2 * 'a.txt'.length + STORED_FILE_OVERHEAD_BYTES;
    await server.close();
    server = await createReferenceServer({ port: 0, log: () => undefined, maxStoredFileBytes: 3 * perFile });
    ({ token } = server.issueToken());
    base = server.url.replace(/^ws/, 'http');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'text/plain' };
    for (let i = 0; i < 3; i++) expect((await post(new Uint8Array([0x61]), headers, 'licenseId=L1&name=a.txt')).status).toBe(201);
    expect(await post(new Uint8Array([0x61]), headers, 'licenseId=L1&name=a.txt')).toEqual({ status: 503, body: { error: { type: 'service_unavailable', message: 'the server stores no more files now' } } });
    expect(server.storedFiles()).toEqual({ files: 3, bytes: 3 });
  });

  it('answers a browser preflight, refuses another method, and 404s an unknown file', async () => {
    const preflight = await fetch(uploadUrl(), { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    const put = await fetch(uploadUrl(), { method: 'PUT', body: png });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST');
    const missing = await fetch(`${base}${operation.path}/00000000-0000-0000-0000-000000000000`);
    expect(missing.status).toBe(404);
    expect(isErrorResult(await missing.json())).toBe(true);
  });

  it('leaves the WebSocket endpoint as it was: other paths still answer 426', async () => {
    expect((await fetch(`${base}/v1/customer`)).status).toBe(426);
  });

  it('a banned customer may not upload: 401 authentication, as at login, and nothing is stored', async () => {
    const banned = server.issueToken();
    const headers = { authorization: `Bearer ${banned.token}`, 'content-type': 'image/png' };
    expect((await post(png, headers)).status).toBe(201);
    const stored = server.storedFiles();
    const response = await fetch(`${server.adminUrl}/customers/${banned.customerId}/disconnect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"customer_banned"}' });
    expect(response.status).toBe(200);
    const answer = await post(png, headers);
    expect(answer).toEqual({ status: 401, body: { error: { type: 'authentication', message: `the customer ${banned.customerId} is banned: the server accepts no token of theirs` } } });
    expect(server.storedFiles()).toEqual(stored);
    // Another customer's token still works.
    expect((await post(png, { ...headers, authorization: `Bearer ${token}` })).status).toBe(201);
  });

  it('a custom authenticate\'s answer that is not a customer\'s id (null, \'\', an agent\'s id) is refused as at login: 401, nothing stored', async () => {
    const answers: Record<string, unknown> = { agent: 'sam', empty: '', nothing: null, alice: 'alice' };
    const custom = await createReferenceServer({ port: 0, log: () => undefined, authenticate: (t) => answers[t] as string | undefined });
    try {
      custom.agent('sam');
      const url = `${custom.url.replace(/^ws/, 'http')}${operation.path}?licenseId=L1`;
      const upload = (bearer: string) => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'text/plain' }, body: 'hi' });
      for (const bearer of ['agent', 'empty', 'nothing']) {
        const refused = await upload(bearer);
        expect(refused.status, bearer).toBe(401);
        expect(await refused.json()).toEqual({ error: { type: 'authentication', message: 'the access token is not valid' } });
        const client = await TestClient.open(custom.socketUrl());
        expect((await client.login(bearer)).payload.error.type, bearer).toBe('authentication');
        client.close();
      }
      expect(custom.storedFiles()).toEqual({ files: 0, bytes: 0 });
      // A customer's id still uploads.
      expect((await upload('alice')).status).toBe(201);
    } finally {
      await custom.close();
    }
  });

  it('reads the path as a path: //v1/files is the upload (a base URL with a trailing slash)', async () => {
    const answer = await fetch(`${base}/${operation.path}?licenseId=L1`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: png });
    expect(answer.status).toBe(201);
    expect(server.storedFiles()).toEqual({ files: 1, bytes: png.length });
  });

  it('under /v1/files/: no file id is 404, a method other than GET or HEAD on a file is 405 with Allow', async () => {
    const noId = await fetch(`${base}${operation.path}/?licenseId=L1`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: png });
    expect(noId.status).toBe(404);
    const noIdBody = (await noId.json()) as { error: { type: string; message: string } };
    expect(isErrorResult(noIdBody)).toBe(true);
    expect(noIdBody.error).toEqual({ type: 'not_found', message: `no file at ${operation.path}/: upload with ${operation.method} ${operation.path}; a file is at the url its upload answered` });
    const { url } = (await post(png, { authorization: `Bearer ${token}`, 'content-type': 'image/png' })).body as { url: string };
    const deleted = await fetch(url, { method: 'DELETE' });
    expect(deleted.status).toBe(405);
    expect(deleted.headers.get('allow')).toBe('GET, HEAD');
    expect(isErrorResult(await deleted.json())).toBe(true);
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(200);
    expect(server.storedFiles()).toEqual({ files: 1, bytes: png.length });
  });
});

/** An answer, or the connection failing without one. */
type Outcome = { status: number; body: unknown } | { failed: string };

/** An upload over a raw request: the headers and `first` go out at once, the rest only when the test writes it. */
function startUpload(url: string, headers: Record<string, string>, first: Buffer): { request: ClientRequest; outcome: Promise<Outcome> } {
  let request!: ClientRequest;
  const outcome = new Promise<Outcome>((resolve) => {
    request = httpRequest(url, { method: 'POST', headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: body === '' ? undefined : JSON.parse(body) }));
      response.on('error', (error) => resolve({ failed: String(error) }));
    });
    request.on('error', (error) => resolve({ failed: String(error) }));
    request.write(first);
  });
  return { request, outcome };
}

/** The promise, or a failure naming what never came (a bound on waiting, not a timing check). */
function within<T>(promise: Promise<T>, label: string, ms = 5000): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`never happened: ${label}`)), ms).unref())]);
}

describe('uploads still arriving count against maxStoredFileBytes', () => {
  const MiB = 1024 * 1024;
  let budgeted: ReferenceServer;
  let auth: Record<string, string>;
  let target: string;
  beforeEach(async () => {
    budgeted = await createReferenceServer({ port: 0, adminPort: 0, log: () => undefined, maxStoredFileBytes: MiB, uploadIdleTimeoutMs: 200 });
    auth = { authorization: `Bearer ${budgeted.issueToken().token}` };
    target = `${budgeted.url.replace(/^ws/, 'http')}${operation.path}?licenseId=L1`;
  });
  afterEach(() => budgeted.close());

  const postHere = async (bytes: number): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(target, { method: 'POST', headers: { ...auth, 'content-type': 'application/pdf' }, body: new Uint8Array(bytes) });
    return { status: response.status, body: await response.json() };
  };
  const full = { status: 503, body: { error: { type: 'service_unavailable', message: 'the server stores no more files now' } } };

  it('a declared Content-Length past the budget is 503 at once, before the body arrives, and holds nothing', async () => {
    // All but the last byte of a 10 MB body would be sent; the answer comes after the first 64 KiB.
    const upload = startUpload(target, { ...auth, 'content-type': 'application/pdf', 'content-length': String(operation.maxBytes) }, Buffer.alloc(64 * 1024));
    expect(await within(upload.outcome, 'the 503')).toEqual(full);
    upload.request.destroy();
    expect(budgeted.storedFiles()).toEqual({ files: 0, bytes: 0 });
    // The budget is whole again: a file that takes all of it fits.
    expect((await postHere(MiB - STORED_FILE_OVERHEAD_BYTES)).status).toBe(201);
  });

  it('a chunked body is counted as it arrives: 503 as soon as it passes the budget, not when it ends', async () => {
    const upload = startUpload(target, { ...auth, 'content-type': 'text/plain', 'transfer-encoding': 'chunked' }, Buffer.alloc(MiB + 1, 0x61));
    // The body never ends: only counting what arrived can answer it.
    expect(await within(upload.outcome, 'the 503')).toEqual(full);
    upload.request.destroy();
    expect(budgeted.storedFiles()).toEqual({ files: 0, bytes: 0 });
  });

  it('two uploads arriving together that would pass the budget: one is 503 at once, the other is stored', async () => {
    const size = 600 * 1024;
    const headers = { ...auth, 'content-type': 'application/pdf', 'content-length': String(size) };
    const uploads = [startUpload(target, headers, Buffer.alloc(1024)), startUpload(target, headers, Buffer.alloc(1024))];
    // Neither body is complete: the first answer is the refusal of the one counted second.
    const first = await within(Promise.race(uploads.map((upload, index) => upload.outcome.then((outcome) => ({ index, outcome })))), 'a first answer');
    expect(first.outcome).toEqual(full);
    const other = uploads[1 - first.index]!;
    other.request.end(Buffer.alloc(size - 1024));
    expect(await within(other.outcome, 'the other answer')).toMatchObject({ status: 201, body: { size } });
    uploads[first.index]!.request.destroy();
    expect(budgeted.storedFiles()).toEqual({ files: 1, bytes: size });
  });

  it('an upload that stalls is cut off after uploadIdleTimeoutMs without an answer, and its count is released', async () => {
    const size = 600 * 1024;
    const stalled = startUpload(target, { ...auth, 'content-type': 'application/pdf', 'content-length': String(size) }, Buffer.alloc(1024));
    expect(await within(stalled.outcome, 'the stalled upload cut off')).toEqual({ failed: expect.stringMatching(/socket hang up|ECONNRESET/) });
    expect(budgeted.storedFiles()).toEqual({ files: 0, bytes: 0 });
    // Its 600 KiB no longer count: another 600 KiB fits.
    expect((await postHere(size)).status).toBe(201);
  });

  it('an upload the client aborts releases its count', async () => {
    const size = 600 * 1024;
    const aborted = startUpload(target, { ...auth, 'content-type': 'application/pdf', 'content-length': String(size) }, Buffer.alloc(1024));
    // While it arrives, another 600 KiB does not fit.
    expect(await postHere(size)).toEqual(full);
    aborted.request.destroy();
    await aborted.outcome;
    // The server learns of the abort when it reads the socket: try until it did (bounded).
    let status = 0;
    for (let i = 0; i < 100 && status !== 201; i++) {
      status = (await postHere(size)).status;
      if (status !== 201) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(status).toBe(201);
    expect(budgeted.storedFiles()).toEqual({ files: 1, bytes: size });
  });
});

describe('the URL of an uploaded file', () => {
  /** Uploads a small file to 127.0.0.1:port with the given `Host` header; resolves with the answered URL. */
  function uploadWithHost(target: ReferenceServer, host: string): Promise<string> {
    const { token: bearer } = target.issueToken();
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port: target.port, path: `${operation.path}?licenseId=L1`, method: 'POST', headers: { host, authorization: `Bearer ${bearer}`, 'content-type': 'image/png' } },
        (response) => {
          let body = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          response.on('end', () => (response.statusCode === 201 ? resolve((JSON.parse(body) as { url: string }).url) : reject(new Error(`${response.statusCode}: ${body}`))));
        },
      );
      request.on('error', reject);
      request.end(png);
    });
  }

  it('on a wildcard host names the host the client reached (its Host header), and is served there', async () => {
    const wildcard = await createReferenceServer({ host: '0.0.0.0', port: 0, adminPort: 0, log: () => undefined });
    try {
      const id = '[0-9a-f-]{36}';
      expect(await uploadWithHost(wildcard, 'chat.example.test:8443')).toMatch(new RegExp(`^http://chat\\.example\\.test:8443${operation.path}/${id}$`));
      expect(await uploadWithHost(wildcard, '192.168.1.5')).toMatch(new RegExp(`^http://192\\.168\\.1\\.5${operation.path}/${id}$`));
      const reachable = await uploadWithHost(wildcard, `localhost:${wildcard.port}`);
      expect(reachable).toMatch(new RegExp(`^http://localhost:${wildcard.port}${operation.path}/${id}$`));
      expect(new Uint8Array(await (await fetch(reachable.replace('localhost', '127.0.0.1'))).arrayBuffer())).toEqual(png);
      // A Host header that is not a plain host[:port]: the server's own address, as before.
      const fallback = new RegExp(`^http://127\\.0\\.0\\.1:${wildcard.port}${operation.path}/${id}$`);
      // A bracketed IPv6 address too: the spec's file URLs take none.
      for (const host of ['evil.test/path', 'user@evil.test', 'evil.test:99999', '[not-ipv6]:80', 'a..b', '-x.test', '[::1]:9000', `[::1]:${wildcard.port}`]) {
        expect(await uploadWithHost(wildcard, host)).toMatch(fallback);
      }
    } finally {
      await wildcard.close();
    }
  });

  /** An upload to `address` (its Host header: that address and the port, as any client sends it). */
  function uploadTo(target: ReferenceServer, address: string): Promise<{ status: number; body: any }> {
    const { token: bearer } = target.issueToken();
    return new Promise((resolve, reject) => {
      const request = httpRequest({ host: address, port: target.port, path: `${operation.path}?licenseId=L1`, method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'image/png' } }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(body) }));
      });
      request.on('error', reject);
      request.end(png);
    });
  }

  const ipv6Skip = hasIPv6Loopback ? '' : ' (skipped: this machine has no IPv6 loopback ::1)';

  it.skipIf(!hasIPv6Loopback)(`on ::1 names localhost when that name leads to ::1 here, else refuses (500) rather than answer a URL the spec refuses${ipv6Skip}`, async () => {
    const onLoopback = await createReferenceServer({ host: '::1', port: 0, adminPort: 0, log: () => undefined });
    try {
      const answer = await uploadTo(onLoopback, '::1');
      // The hosts file decides what localhost is; many list 127.0.0.1 only, which ::1 does not listen on.
      const localhostLeadsThere = (await lookup('localhost', { all: true })).some((entry) => entry.address === '::1');
      if (localhostLeadsThere) {
        expect(answer.status).toBe(201);
        expect(isUploadedFile(answer.body)).toBe(true);
        expect(answer.body.url).toMatch(new RegExp(`^http://localhost:${onLoopback.port}${operation.path}/[0-9a-f-]{36}$`));
        expect(new Uint8Array(await (await fetch(answer.body.url)).arrayBuffer())).toEqual(png);
      } else {
        expect(answer).toEqual({ status: 500, body: { error: { type: 'internal', message: expect.stringMatching(/^the upload cannot be answered: its url http:\/\/\[::1\]:\d+\/v1\/files\/\S+ would break the spec's UploadedFile schema; the server listens on ::1 only and the name localhost does not lead there on this machine; start it with --host localhost, 127\.0\.0\.1 or ::/) } } });
        expect(isErrorResult(answer.body)).toBe(true);
        expect(onLoopback.storedFiles()).toEqual({ files: 0, bytes: 0 });
      }
    } finally {
      await onLoopback.close();
    }
  });

  it.skipIf(!hasIPv6Loopback)(`on another IPv6 address, which no file URL of the spec can name, refuses (500) and says what to do${ipv6Skip}`, async () => {
    // An IPv4-mapped address: an IPv6 literal that every machine with IPv6 can listen on.
    const onIPv6 = await createReferenceServer({ host: '::ffff:127.0.0.1', port: 0, adminPort: 0, log: () => undefined });
    try {
      expect(await uploadTo(onIPv6, '127.0.0.1')).toEqual({
        status: 500,
        body: { error: { type: 'internal', message: expect.stringMatching(/would break the spec's UploadedFile schema; the spec's file URLs take no IPv6 address and the server listens on ::ffff:127\.0\.0\.1 only; start it on a host name, an IPv4 address, ::1 or ::/) } },
      });
      expect(onIPv6.storedFiles()).toEqual({ files: 0, bytes: 0 });
    } finally {
      await onIPv6.close();
    }
  });

  it.skipIf(!hasIPv6Loopback)(`on the wildcard :: reached at [::1] names 127.0.0.1, which the spec takes and which serves the file${ipv6Skip}`, async () => {
    const wildcard = await createReferenceServer({ host: '::', port: 0, adminPort: 0, log: () => undefined });
    try {
      const answer = await uploadTo(wildcard, '::1');
      expect(answer.status).toBe(201);
      expect(isUploadedFile(answer.body)).toBe(true);
      expect(answer.body.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${wildcard.port}${operation.path}/[0-9a-f-]{36}$`));
      expect(new Uint8Array(await (await fetch(answer.body.url)).arrayBuffer())).toEqual(png);
    } finally {
      await wildcard.close();
    }
  });

  it('on a given host names that host, whatever the Host header says', async () => {
    const local = await createReferenceServer({ host: '127.0.0.1', port: 0, adminPort: 0, log: () => undefined });
    try {
      expect(await uploadWithHost(local, 'chat.example.test:8443')).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${local.port}${operation.path}/`));
    } finally {
      await local.close();
    }
  });
});

/** An answer over node:http, with what came before it and whether the connection was reused. */
interface Exchange {
  status: number;
  body: Buffer;
  /** The client got `100 Continue` (and only then sent the body, with `Expect: 100-continue`). */
  continued: boolean;
  reusedSocket: boolean;
}

/**
 * A request over node:http. With `expect: 100-continue` among the headers the body goes out only
 * after `100 Continue`, as curl sends it; a final answer that comes first ends the request unsent.
 */
function exchange(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer; agent?: Agent }): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, ...(options.agent === undefined ? {} : { agent: options.agent }) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks), continued, reusedSocket: request.reusedSocket });
        if (!request.writableEnded) request.destroy();
      });
    });
    request.on('error', reject);
    const waitsForContinue = Object.entries(options.headers ?? {}).some(([name, value]) => name.toLowerCase() === 'expect' && /100-continue/i.test(value));
    if (waitsForContinue) {
      request.on('continue', () => {
        continued = true;
        request.end(options.body);
      });
    } else {
      request.end(options.body);
    }
  });
}

describe('a request with an Upgrade header for another protocol is served as plain HTTP', () => {
  // What `curl --http2` sends on http://: an offer to switch to HTTP/2, which a server may ignore.
  const h2c = { connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAMAAABkAARAAAAAAAIAAAAA' };

  it('an upload and a download with Upgrade: h2c (curl --http2)', async () => {
    const uploaded = await exchange(uploadUrl(), { method: 'POST', headers: { ...h2c, authorization: `Bearer ${token}`, 'content-type': 'image/png', 'content-length': String(png.length) }, body: Buffer.from(png) });
    expect(uploaded.status).toBe(201);
    const answer: unknown = JSON.parse(uploaded.body.toString('utf8'));
    expect(isUploadedFile(answer)).toBe(true);
    expect(server.storedFiles()).toEqual({ files: 1, bytes: png.length });
    const downloaded = await exchange((answer as { url: string }).url, { headers: h2c });
    expect(downloaded.status).toBe(200);
    expect(new Uint8Array(downloaded.body)).toEqual(png);
  });

  it('a chunked upload with Upgrade: foo, then the next request on the same connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const headers = { connection: 'Upgrade', upgrade: 'foo', authorization: `Bearer ${token}`, 'content-type': 'text/plain', 'transfer-encoding': 'chunked' };
      const uploaded = await exchange(uploadUrl(), { method: 'POST', headers, body: Buffer.from('hello, chunked'), agent });
      expect(uploaded.status).toBe(201);
      const { url, size } = JSON.parse(uploaded.body.toString('utf8')) as { url: string; size: number };
      expect(size).toBe(14);
      const downloaded = await exchange(url, { agent });
      expect(downloaded).toMatchObject({ status: 200, reusedSocket: true });
      expect(downloaded.body.toString('utf8')).toBe('hello, chunked');
    } finally {
      agent.destroy();
    }
  });

  it('Upgrade: websocket, in any case, is still a WebSocket upgrade: on another path, 404', async () => {
    const answer = await exchange(`${base}${operation.path}/x`, { headers: { connection: 'Upgrade', upgrade: 'WebSocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    expect(answer.status).toBe(404);
    expect(answer.body.toString('utf8')).toMatch(/^no WebSocket endpoint at \/v1\/files\/x/);
  });
});

describe('an upload with Expect: 100-continue', () => {
  const expect100 = { expect: '100-continue' };

  it('gets 100 Continue once its headers pass every check, then sends its body', async () => {
    const answer = await exchange(uploadUrl(), { method: 'POST', headers: { ...expect100, authorization: `Bearer ${token}`, 'content-type': 'image/png', 'content-length': String(png.length) }, body: Buffer.from(png) });
    expect(answer).toMatchObject({ status: 201, continued: true });
    expect(server.storedFiles()).toEqual({ files: 1, bytes: png.length });
  });

  it.each([
    ['a token the server did not issue', { authorization: 'Bearer forged', 'content-type': 'image/png' }, 'licenseId=L1', 401],
    ['no licenseId', { 'content-type': 'image/png' }, 'name=a.png', 400],
    ['a content type the spec does not list', { 'content-type': 'application/x-msdownload' }, 'licenseId=L1', 415],
    ['a declared Content-Length over maxBytes', { 'content-type': 'image/png', 'content-length': String(operation.maxBytes + 1) }, 'licenseId=L1', 413],
  ])('refused on its headers (%s): the refusal comes instead of 100 Continue, and no body is sent', async (_, headers, query, status) => {
    const answer = await exchange(uploadUrl(query), { method: 'POST', headers: { ...expect100, authorization: `Bearer ${token}`, 'content-length': String(png.length), ...headers }, body: Buffer.from(png) });
    expect(answer).toMatchObject({ status, continued: false });
    expect(isErrorResult(JSON.parse(answer.body.toString('utf8')))).toBe(true);
    expect(server.storedFiles()).toEqual({ files: 0, bytes: 0 });
  });

  it('a request that reads no body (a download, the WebSocket endpoint) is answered at once, no 100 Continue, and its connection closes', async () => {
    for (const [method, path] of [['GET', `${operation.path}/00000000-0000-0000-0000-000000000000`], ['POST', '/v1/customer']] as const) {
      const socket = connect(server.port, '127.0.0.1');
      let received = '';
      socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n`);
      await within(closed, `the connection of ${path} closed after its answer`);
      expect(received).toMatch(/^HTTP\/1\.1 (404|426) /);
      expect(received).not.toMatch(/100 Continue/);
    }
  });

  it('refused on its declared length past maxStoredFileBytes (503): no 100 Continue, no body', async () => {
    const small = await createReferenceServer({ port: 0, adminPort: 0, log: () => undefined, maxStoredFileBytes: 1024 });
    try {
      const target = `${small.url.replace(/^ws/, 'http')}${operation.path}?licenseId=L1`;
      const headers = { ...expect100, authorization: `Bearer ${small.issueToken().token}`, 'content-type': 'application/pdf', 'content-length': '2048' };
      const answer = await exchange(target, { method: 'POST', headers, body: Buffer.alloc(2048) });
      expect(answer).toMatchObject({ status: 503, continued: false });
      expect(small.storedFiles()).toEqual({ files: 0, bytes: 0 });
    } finally {
      await small.close();
    }
  });
});
