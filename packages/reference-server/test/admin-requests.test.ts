// How the admin endpoint reads a request: its target as a path (`//tokens` is `/tokens`), HEAD
// wherever GET, a body declared too large refused before it is read, a client going away not
// logged as a failure, bodies that are not a UTF-8 JSON object refused, the served OpenAPI document
// naming this endpoint, and every status a route can answer declared in that document.
import { request, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadAdminApiDocument } from '../src/admin-api-document.js';
import { createAdminHttp } from '../src/admin-http.js';
import { createReferenceServer } from '../src/index.js';
import { useServer } from './helpers.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Sends the request line and headers at once; the body only when the test writes it. */
function open(port: number, method: string, path: string, headers: Record<string, string> = {}): { request: ClientRequest; answer: Promise<Answer> } {
  let sent!: ClientRequest;
  const answer = new Promise<Answer>((resolve, reject) => {
    sent = request({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
    });
    sent.on('error', reject);
  });
  sent.flushHeaders();
  return { request: sent, answer };
}

/** A whole request with its body. */
function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Answer> {
  const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
  const { request: sent, answer } = open(port, method, path, { ...headers, ...length });
  sent.end(body);
  return answer;
}

/** The promise, or a failure naming what never came (a bound on waiting, not a timing check). */
function within<T>(promise: Promise<T>, label: string, ms = 5000): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`never happened: ${label}`)), ms).unref())]);
}

const JSON_TYPE = { 'content-type': 'application/json' };

describe('the request target is a path', () => {
  const h = useServer();

  it('//tokens is /tokens: a base URL with a trailing slash works', async () => {
    const issued = await send(h.server.adminPort, 'POST', '//tokens');
    expect(issued.status).toBe(201);
    expect(JSON.parse(issued.text)).toEqual({ token: expect.any(String), customerId: expect.any(String) });
    // fetch keeps the double slash as well.
    expect((await fetch(`${h.server.adminUrl}//tokens`, { method: 'POST' })).status).toBe(201);
  });

  it('GET //customers lists the customers, not the endpoints', async () => {
    h.server.issueToken('c-1');
    const answer = await send(h.server.adminPort, 'GET', '//customers');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ customers: [expect.objectContaining({ id: 'c-1' })] });
    expect(JSON.parse((await send(h.server.adminPort, 'GET', '/a//b')).text).error.message).toMatch(/no endpoint GET \/a\/b;/);
  });

  it('is routed as sent: %2e%2e and .. are segments like any id, a backslash no separator (new URL would read them as steps)', async () => {
    // node:http sends the path as given; fetch (and curl without --path-as-is) would remove the dots.
    for (const path of ['/chats/%2e%2e', '/chats/..', '/chats/%2E.']) {
      const answer = await send(h.server.adminPort, 'GET', path);
      expect([path, answer.status, JSON.parse(answer.text).error?.type]).toEqual([path, 404, 'not_found']);
    }
    const backslash = await send(h.server.adminPort, 'GET', '/chats\\..');
    expect([backslash.status, JSON.parse(backslash.text).error.message]).toEqual([404, 'no endpoint GET /chats\\..; GET / lists them']);
    // A customer named .. (from code) is reached by its id.
    h.server.issueToken('..');
    const disconnected = await send(h.server.adminPort, 'POST', '/customers/%2e%2e/disconnect', JSON_TYPE, '{"reason":"inactivity_timeout"}');
    expect([disconnected.status, JSON.parse(disconnected.text)]).toEqual([200, { connections: 0 }]);
  });

  it('. and .. are refused as ids (400): HTTP clients remove such path segments, so they could never be addressed', async () => {
    for (const customerId of ['.', '..']) {
      const answer = await send(h.server.adminPort, 'POST', '/tokens', JSON_TYPE, JSON.stringify({ customerId }));
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text).error).toEqual({ message: expect.stringMatching(new RegExp(`^"${customerId.replace(/\./g, '\\.')}" cannot be a customer id of the admin endpoint: HTTP clients remove`)), pointer: '/customerId' });
    }
    for (const [method, path] of [['PUT', '/agents/%2e%2e'], ['PUT', '/agents/.'], ['POST', '/agents/%2e/chats/c/join']] as const) {
      const answer = await send(h.server.adminPort, method, path);
      expect([method, path, answer.status]).toEqual([method, path, 400]);
      expect(JSON.parse(answer.text).error.message).toMatch(/cannot be an agent id of the admin endpoint/);
    }
    expect(h.server.store.customers()).toEqual([]);
    expect([h.server.store.agent('.'), h.server.store.agent('..')]).toEqual([undefined, undefined]);
  });

  it('a request target that is not a path is 400 and names it', async () => {
    const answer = await send(h.server.adminPort, 'GET', '*');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.message).toBe('the request target "*" is not a path such as /tokens');
  });
});

