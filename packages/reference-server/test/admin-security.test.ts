// The admin endpoint's gate and its OpenAPI document: loopback Host only (421), JSON bodies only
// (415), CORS for an allow-list of origins (403 for the others), the optional bearer token (401),
// bodies checked against the document's schemas ({ error: { message, pointer } }), and the document
// itself (served, in step with the routes and the protocol, shipped in the package).
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { adminApiDocumentCandidates, ADMIN_API_DOCUMENT_FILE, loadAdminApiDocument } from '../src/admin-api-document.js';
import { isLoopbackHost, parseOrigins } from '../src/admin-http.js';
import { createReferenceServer, disconnectionReasons, type ReferenceServer } from '../src/index.js';
import { useServer } from './helpers.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
}

/** One HTTP request with exactly the given headers (fetch would not let a test set Host). */
function raw(server: ReferenceServer, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.adminPort, method, path, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

describe('Host', () => {
  const h = useServer();

  it('answers a loopback name, with any port', async () => {
    for (const host of ['localhost', 'localhost:8788', '127.0.0.1', `127.0.0.1:${h.server.adminPort}`, '[::1]', '[::1]:1', 'LOCALHOST:3000']) {
      expect([host, (await raw(h.server, 'GET', '/', { host })).status]).toEqual([host, 200]);
    }
  });

  it('refuses any other name with 421 (DNS rebinding), before doing anything', async () => {
    for (const host of ['evil.example', 'evil.example:8788', 'localhost.evil.example', '127.0.0.1.nip.io', '127.0.0.2', '0.0.0.0:8788', '[::2]', 'localhost:x']) {
      const answer = await raw(h.server, 'POST', '/tokens', { host });
      expect([host, answer.status]).toEqual([host, 421]);
      expect(answer.json.error.message).toMatch(/localhost, 127\.0\.0\.1 or \[::1\]/);
    }
    expect(h.server.store.customers()).toEqual([]);
  });

  it('isLoopbackHost', () => {
    expect(isLoopbackHost(undefined)).toBe(false);
    expect(isLoopbackHost('')).toBe(false);
    expect(isLoopbackHost('127.0.0.1:65535')).toBe(true);
  });
});

describe('Content-Type', () => {
  const h = useServer();

  it('a body must be application/json: 415 otherwise, and nothing is done', async () => {
    for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/json-patch+json', 'application/json; charset=latin1']) {
      const headers: Record<string, string> = type === undefined ? {} : { 'content-type': type };
      const answer = await raw(h.server, 'POST', '/tokens', headers, '{"customerId":"c-1"}');
      expect([type, answer.status]).toEqual([type, 415]);
      expect(answer.json.error.message).toMatch(/Content-Type: application\/json/);
    }
    expect(h.server.store.customers()).toEqual([]);
    const accepted = await raw(h.server, 'POST', '/tokens', { 'content-type': 'Application/JSON; charset=UTF-8' }, '{"customerId":"c-1"}');
    expect(accepted.status).toBe(201);
    expect(accepted.json.customerId).toBe('c-1');
  });

  it('a request without a body needs none', async () => {
    expect((await raw(h.server, 'POST', '/tokens')).status).toBe(201);
    expect((await raw(h.server, 'POST', '/tokens', { 'content-type': 'text/plain' }, '')).status).toBe(201);
  });
});

describe('CORS', () => {
  const h = useServer();

  it('answers a preflight from a page on a local dev server', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'http://localhost', 'http://[::1]:8080']) {
      const answer = await raw(h.server, 'OPTIONS', '/tokens', {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      });
      expect([origin, answer.status]).toEqual([origin, 204]);
      expect(answer.headers['access-control-allow-origin']).toBe(origin);
      expect(answer.headers['access-control-allow-methods']).toMatch(/POST/);
      expect(String(answer.headers['access-control-allow-headers']).toLowerCase()).toContain('content-type');
      expect(answer.headers['vary']).toMatch(/Origin/);
    }
  });

  it("what the browser page's fetch sends works, and its answer carries the CORS header", async () => {
    const origin = 'http://localhost:5173';
    const answer = await raw(h.server, 'POST', '/tokens', { origin, ...JSON_TYPE }, '{}');
    expect(answer.status).toBe(201);
    expect(answer.json).toEqual({ token: expect.any(String), customerId: expect.any(String) });
    expect(answer.headers['access-control-allow-origin']).toBe(origin);
    // Errors too, so that the page can read them.
    const error = await raw(h.server, 'POST', '/tokens', { origin, ...JSON_TYPE }, '{"customerId":5}');
    expect(error.status).toBe(400);
    expect(error.headers['access-control-allow-origin']).toBe(origin);
  });

  it('grants Private Network Access when Chrome asks', async () => {
    const answer = await raw(h.server, 'OPTIONS', '/tokens', { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-private-network': 'true' });
    expect(answer.headers['access-control-allow-private-network']).toBe('true');
  });

  it('refuses any other origin with 403, preflight or not, and does nothing', async () => {
    for (const origin of ['https://evil.example', 'http://localhost.evil.example', 'https://localhost:5173', 'null', 'http://127.0.0.1.nip.io']) {
      const preflight = await raw(h.server, 'OPTIONS', '/tokens', { origin, 'access-control-request-method': 'POST' });
      expect([origin, preflight.status]).toEqual([origin, 403]);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      // A "simple" request needs no preflight in a browser: it is refused as well.
      const simple = await raw(h.server, 'POST', '/faults/drop', { origin });
      expect([origin, simple.status]).toEqual([origin, 403]);
    }
    expect(h.server.store.customers()).toEqual([]);
  });
});

