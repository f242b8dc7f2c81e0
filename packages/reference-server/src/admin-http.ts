// The admin endpoint: a small HTTP/JSON API (node:http, no framework) to issue tokens, drive agents,
// end sessions and inject faults from outside the process (a demo, curl, a test in another
// language, a page on a local dev server). Its routes and bodies are described once, in the OpenAPI
// document spec/admin-api.openapi.yaml (see admin-api-document.ts): this file serves the operations
// listed there, one handler per operationId, and checks bodies with the validators compiled from it.
//
// Every request goes through the same gate, in this order: a request target that is a path (400), a
// loopback Host (421 otherwise: DNS rebinding), an allowed Origin when there is one (403; allowed
// origins get CORS headers and preflights), the bearer token when the server has one (401), the
// route (404, 405; HEAD is served wherever GET is; routed on the path as sent), then for a body: its
// size (413, by its declared Content-Length before any byte is read), a JSON content type (415),
// UTF-8 JSON (400) and its schema (400). A request sent with `Expect: 100-continue` gets
// `100 Continue` only once the checks its headers allow passed.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Properties } from '@customer-chat/validators';
import { loadAdminApiDocument, type AdminOperation } from './admin-api-document.js';
import type { AgentDetails, AgentEventDraft, FileDraft, ReferenceAgent } from './agent.js';
import { ProtocolError } from './errors.js';
import type { Faults } from './faults.js';
import type { DisconnectionReason, ErrorType } from './gen/protocol.js';
import type { ChatStore } from './chat-store.js';
import { requestPath } from './request-target.js';

/** What the admin endpoint drives. */
export interface AdminApi {
  issueToken(customerId?: string): { token: string; customerId: string };
  agent(agentId: string, details?: AgentDetails): ReferenceAgent;
  disconnectCustomer(customerId: string, reason: DisconnectionReason): number;
  readonly faults: Faults;
  readonly store: ChatStore;
  connections(customerId?: string): number;
}

export interface AdminHttpOptions {
  /** When set, every request but a CORS preflight needs `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
  /** Origins allowed to call the endpoint from a browser page (see `parseOrigins`). */
  readonly origins: readonly string[];
  /** Largest request body in bytes. */
  readonly maxBodyBytes: number;
  /** Where unexpected failures are reported (not a client that goes away mid-request). */
  log(message: string, error?: unknown): void;
}

/** Pages on a local dev server, any port: the default CORS allow-list. */
export const DEFAULT_ADMIN_ORIGINS: readonly string[] = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

const MISDIRECTED = 421;

/** The client closed or reset its connection before its request was read: nothing to answer, nothing to log. */
class ClientGone extends Error {}

/** Errors of a request stream that mean the client went away, not that the server failed. */
const CLIENT_GONE_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED', 'EPIPE']);

function isClientGone(request: IncomingMessage, error: unknown): boolean {
  if (error instanceof ClientGone) return true;
  const code = (error as { code?: unknown } | undefined)?.code;
  return (request.destroyed && !request.complete) || (typeof code === 'string' && CLIENT_GONE_CODES.has(code));
}

class HttpError extends Error {
  readonly status: number;
  readonly pointer: string | undefined;
  constructor(status: number, message: string, pointer?: string) {
    super(message);
    this.status = status;
    this.pointer = pointer;
  }
}

/** HTTP status of each protocol error an admin action can end with. */
const STATUS_OF: Partial<Record<ErrorType, number>> = {
  validation: 400,
  authorization: 403,
  customer_banned: 403,
  not_found: 404,
  group_not_found: 404,
  chat_inactive: 409,
  service_unavailable: 503,
};

// ---- the gate ------------------------------------------------------------------------------

/** `localhost`, `127.0.0.1` or `[::1]`, with any port: the only names a page on this machine reaches us by without DNS tricks. */
const LOOPBACK_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;

export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host);
}

/** Decides whether an `Origin` may call the endpoint. */
export type OriginCheck = (origin: string) => boolean;

/**
 * Reads the allow-list: each entry is `*` (any origin), an origin (`https://app.example.test`,
 * `http://localhost:5173`, `null`) or an origin with any port (`http://localhost:*`). Throws on an
 * entry that is none of these.
 */