describe('Expect: 100-continue', () => {
  const TOKEN = 'admin-secret';
  const h = useServer({ adminToken: TOKEN, adminMaxBodyBytes: 1024 });

  /** A request that sends its body only on `100 Continue` (as curl does); a final answer first leaves it unsent. */
  function expecting(method: string, path: string, headers: Record<string, string>, body: string): Promise<Answer & { continued: boolean }> {
    const { request: sent, answer } = open(h.server.adminPort, method, path, { expect: '100-continue', 'content-length': String(Buffer.byteLength(body)), ...headers });
    let continued = false;
    sent.on('continue', () => {
      continued = true;
      sent.end(body);
    });
    return answer.then((got) => {
      if (!sent.writableEnded) sent.destroy();
      return { ...got, continued };
    });
  }

  const auth = { authorization: `Bearer ${TOKEN}` };

  it.each([
    ['no admin token', 'POST', '/tokens', { ...JSON_TYPE }, 401],
    ['a Host that is not loopback', 'POST', '/tokens', { ...auth, ...JSON_TYPE, host: 'evil.example' }, 421],
    ['an origin not allowed', 'POST', '/tokens', { ...auth, ...JSON_TYPE, origin: 'https://evil.example' }, 403],
    ['no such route', 'POST', '/nope', { ...auth, ...JSON_TYPE }, 404],
    ['a method the route does not take', 'DELETE', '/tokens', { ...auth, ...JSON_TYPE }, 405],
    ['a declared Content-Length over adminMaxBodyBytes', 'POST', '/tokens', { ...auth, ...JSON_TYPE, 'content-length': '5000000' }, 413],
    ['a body that is not JSON', 'POST', '/tokens', { ...auth, 'content-type': 'text/plain' }, 415],
  ])('refused on its headers (%s): the refusal comes instead of 100 Continue, and no body is sent', async (_, method, path, headers, status) => {
    const answer = await within(expecting(method, path, headers, '{"customerId":"c-1"}'), 'the refusal');
    expect({ status: answer.status, continued: answer.continued }).toEqual({ status, continued: false });
    expect(JSON.parse(answer.text).error.message).toEqual(expect.any(String));
    expect(h.server.store.customers()).toEqual([]);
  });

  it('a request that passes every check gets 100 Continue, then sends its body', async () => {
    const answer = await within(expecting('POST', '/tokens', { ...auth, ...JSON_TYPE }, '{"customerId":"c-1"}'), 'the answer');
    expect({ status: answer.status, continued: answer.continued }).toEqual({ status: 201, continued: true });
    expect(JSON.parse(answer.text)).toEqual({ token: expect.any(String), customerId: 'c-1' });
  });
});

describe('HEAD', () => {
  const h = useServer();

  it('is served for every GET route: the headers of GET, no body', async () => {
    const gets = loadAdminApiDocument().operations.filter((op) => op.method === 'GET');
    expect(gets.length).toBeGreaterThanOrEqual(3);
    for (const op of gets) {
      const path = op.path.replace(/\{[^}]+\}/g, 'x');
      const got = await send(h.server.adminPort, 'GET', path);
      const head = await send(h.server.adminPort, 'HEAD', path);
      expect([path, head.status, head.text]).toEqual([path, got.status, '']);
      expect([path, head.headers['content-type'], head.headers['content-length']]).toEqual([path, got.headers['content-type'], String(Buffer.byteLength(got.text))]);
    }
  });

  it('Allow names HEAD with GET; a POST route does not take HEAD', async () => {
    const wrong = await send(h.server.adminPort, 'POST', '/customers');
    expect(wrong.status).toBe(405);
    expect(wrong.headers['allow']).toBe('GET, HEAD');
    const head = await send(h.server.adminPort, 'HEAD', '/tokens');
    expect(head.status).toBe(405);
    expect(head.headers['allow']).toBe('POST');
  });
});

describe('a body over adminMaxBodyBytes', () => {
  const h = useServer({ adminMaxBodyBytes: 100 });

  it('declared by Content-Length is 413 before any of it is sent, and the connection closes', async () => {
    const { request: sent, answer } = open(h.server.adminPort, 'POST', '/tokens', { ...JSON_TYPE, 'content-length': String(10 * 1024 * 1024) });
    const refused = await within(answer, 'the 413 before the body');
    sent.destroy();
    expect(refused.status).toBe(413);
    expect(refused.headers['connection']).toBe('close');
    expect(JSON.parse(refused.text).error.message).toMatch(/larger than 100 bytes/);
    expect(h.server.store.customers()).toEqual([]);
  });

  it('sent without a Content-Length is 413 as soon as it passes the limit, before it ends', async () => {
    const { request: sent, answer } = open(h.server.adminPort, 'POST', '/tokens', { ...JSON_TYPE, 'transfer-encoding': 'chunked' });
    sent.write(' '.repeat(101));
    const refused = await within(answer, 'the 413 before the body ends');
    sent.destroy();
    expect(refused.status).toBe(413);
    expect(h.server.store.customers()).toEqual([]);
  });
});