describe('CORS allow-list option', () => {
  const h = useServer({ adminOrigins: ['https://app.example.test', 'http://dev.example.test:*'] });

  it('replaces the default list', async () => {
    const allowed = async (origin: string) => (await raw(h.server, 'OPTIONS', '/tokens', { origin, 'access-control-request-method': 'POST' })).status === 204;
    expect(await allowed('https://app.example.test')).toBe(true);
    expect(await allowed('http://dev.example.test:4000')).toBe(true);
    expect(await allowed('http://dev.example.test')).toBe(true);
    expect(await allowed('https://app.example.test:8443')).toBe(false);
    expect(await allowed('http://localhost:5173')).toBe(false);
    // Without an Origin (curl, a test, a server-side client) nothing changes.
    expect((await raw(h.server, 'POST', '/tokens')).status).toBe(201);
  });

  it('parseOrigins reads origins, any-port origins and *, and rejects the rest', () => {
    const check = parseOrigins(['http://localhost:*', 'https://a.example.test', 'null']);
    expect(check('http://localhost:1')).toBe(true);
    expect(check('https://a.example.test')).toBe(true);
    expect(check('null')).toBe(true);
    expect(check('https://localhost:1')).toBe(false);
    expect(check('https://a.example.test/path')).toBe(false);
    expect(parseOrigins(['*'])('https://anything.example')).toBe(true);
    expect(parseOrigins([])('http://localhost:3000')).toBe(false);
    for (const bad of ['localhost', 'ftp://x.example', 'https://a.example.test/', 'https://a.example.test/x', 'https://*.example.test', 'http://localhost:1:*']) {
      expect(() => parseOrigins([bad]), bad).toThrow(TypeError);
    }
  });

  it('a bad entry fails the start', async () => {
    await expect(createReferenceServer({ port: 0, adminPort: 0, adminOrigins: ['localhost:3000'] })).rejects.toThrow(/not an allowed-origin entry/);
  });
});