export function parseOrigins(entries: readonly string[]): OriginCheck {
  const exact = new Set<string>();
  const anyPort: { protocol: string; hostname: string }[] = [];
  let any = false;
  for (const entry of entries) {
    if (entry === '*') {
      any = true;
      continue;
    }
    if (entry === 'null') {
      exact.add('null');
      continue;
    }
    const wildcard = entry.endsWith(':*');
    const base = wildcard ? entry.slice(0, -2) : entry;
    const url = URL.canParse(base) ? new URL(base) : undefined;
    const isOrigin = url !== undefined && /^https?:$/.test(url.protocol) && url.username === '' && url.password === '' && url.pathname === '/' && !base.endsWith('/') && url.search === '' && url.hash === '' && !url.hostname.includes('*');
    if (!isOrigin || (wildcard && url.port !== '')) {
      throw new TypeError(`"${entry}" is not an allowed-origin entry: write an origin such as https://app.example.test or http://localhost:5173, http://localhost:* for any port, or * for any origin`);
    }
    if (wildcard) anyPort.push({ protocol: url.protocol, hostname: url.hostname });
    else exact.add(url.origin);
  }
  return (origin) => {
    if (any || exact.has(origin)) return true;
    // A browser sends the serialized origin: scheme, host and a port other than the default.
    const url = URL.canParse(origin) ? new URL(origin) : undefined;
    if (url === undefined || url.origin !== origin) return false;
    return anyPort.some((p) => p.protocol === url.protocol && p.hostname === url.hostname);
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * What an admin token may be: visible ASCII without spaces (RFC 6750's b64token, loosely). A space
 * would split the header, and other characters do not survive it as sent (Node reads header bytes
 * as Latin-1): such a token could never match.
 */
export function isAdminToken(token: unknown): token is string {
  return typeof token === 'string' && /^[\x21-\x7E]+$/.test(token);
}

/** What a refused admin token is told (the token itself is never repeated: it is a secret). */
export const ADMIN_TOKEN_RULE = 'visible ASCII characters without spaces, as Authorization: Bearer <token> carries them';

/** Compares `Authorization: Bearer <token>` in constant time. */
function hasToken(header: string | undefined, token: string): boolean {
  const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/** `application/json`, optionally with a UTF-8 charset. */
function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

// ---- bodies ----------------------------------------------------------------------------------

/** Refuses bytes that are not UTF-8 instead of turning them into U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function bodyTooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `the body is larger than ${maxBytes} bytes, the most the admin endpoint takes (--admin-max-body-bytes)`);
}

/** 415 for a body that is not sent as JSON. */
function notJson(request: IncomingMessage): HttpError {
  return new HttpError(415, `a body must be sent as Content-Type: application/json, not ${JSON.stringify(request.headers['content-type'] ?? '(none)')} (with curl: -H 'Content-Type: application/json')`);
}

/**
 * The body as JSON, or undefined when there is none (no bytes, or only white space).
 * `continueExpected`: the client sent `Expect: 100-continue` and waits for `100 Continue` before
 * its body; it gets it only once the headers passed every check, so a refused body is never sent.
 */
function readBody(request: IncomingMessage, response: ServerResponse, maxBytes: number, continueExpected: boolean): Promise<unknown> {
  // A body declared too large is refused before any of it is read.
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) return Promise.reject(bodyTooLarge(maxBytes));
  if (continueExpected) {
    if (declared > 0 && !isJsonContentType(request.headers['content-type'])) return Promise.reject(notJson(request));
    response.writeContinue();
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // A body without a Content-Length is refused as soon as it passes the limit.
      if (size > maxBytes) {
        request.pause();
        reject(bodyTooLarge(maxBytes));
      } else chunks.push(chunk);
    });
    request.on('error', reject);
    // Closed before its end: the client went away (without an error event on some Node versions).
    request.on('close', () => {
      if (!request.complete) reject(new ClientGone('the client went away before its body arrived'));
    });
    request.on('end', () => {
      if (size > maxBytes) return;
      if (size > 0 && !isJsonContentType(request.headers['content-type'])) return reject(notJson(request));
      let text: string;
      try {
        text = UTF8.decode(Buffer.concat(chunks)).trim();
      } catch {
        return reject(new HttpError(400, 'the body is not valid UTF-8', ''));
      }
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject(new HttpError(400, `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`, ''));
      }
    });
  });
}