describe('bodies', () => {
  const h = useServer();

  it('null is not an object: 400', async () => {
    const answer = await send(h.server.adminPort, 'POST', '/tokens', JSON_TYPE, 'null');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({ error: { message: 'the body must be object', pointer: '' } });
    expect(h.server.store.customers()).toEqual([]);
  });

  it('bytes that are not UTF-8: 400, not U+FFFD', async () => {
    const body = Buffer.concat([Buffer.from('{"customerId":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const answer = await send(h.server.adminPort, 'POST', '/tokens', JSON_TYPE, body);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({ error: { message: 'the body is not valid UTF-8', pointer: '' } });
    expect(h.server.store.customers()).toEqual([]);
  });
});

describe('a client that goes away mid-body', () => {
  it('is not logged as a failure of the server', async () => {
    const reference = await createReferenceServer({ port: 0, adminPort: 0, log: () => undefined });
    const logged: unknown[] = [];
    const admin = createAdminHttp(reference, { origins: [], maxBodyBytes: 1000, log: (message, error) => logged.push([message, error]) });
    try {
      await new Promise<void>((resolve) => admin.listen(0, '127.0.0.1', resolve));
      const port = (admin.address() as AddressInfo).port;
      const serverSide = new Promise<{ closed: Promise<void> }>((resolve) => admin.once('request', (incoming) => resolve({ closed: new Promise((done) => incoming.once('close', () => done())) })));
      const { request: sent, answer } = open(port, 'POST', '/tokens', { ...JSON_TYPE, 'content-length': '100' });
      answer.catch(() => undefined);
      sent.write('{"customer');
      const { closed } = await within(serverSide, 'the request on the server');
      sent.destroy();
      await within(closed, 'the server seeing the request end');
      // What the server does about it runs right after the close: let it run.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(logged).toEqual([]);
    } finally {
      await new Promise((resolve) => admin.close(resolve));
      await reference.close();
    }
  });
});

describe('GET /openapi.json', () => {
  const h = useServer();

  it("names this endpoint's own address as its server", async () => {
    const served = JSON.parse((await send(h.server.adminPort, 'GET', '/openapi.json')).text) as { servers: { url: string }[] };
    expect(h.server.adminPort).not.toBe(8788);
    expect(served.servers).toEqual([{ url: h.server.adminUrl, description: expect.any(String) }]);
  });
});

describe('the statuses in the OpenAPI document', () => {
  const h = useServer();
  const { document, operations } = loadAdminApiDocument();
  const responsesOf = (path: string, method: string): string[] => {
    const item = (document['paths'] as Record<string, Record<string, { responses: Record<string, unknown> }>>)[path];
    return Object.keys(item?.[method.toLowerCase()]?.responses ?? {});
  };

  it("every operation declares what the gate can answer any request: 400, 401, 403, 405, 413, 415, 421", () => {
    const missing = operations.flatMap((op) => ['400', '401', '403', '405', '413', '415', '421'].filter((code) => !responsesOf(op.path, op.method).includes(code)).map((code) => `${op.method} ${op.path}: ${code}`));
    expect(missing).toEqual([]);
  });

  it('the statuses these requests get are declared by their operations', async () => {
    h.server.issueToken('c-1');
    const port = h.server.adminPort;
    const cases: [string, string, string, () => Promise<Answer>][] = [
      // An agent id that is a customer's.
      ['POST', '/agents/{agentId}/chats/{chatId}/join', '400', () => send(port, 'POST', '/agents/c-1/chats/x/join')],
      ['POST', '/agents/{agentId}/chats/{chatId}/join', '404', () => send(port, 'POST', '/agents/sam/chats/x/join')],
      ['GET', '/chats/{chatId}', '400', () => send(port, 'GET', '/chats/%zz')],
      ['GET', '/', '405', () => send(port, 'DELETE', '/')],
      ['GET', '/customers', '421', () => send(port, 'GET', '/customers', { host: 'evil.example' })],
      ['GET', '/customers', '403', () => send(port, 'GET', '/customers', { origin: 'https://evil.example' })],
      ['GET', '/customers', '415', () => send(port, 'GET', '/customers', {}, 'x')],
      ['POST', '/agents/{agentId}/chats/{chatId}/typing/start', '400', () => send(port, 'POST', '/agents/sam/chats/x/typing/start', JSON_TYPE, '{')],
    ];
    for (const [method, path, status, run] of cases) {
      const answer = await run();
      expect([method, path, String(answer.status)]).toEqual([method, path, status]);
      expect([method, path, responsesOf(path, method)]).toEqual([method, path, expect.arrayContaining([status])]);
    }
  });
});