describe('admin token', () => {
  const TOKEN = 'a-long-random-admin-token';
  const h = useServer({ adminToken: TOKEN });

  it('every route needs Authorization: Bearer <token> (401 otherwise)', async () => {
    for (const [method, path] of [['GET', '/'], ['POST', '/tokens'], ['GET', '/customers'], ['GET', '/openapi.json'], ['POST', '/faults/drop'], ['GET', '/nope']] as const) {
      for (const authorization of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, 'Bearer']) {
        const answer = await raw(h.server, method, path, authorization === undefined ? {} : { authorization });
        expect([method, path, authorization, answer.status]).toEqual([method, path, authorization, 401]);
        expect(answer.headers['www-authenticate']).toMatch(/^Bearer /);
        expect(answer.json.error.message).toMatch(/Bearer/);
      }
    }
    expect(h.server.store.customers()).toEqual([]);
    const ok = await raw(h.server, 'POST', '/tokens', { authorization: `Bearer ${TOKEN}`, ...JSON_TYPE }, '{"customerId":"c-1"}');
    expect(ok.status).toBe(201);
    expect((await raw(h.server, 'GET', '/customers', { authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });

  it('a token that Authorization: Bearer cannot carry whole (a space, a character beyond visible ASCII) fails the start', async () => {
    for (const adminToken of ['my secret', 'sécret', 'tab\tbed', '']) {
      await expect(createReferenceServer({ port: 0, adminPort: 0, adminToken })).rejects.toThrow(
        new TypeError('adminToken must be visible ASCII characters without spaces, as Authorization: Bearer <token> carries them'),
      );
    }
    // Any visible ASCII works, punctuation included.
    const server = await createReferenceServer({ port: 0, adminPort: 0, adminToken: 's3cr3t!~+/=' });
    try {
      expect((await raw(server, 'GET', '/customers', { authorization: 'Bearer s3cr3t!~+/=' })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('a preflight needs none (browsers send it without credentials)', async () => {
    const answer = await raw(h.server, 'OPTIONS', '/tokens', { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' });
    expect(answer.status).toBe(204);
    expect(String(answer.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
  });
});

describe('bodies are checked against the OpenAPI document', () => {
  const h = useServer();

  it('answers { error: { message, pointer } } with 400', async () => {
    const cases: [string, string, string, string][] = [
      ['POST', '/tokens', '{"customerId":5}', '/customerId'],
      ['POST', '/tokens', '{"customerId":""}', '/customerId'],
      ['POST', '/tokens', '{"customer":"c-1"}', '/customer'],
      ['POST', '/tokens', '[1]', ''],
      ['POST', '/tokens', '{"customerId":', ''],
      ['POST', '/faults/delay', '{}', '/ms'],
      ['POST', '/faults/delay', '{"ms":-1}', '/ms'],
      ['POST', '/faults/raw', '{"customerId":"x","text":1}', '/text'],
      ['POST', '/customers/x/disconnect', '{"reason":"bored"}', '/reason'],
      ['PUT', '/agents/sam', '{"name":["Sam"]}', '/name'],
      ['POST', '/agents/sam/chats/c/threads', '{"events":[{"text":"no type"}]}', '/events/0/type'],
    ];
    for (const [method, path, body, pointer] of cases) {
      const answer = await raw(h.server, method, path, JSON_TYPE, body);
      expect([method, path, body, answer.status]).toEqual([method, path, body, 400]);
      expect(answer.json).toEqual({ error: { message: expect.any(String), pointer } });
    }
  });

  it('a body-less request to a route with a required body is checked as {}', async () => {
    expect((await raw(h.server, 'POST', '/faults/delay')).json).toEqual({ error: { message: 'body/ms is required', pointer: '/ms' } });
  });

  it('refuses a body over adminMaxBodyBytes with 413', async () => {
    const server = await createReferenceServer({ port: 0, adminPort: 0, adminMaxBodyBytes: 100 });
    try {
      expect((await raw(server, 'POST', '/tokens', JSON_TYPE, JSON.stringify({ customerId: 'x'.repeat(100) }))).status).toBe(413);
      expect((await raw(server, 'POST', '/tokens', JSON_TYPE, JSON.stringify({ customerId: 'x'.repeat(50) }))).status).toBe(201);
    } finally {
      await server.close();
    }
  });
});

describe('the OpenAPI document', () => {
  const h = useServer();
  const yamlText = readFileSync(adminApiDocumentCandidates()[1] ?? '', 'utf8');
  const document = parse(yamlText) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>>; components: { schemas: Record<string, any> } };

  it('is OpenAPI 3.1 and is served as JSON by GET /openapi.json', async () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    const served = await raw(h.server, 'GET', '/openapi.json');
    expect(served.status).toBe(200);
    // As written, but for its server: the address of the endpoint that served it.
    expect(served.json).toEqual({ ...document, servers: [{ url: h.server.adminUrl, description: expect.any(String) }] });
  });

  it('GET / lists exactly its operations, with their summaries and bodies', async () => {
    const listed = (await raw(h.server, 'GET', '/')).json.endpoints as { method: string; path: string; body?: string; description: string }[];
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'post', 'put'].includes(method))
        .map(([method]) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    expect(listed.map((e) => `${e.method} ${e.path}`)).toEqual(operations);
    expect(listed.find((e) => e.path === '/agents/:agentId/chats/:chatId/messages')).toEqual({
      method: 'POST',
      path: '/agents/:agentId/chats/:chatId/messages',
      body: '{ text, customId? }',
      description: 'The agent sends a message: new_event.',
    });
  });

  it("answers each operation with the document's 2xx status", async () => {
    const issued = await raw(h.server, 'POST', '/tokens');
    expect(issued.status).toBe(201);
    const byId = new Map(loadAdminApiDocument().operations.map((op) => [op.operationId, op]));
    expect(byId.get('issueToken')?.successStatus).toBe(201);
    expect(byId.get('listCustomers')?.successStatus).toBe(200);
  });

  it("names the protocol's disconnection reasons, all of them", () => {
    expect(document.components.schemas['DisconnectRequest'].properties.reason.enum).toEqual([...disconnectionReasons]);
  });

  it('ships in the package: the build copies it next to the bundles, where the server looks first', () => {
    const [inPackage, inRepository] = adminApiDocumentCandidates(new URL('file:///somewhere/node_modules/@customer-chat/reference-server/dist/index.js'));
    expect(inPackage).toBe(`/somewhere/node_modules/@customer-chat/reference-server/dist/${ADMIN_API_DOCUMENT_FILE}`);
    expect(inRepository).toBe(`/somewhere/node_modules/spec/${ADMIN_API_DOCUMENT_FILE}`);
    const tsup = readFileSync(new URL('../tsup.config.ts', import.meta.url), 'utf8');
    expect(tsup).toContain('copyFileSync(`../../spec/${ADMIN_API_DOCUMENT_FILE}`, `dist/${ADMIN_API_DOCUMENT_FILE}`)');
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { files: string[]; dependencies: Record<string, string> };
    expect(manifest.files).toContain('dist');
    expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(['ajv', 'yaml']));
  });
});