// ---- routes ----------------------------------------------------------------------------------

type Params = Readonly<Record<string, string>>;
type Handler = (params: Params, body: unknown) => unknown;

function param(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined) throw new Error(`route without {${name}}`);
  return value;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * An id the admin endpoint takes, refused (400) when it is `.` or `..`: browsers, fetch and curl
 * remove such path segments (even as `%2e%2e`) before sending, so `/customers/../disconnect` would
 * never reach it. `pointer`: where it is in the body, when it came in one.
 */
function addressableId(kind: 'agent' | 'customer', id: string, pointer?: string): string {
  if (id === '.' || id === '..') {
    throw new HttpError(400, `"${id}" cannot be ${kind === 'agent' ? 'an' : 'a'} ${kind} id of the admin endpoint: HTTP clients remove "." and ".." path segments (even percent-encoded), so /${kind}s/${id}/... could not be reached; pick another id`, pointer);
  }
  return id;
}

/** The bodies as their schemas in the document describe them (ajv checked them before a handler runs). */
interface Bodies {
  issueToken: { customerId?: string } | undefined;
  disconnectCustomer: { reason: DisconnectionReason };
  putAgent: AgentDetails | undefined;
  sendMessage: { text: string; customId?: string };
  sendFile: FileDraft;
  sendEvent: AgentEventDraft;
  properties: { properties: Properties };
  readChat: { timestamp?: number } | undefined;
  startThread: { events?: AgentEventDraft[] } | undefined;
  dropConnections: { customerId?: string } | undefined;
  setReplyDelay: { ms: number };
  sendRaw: { customerId: string; text: string };
}

/** One handler per operationId of the document; the answer is sent with the operation's 2xx status. */
function handlers(api: AdminApi, listing: () => unknown, document: () => unknown): Record<string, Handler> {
  const agentId = (params: Params) => addressableId('agent', param(params, 'agentId'));
  const agentOf = (params: Params) => api.agent(agentId(params));
  const chat = (params: Params) => param(params, 'chatId');
  const as = <K extends keyof Bodies>(body: unknown) => body as Bodies[K];
  return {
    listEndpoints: () => ({ endpoints: listing() }),
    getOpenApiDocument: () => document(),
    issueToken: (_, body) => {
      const customerId = as<'issueToken'>(body)?.customerId;
      return api.issueToken(customerId === undefined ? undefined : addressableId('customer', customerId, '/customerId'));
    },
    listCustomers: () => ({
      customers: api.store.customers().map((c) => ({ ...c, connections: api.connections(c.id), chats: api.store.chatIdsOf(c.id) })),
    }),
    getChat: (params) => {
      const found = api.store.chat(chat(params));
      return { chat: found, threads: api.store.threads(found.id, found.threads), sneakPeeks: api.store.sneakPeeks(found.id) };
    },
    disconnectCustomer: (params, body) => ({ connections: api.disconnectCustomer(param(params, 'customerId'), as<'disconnectCustomer'>(body).reason) }),
    putAgent: (params, body) => {
      const given = as<'putAgent'>(body) ?? {};
      const details: AgentDetails = { ...optional('name', given.name), ...optional('email', given.email), ...optional('avatar', given.avatar) };
      return { agent: api.agent(agentId(params), details).user };
    },
    joinChat: (p) => ({ joined: agentOf(p).joinChat(chat(p)) }),
    leaveChat: (p) => ({ left: agentOf(p).leaveChat(chat(p)) }),
    sendMessage: (p, body) => {
      const { text, customId } = as<'sendMessage'>(body);
      return { event: agentOf(p).sendMessage(chat(p), text, optional('customId', customId)) };
    },
    sendFile: (p, body) => ({ event: agentOf(p).sendFile(chat(p), as<'sendFile'>(body)) }),
    sendEvent: (p, body) => ({ event: agentOf(p).sendEvent(chat(p), as<'sendEvent'>(body)) }),
    startTyping: (p) => (agentOf(p).startTyping(chat(p)), {}),
    stopTyping: (p) => (agentOf(p).stopTyping(chat(p)), {}),
    closeThread: (p) => ({ thread: agentOf(p).closeThread(chat(p)) }),
    updateChatProperties: (p, body) => (agentOf(p).updateChatProperties(chat(p), as<'properties'>(body).properties), {}),
    updateThreadProperties: (p, body) => (agentOf(p).updateThreadProperties(chat(p), param(p, 'threadId'), as<'properties'>(body).properties), {}),
    readChat: (p, body) => ({ timestamp: agentOf(p).readChat(chat(p), as<'readChat'>(body)?.timestamp) }),
    startThread: (p, body) => ({ thread: agentOf(p).startThread(chat(p), optional('events', as<'startThread'>(body)?.events)) }),
    dropConnections: (_, body) => ({ dropped: api.faults.dropConnections(as<'dropConnections'>(body)?.customerId) }),
    setReplyDelay: (_, body) => {
      api.faults.setReplyDelay(as<'setReplyDelay'>(body).ms);
      return { replyDelayMs: api.faults.replyDelayMs };
    },
    sendRaw: (_, body) => {
      const { customerId, text } = as<'sendRaw'>(body);
      return { sent: api.faults.sendRaw(customerId, text) };
    },
  };
}

interface Route {
  readonly operation: AdminOperation;
  /** Path segments; `{name}` segments capture. */
  readonly segments: readonly string[];
  readonly handle: Handler;
}

/** Matches a path against a route (`{name}` segments capture, URL-decoded). */
function match(route: Route, path: string): Params | undefined {
  const got = path.split('/');
  if (route.segments.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of route.segments.entries()) {
    const actual = got[i] ?? '';
    if (segment.startsWith('{') && segment.endsWith('}')) {
      if (actual === '') return undefined;
      try {
        params[segment.slice(1, -1)] = decodeURIComponent(actual);
      } catch {
        throw new HttpError(400, `bad percent-encoding in ${path}`);
      }
    } else if (segment !== actual) return undefined;
  }
  return params;
}

// ---- the server ------------------------------------------------------------------------------

/** Sends JSON (for HEAD, Node sends the headers only). */
function send(response: ServerResponse, status: number, json: unknown): void {
  let text: string;
  try {
    text = JSON.stringify(json);
  } catch {
    status = 500;
    text = JSON.stringify({ error: { message: 'the answer cannot be written as JSON' } });
  }
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store' }).end(text);
}

function sendError(request: IncomingMessage, response: ServerResponse, status: number, error: { message: string; pointer?: string | undefined; type?: string | undefined }): void {
  // A body still on its way is not read (it may be huge): the connection closes once the answer is out.
  if (!request.complete) {
    response.setHeader('connection', 'close');
    response.on('finish', () => request.destroy());
  }
  send(response, status, { error: { message: error.message, ...optional('pointer', error.pointer), ...optional('type', error.type) } });
}

/** The method a route is looked up by: HEAD is GET without the body. */
function routeMethod(method: string | undefined): string {
  return method === 'HEAD' ? 'GET' : (method ?? '');
}

/** The methods a path takes, for `Allow`: HEAD wherever GET. */
function allowedMethods(methods: readonly string[]): string[] {
  return methods.flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method]));
}

export function createAdminHttp(api: AdminApi, options: AdminHttpOptions): Server {
  const { document, operations } = loadAdminApiDocument();
  const originAllowed = parseOrigins(options.origins);
  const token = options.token;

  const listing = () =>
    operations.map(({ method, path, bodySummary, summary }) => ({
      method,
      path: path.replace(/\{([^}]+)\}/g, ':$1'),
      ...optional('body', bodySummary),
      description: summary,
    }));
  // Served with this endpoint's own address, so that a client generated from it reaches this server.
  const servedDocument = () => {
    const address = server.address() as AddressInfo | null;
    if (address === null) return document;
    return { ...document, servers: [{ url: `http://127.0.0.1:${address.port}`, description: 'This admin endpoint (the one that served this document).' }] };
  };
  const table = handlers(api, listing, servedDocument);
  const missing = operations.filter((op) => !Object.hasOwn(table, op.operationId)).map((op) => op.operationId);
  const unused = Object.keys(table).filter((id) => !operations.some((op) => op.operationId === id));
  if (missing.length > 0 || unused.length > 0) {
    throw new Error(`the admin API document and the server disagree: no handler for ${missing.join(', ') || '-'}; not in the document: ${unused.join(', ') || '-'}`);
  }
  const routes: Route[] = operations.map((operation) => ({ operation, segments: operation.path.split('/'), handle: table[operation.operationId] as Handler }));
  const methods = allowedMethods([...new Set(operations.map((op) => op.method))]);

  function preflight(request: IncomingMessage, response: ServerResponse, origin: string | undefined): void {
    const headers: Record<string, string> = { allow: [...methods, 'OPTIONS'].join(', ') };
    if (origin !== undefined) {
      headers['access-control-allow-methods'] = methods.join(', ');
      headers['access-control-allow-headers'] = 'Content-Type, Authorization';
      headers['access-control-max-age'] = '600';
      // Chrome's Private Network Access asks before a public page reaches a loopback address.
      if (request.headers['access-control-request-private-network'] === 'true') headers['access-control-allow-private-network'] = 'true';
    }
    response.writeHead(204, headers).end();
  }

  async function handle(request: IncomingMessage, response: ServerResponse, continueExpected: boolean): Promise<void> {
    response.setHeader('vary', 'Origin');
    // Routed on the path as sent: an id may be any segment (`%2e%2e` is the id `..`, not a step up).
    const sentPath = requestPath(request.url);
    if (sentPath === undefined) throw new HttpError(400, `the request target ${JSON.stringify(request.url ?? '')} is not a path such as /tokens`);
    const host = request.headers.host;
    if (!isLoopbackHost(host)) {
      throw new HttpError(MISDIRECTED, `the admin endpoint only answers requests for localhost, 127.0.0.1 or [::1], not for Host ${JSON.stringify(host ?? '')}`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (!originAllowed(origin)) throw new HttpError(403, `pages from ${origin} may not call the admin endpoint (allowed origins: --admin-origins)`);
      response.setHeader('access-control-allow-origin', origin);
    }
    if (request.method === 'OPTIONS') return preflight(request, response, origin);
    if (token !== undefined && !hasToken(request.headers.authorization, token)) {
      response.setHeader('www-authenticate', 'Bearer realm="customer-chat reference server admin"');
      throw new HttpError(401, 'this admin endpoint needs Authorization: Bearer <the --admin-token the server was started with>');
    }

    const path = sentPath.replace(/(.)\/+$/, '$1');
    const candidates = routes.map((route) => ({ route, params: match(route, path) })).filter((c) => c.params !== undefined);
    if (candidates.length === 0) throw new HttpError(404, `no endpoint ${request.method ?? ''} ${path}; GET / lists them`);
    const found = candidates.find((c) => c.route.operation.method === routeMethod(request.method));
    if (found === undefined) {
      const allow = allowedMethods(candidates.map((c) => c.route.operation.method)).join(', ');
      response.setHeader('allow', allow);
      throw new HttpError(405, `${path} does not take ${request.method ?? ''}; it takes ${allow}`);
    }

    const body = await readBody(request, response, options.maxBodyBytes, continueExpected);
    const { operation, handle: run } = found.route;
    let checked: unknown;
    if (operation.validateBody !== undefined) {
      // No body is the same as `{}`: the schema says what is required. A body `null` is not.
      checked = body === undefined ? {} : body;
      const issue = operation.validateBody(checked);
      if (issue !== undefined) throw new HttpError(400, issue.message, issue.pointer);
    }
    send(response, operation.successStatus, run(found.params ?? {}, checked));
  }

  function serve(request: IncomingMessage, response: ServerResponse, continueExpected = false): void {
    handle(request, response, continueExpected).catch((error: unknown) => {
      if (error instanceof HttpError) return sendError(request, response, error.status, { message: error.message, pointer: error.pointer });
      if (error instanceof ProtocolError) return sendError(request, response, STATUS_OF[error.type] ?? 500, { message: error.message, pointer: error.pointer, type: error.type });
      // A client that went away mid-request is not a failure of the server, and has nobody to answer.
      if (isClientGone(request, error)) return;
      options.log('admin request failed', error);
      sendError(request, response, 500, { message: error instanceof Error ? error.message : 'internal error' });
    });
  }
  const server = createServer((request, response) => serve(request, response));
  // `Expect: 100-continue`: Node would send `100 Continue` before any check; here the gate runs first
  // and a refusal (401, 404, 413...) comes instead of it, so a refused body is never sent.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => serve(request, response, true));
  return server;
}
