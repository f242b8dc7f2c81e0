// The reference server: a WebSocket endpoint on the spec's channel address, the in-memory state,
// tokens, agents, fault injection and the admin HTTP endpoint, wired together.
import type { EventEmitter } from 'node:events';
import { lookup } from 'node:dns/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIPv6, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { serveWithoutUpgrade, wantsWebSocket } from '@customer-chat/http-upgrade';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { ADMIN_TOKEN_RULE, createAdminHttp, DEFAULT_ADMIN_ORIGINS, isAdminToken } from './admin-http.js';
import { createAgent, type AgentDetails, type ReferenceAgent } from './agent.js';
import { createDispatch } from './dispatch.js';
import { ProtocolError, type OutgoingViolation } from './errors.js';
import { createFaults, type Faults } from './faults.js';
import { channel, httpOperations, type DisconnectionReason } from './gen/protocol.js';
import { createHandlers } from './handlers.js';
import { startHeartbeat } from './heartbeat.js';
import { FairScheduler } from './scheduler.js';
import { SessionRegistry, type Session } from './sessions.js';
import { ChatStore } from './chat-store.js';
import { TokenRegistry } from './tokens.js';
import { createUploads, isSpecFileUrl } from './uploads.js';
import { parseRequestTarget } from './request-target.js';
import type { ProtocolBreaks } from './protocol-breaks.js';

export interface ReferenceServerOptions {
  /**
   * Interface of the WebSocket endpoint (and of the file upload). Default `127.0.0.1`. On a wildcard
   * address (`0.0.0.0`, `::`) the URL of an uploaded file names the host of the upload's `Host` header
   * (not an IPv6 address: the spec's file URLs take none). On `::1` it names `localhost` when that
   * name leads to ::1 here; on any other IPv6 address (or ::1 without such a name) uploads are
   * answered 500, since no URL the spec takes would name the server.
   */
  host?: string;
  /** Port of the WebSocket endpoint; 0 picks a free one. Default 8787. */
  port?: number;
  /** Port of the admin HTTP endpoint (always on 127.0.0.1); 0 picks a free one. Default `port + 1` (0 when `port` is 0; give it with port 65535). */
  adminPort?: number;
  /** Largest accepted frame in bytes; a larger one closes the socket with code 1009. Default 64 KiB. */
  maxFrameBytes?: number;
  /**
   * The most bytes a connection may have waiting to be sent (ws `bufferedAmount`); a frame that
   * would take it past this closes the connection with code 1008 instead. Default 4 MiB.
   */
  maxUnsentBytes?: number;
  /**
   * The most bytes all connections together may have waiting to be sent; past it, the connections
   * holding the most are cut off (closed with 1008 and terminated) until the rest fits. Default 16 MiB.
   */
  maxTotalUnsentBytes?: number;
  /**
   * The most requests of one connection waiting for their answer; more are answered
   * `pending_requests_limit_reached`. Default 100. Before its login succeeded, a connection may have
   * at most 4 (the login and three more: a client may pipeline its first requests behind it).
   */
  maxPendingRequests?: number;
  /** The most connections one customer may have logged in; the next login ends its connection with `too_many_connections`. Default 16. */
  maxConnectionsPerCustomer?: number;
  /** The most connections not logged in at once; the next one is ended with `too_many_unauthorized_connections`. Default 1000. */
  maxUnauthenticatedConnections?: number;
  /**
   * Ping every connection this often (ms); one that missed the previous pong is ended with
   * `connection_lost`. 0: never; else at least 100 (a RangeError otherwise: a
   * shorter interval cuts off healthy clients). Default 30000.
   */
  heartbeatIntervalMs?: number;
  /** A connection not logged in this long (ms) after opening is ended with `inactivity_timeout`. 0: never. Default 30000. */
  loginTimeoutMs?: number;
  /**
   * When set, every admin request (CORS preflights excepted) needs `Authorization: Bearer <adminToken>`;
   * 401 otherwise. Visible ASCII without spaces (a TypeError otherwise): nothing else can match.
   */
  adminToken?: string;
  /**
   * Origins whose pages may call the admin endpoint (CORS); a request with another `Origin` is
   * answered 403. An entry is an origin (`https://app.example.test`), an origin with any port
   * (`http://localhost:*`) or `*` (any). Default: any port of http://localhost, http://127.0.0.1 and http://[::1].
   */
  adminOrigins?: readonly string[];
  /** Largest admin request body in bytes; a larger one is answered 413. Default 1 MiB. */
  adminMaxBodyBytes?: number;
  /**
   * The most bytes all uploaded files (`x-http` uploadFile, kept in memory) and the uploads still
   * arriving (their declared `Content-Length`, or what arrived) may take, each file counting 1024
   * bytes and 2 per character of its name besides its body; an upload past it is answered 503. Default 256 MiB.
   */
  maxStoredFileBytes?: number;
  /**
   * The most bytes the chats, customers and agents the server keeps may take (in memory), counted
   * from above (ChatStore `storedBytes`: 2 bytes per character of their text, 1024 per record, 128
   * per property or custom field); a request that would store more is answered `service_unavailable`
   * and stores nothing (an admin action: 503). Default 256 MiB.
   */
  maxStoredChatBytes?: number;
  /** An upload whose body sends no byte this long (ms) is cut off (its connection closed, nothing stored). 0: never. Default 30000. */
  uploadIdleTimeoutMs?: number;
  /** Check every outgoing frame against the spec; a violation is recorded, logged and thrown. Default false. */
  validateOutgoing?: boolean;
  /** The customer a login token belongs to (undefined: `authentication` error). Default: tokens from `issueToken`. */
  authenticate?: (token: string) => string | undefined | Promise<string | undefined>;
  /** Delay of every reply in ms (see `faults.setReplyDelay`). Default 0. */
  replyDelayMs?: number;
  /** Agent groups `start_chat` may name in `scope.groups`. Default `[0]`. */
  groups?: readonly number[];
  /** When given, a connection with another `licenseId` is ended with `customer_disconnected` (`license_not_found`). */
  licenseIds?: readonly string[];
  /**
   * Breaks the protocol on purpose, one rule per option (test-only: for proving that conformance
   * tools catch each violation). Outgoing frames are broken after `validateOutgoing` checked them.
   */
  protocolBreaks?: ProtocolBreaks;
  /** Where unexpected failures and spec violations are reported. Default `console.error`. */
  log?: (message: string, error?: unknown) => void;
}

export interface ReferenceServer {
  /** WebSocket base URL, e.g. `ws://127.0.0.1:8787`. */
  readonly url: string;
  /** Admin HTTP base URL, e.g. `http://127.0.0.1:8788`. */
  readonly adminUrl: string;
  readonly port: number;
  readonly adminPort: number;
  /** The full socket URL for a license: `ws://127.0.0.1:8787/v1/customer?licenseId=...`. */
  socketUrl(licenseId?: string): string;
  /** A token for a customer (created when needed; a new customer with a random id when none is given). */
  issueToken(customerId?: string): { token: string; customerId: string };
  /** An agent (created on first use; given details replace the stored ones). */
  agent(agentId: string, details?: AgentDetails): ReferenceAgent;
  /** Ends every connection of a customer with `customer_disconnected`; `customer_banned` also bans the customer. */
  disconnectCustomer(customerId: string, reason: DisconnectionReason): number;
  /** How many connections are open (of one customer, or in all). */
  connections(customerId?: string): number;
  readonly faults: Faults;
  /** How many uploaded files the server keeps (in memory), and their bytes. */
  storedFiles(): { files: number; bytes: number };
  /** The in-memory state (read it in tests; change it through requests and agents). */
  readonly store: ChatStore;
  /** Outgoing frames that broke the spec (with `validateOutgoing`); empty when all is well. */
  readonly violations: readonly OutgoingViolation[];
  /** Closes every connection (code 1001) and both endpoints. */
  close(): Promise<void>;
}

/** The WebSocket port when none is given. */
export const DEFAULT_PORT = 8787;
/** The query parameter naming the license (a compile error if the spec's channel stops requiring it). */
const LICENSE_PARAM: (typeof channel.query)[number] = 'licenseId';
/** The default of every limit (README: "Limits"). */
export const DEFAULT_LIMITS = {
  maxFrameBytes: 64 * 1024,
  maxUnsentBytes: 4 * 1024 * 1024,
  maxTotalUnsentBytes: 16 * 1024 * 1024,
  maxPendingRequests: 100,
  maxConnectionsPerCustomer: 16,
  maxUnauthenticatedConnections: 1000,
  heartbeatIntervalMs: 30_000,
  loginTimeoutMs: 30_000,
  adminMaxBodyBytes: 1024 * 1024,
  maxStoredFileBytes: 256 * 1024 * 1024,
  maxStoredChatBytes: 256 * 1024 * 1024,
  uploadIdleTimeoutMs: 30_000,
} as const;
export type LimitName = keyof typeof DEFAULT_LIMITS;
/** Limits that 0 turns off (time limits); the others are at least 1. */
const ZERO_TURNS_OFF: ReadonlySet<LimitName> = new Set(['heartbeatIntervalMs', 'loginTimeoutMs', 'uploadIdleTimeoutMs']);
/**
 * The most requests a connection that has not logged in may have waiting (the login being handled
 * and three more, for a client that pipelines its first requests behind it); more are answered
 * `pending_requests_limit_reached` at once, as over `maxPendingRequests`.
 */
const MAX_PENDING_BEFORE_LOGIN = 4;
/** setTimeout cannot wait longer than 2^31-1 ms. */
const MAX_TIMER_MS = 2_147_483_647;
const GOING_AWAY = 1001;
const MESSAGE_TOO_BIG = 1009;
/** How long ws waits for a peer to answer a close frame before it destroys the socket. */
const CLOSE_TIMEOUT_MS = 5000;

/**
 * The shortest heartbeat interval (ms) but 0 (off). A connection is ended when the pong to one ping
 * has not come back by the next tick: a healthy client needs the round trip plus a few turns of
 * both event loops, which a busy machine (a test run, a GC pause) stretches to tens of ms. 1-5 ms
 * cut healthy clients off; 100 ms leaves them room and still lets tests see a dead peer quickly.
 */
export const MIN_HEARTBEAT_INTERVAL_MS = 100;

/** A limit option: its default when left out, else a whole number in range (a RangeError otherwise). */
function limitOf(options: ReferenceServerOptions, name: LimitName): number {
  const value = options[name];
  if (value === undefined) return DEFAULT_LIMITS[name];
  const min = ZERO_TURNS_OFF.has(name) ? 0 : 1;
  const max = name.endsWith('Ms') ? MAX_TIMER_MS : Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, not ${String(value)}`);
  }
  if (name === 'heartbeatIntervalMs' && value !== 0 && value < MIN_HEARTBEAT_INTERVAL_MS) {
    throw new RangeError(`${name} must be 0 (no heartbeat) or from ${MIN_HEARTBEAT_INTERVAL_MS} to ${max}, not ${value}: a shorter interval cuts off healthy clients whose pong is still on its way`);
  }
  return value;
}

const MAX_PORT = 65535;

/** A port option: a whole number from 0 to 65535 (a RangeError otherwise). */
function checkPort(name: 'port' | 'adminPort', value: number): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_PORT) throw new RangeError(`${name} must be a whole number from 0 to ${MAX_PORT}, not ${String(value)}`);
  return value;
}

/** `adminPort`, or its default: `port + 1` (0 when `port` is 0), which must be a port too. */
function adminPortOf(options: ReferenceServerOptions, port: number): number {
  if (options.adminPort !== undefined) return checkPort('adminPort', options.adminPort);
  if (port === 0) return 0;
  if (port + 1 > MAX_PORT) throw new RangeError(`adminPort defaults to port + 1 = ${port + 1}, which is not a port; pass adminPort`);
  return port + 1;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** An address that listens on every interface: `0.0.0.0`, `::` (or `::0`...), or none. */
function isWildcard(host: string): boolean {
  return host === '' || host === '0.0.0.0' || (isIPv6(host) && /^[0:]+$/.test(host));
}

function hostForUrl(host: string): string {
  if (isWildcard(host)) return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** `::1` in any of its spellings (`0:0:0:0:0:0:0:1`...). */
function isIPv6Loopback(address: string): boolean {
  const url = `http://[${address}]/`;
  return isIPv6(address) && URL.canParse(url) && new URL(url).hostname === '[::1]';
}

/** Whether the name `localhost` leads to ::1 on this machine (the hosts file decides; many list 127.0.0.1 only). */
async function localhostLeadsToIPv6Loopback(): Promise<boolean> {
  try {
    return (await lookup('localhost', { all: true })).some((entry) => entry.family === 6 && isIPv6Loopback(entry.address));
  } catch {
    return false;
  }
}

/**
 * The host the URL of an uploaded file names, when no `Host` header is taken. The spec's file URLs
 * (its `httpUrl` pattern) take no IPv6 literal: ::1 is named `localhost` when that name leads to it
 * here; another IPv6 address stays bracketed, and the upload refuses to answer with it.
 */
async function fileUrlHost(host: string): Promise<string> {
  if (isIPv6Loopback(host) && (await localhostLeadsToIPv6Loopback())) return 'localhost';
  return hostForUrl(host);
}

/** A DNS name or IPv4 address (`chat.example.test`, `192.168.1.5`), or an IPv6 address in brackets; then an optional port. */
const HOST_HEADER = /^(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?|\[([0-9A-Fa-f:.]+)\])(?::(\d{1,5}))?$/;

/**
 * The request's `Host` header when it is a host and an optional port and nothing else (no path,
 * user info or spaces), else undefined.
 */
function validHostHeader(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 261) return undefined;
  const match = HOST_HEADER.exec(value);
  if (match === null) return undefined;
  const [, ipv6, port] = match;
  if (ipv6 !== undefined && !isIPv6(ipv6)) return undefined;
  if (port !== undefined && Number(port) > 65535) return undefined;
  return value.toLowerCase();
}

/**
 * Answers a rejected upgrade with a plain HTTP error and drops the socket. Destroyed once the
 * answer is written, as ws does: `end()` alone half-closes it, and no HTTP timeout watches a socket
 * after its upgrade, so a client that never closes its side would hold it (and `close()`) for ever.
 */
function rejectUpgrade(socket: Duplex, status: number, reason: string, body: string): void {
  socket.on('error', () => {});
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/**
 * ws closes a connection whose frame exceeds `maxPayload` with 1009 but no reason. Its receiver is
 * not public API, so this is feature-detected: when present, the close gets a reason a person can
 * read; otherwise ws's own bare 1009 close still happens.
 */
function explainOversizeFrames(socket: WebSocket, maxFrameBytes: number): void {
  const receiver = (socket as unknown as { _receiver?: EventEmitter })._receiver;
  receiver?.prependListener?.('error', (error: { code?: unknown }) => {
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' && socket.readyState === WebSocket.OPEN) {
      socket.close(MESSAGE_TOO_BIG, `frame too large: at most ${maxFrameBytes} bytes`);
    }
  });
}

export async function createReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const host = options.host ?? '127.0.0.1';
  const port = checkPort('port', options.port ?? DEFAULT_PORT);
  const adminPort = adminPortOf(options, port);
  const maxFrameBytes = limitOf(options, 'maxFrameBytes');
  const maxUnsentBytes = limitOf(options, 'maxUnsentBytes');
  const maxTotalUnsentBytes = limitOf(options, 'maxTotalUnsentBytes');
  const maxPendingRequests = limitOf(options, 'maxPendingRequests');
  const maxConnectionsPerCustomer = limitOf(options, 'maxConnectionsPerCustomer');
  const maxUnauthenticatedConnections = limitOf(options, 'maxUnauthenticatedConnections');
  const heartbeatIntervalMs = limitOf(options, 'heartbeatIntervalMs');
  const loginTimeoutMs = limitOf(options, 'loginTimeoutMs');
  const adminMaxBodyBytes = limitOf(options, 'adminMaxBodyBytes');
  const maxStoredFileBytes = limitOf(options, 'maxStoredFileBytes');
  const uploadIdleTimeoutMs = limitOf(options, 'uploadIdleTimeoutMs');
  if (options.adminToken !== undefined && !isAdminToken(options.adminToken)) {
    throw new TypeError(`adminToken must be ${ADMIN_TOKEN_RULE}`);
  }
  const log = options.log ?? ((message: string, error?: unknown) => console.error(`[reference-server] ${message}`, ...(error === undefined ? [] : [error])));
  const licenseIds = options.licenseIds === undefined ? undefined : new Set(options.licenseIds);

  const store = new ChatStore({ maxBytes: limitOf(options, 'maxStoredChatBytes') });
  const tokens = new TokenRegistry();
  const violations: OutgoingViolation[] = [];
  const sessions = new SessionRegistry(store, {
    maxUnsentBytes,
    maxTotalUnsentBytes,
    breaks: options.protocolBreaks,
    validateOutgoing: options.validateOutgoing ?? false,
    onViolation(violation) {
      violations.push(violation);
      log(`OUTGOING FRAME BREAKS THE SPEC (${violation.validator}): ${JSON.stringify(violation.errors)}`);
    },
  });
  const faults = createFaults(sessions, options.replyDelayMs ?? 0);
  const answerOf = options.authenticate ?? ((token: string) => tokens.resolve(token));
  // A custom `authenticate` may answer anything: only a customer's (or a new) id is one, at login
  // and for an upload alike (null, '' or an agent's id is an unknown token).
  const authenticate = async (token: string): Promise<string | undefined> => {
    const customerId = await answerOf(token);
    return typeof customerId === 'string' && customerId !== '' && store.agent(customerId) === undefined ? customerId : undefined;
  };
  const handlers = createHandlers({ store, sessions, authenticate, groups: new Set(options.groups ?? [0]), maxConnectionsPerCustomer });
  const unknownPush = options.protocolBreaks?.unknownPushAfterLogin;
  if (unknownPush !== undefined) {
    // protocolBreaks.unknownPushAfterLogin: right after the login's response, a push the spec does not have.
    const login = handlers.login.bind(handlers);
    handlers.login = async (args, session) => {
      const result = await login(args, session);
      setImmediate(() => sessions.sendRawTo(session, JSON.stringify({ action: unknownPush, type: 'push', payload: {} })));
      return result;
    };
  }
  const dispatch = createDispatch({
    handlers,
    sessions,
    replyDelayMs: () => faults.replyDelayMs,
    log,
    // protocolBreaks.loginNotRequired: a request before login is served as from a fresh customer.
    ...(options.protocolBreaks?.loginNotRequired === true ? { loginAnonymously: (session: Session) => sessions.bind(session, store.ensureCustomer().id) } : {}),
    ...(options.protocolBreaks?.schemaBeforeSecondLogin === true ? { schemaBeforeSecondLogin: true } : {}),
  });
  const scheduler = new FairScheduler(dispatch.handle);

  function disconnectCustomer(customerId: string, reason: DisconnectionReason): number {
    const count = sessions.disconnect(customerId, reason);
    if (reason === 'customer_banned') store.setBanned(customerId, true);
    return count;
  }

  function issueToken(customerId?: string): { token: string; customerId: string } {
    if (customerId !== undefined && (typeof customerId !== 'string' || customerId === '')) {
      throw new ProtocolError('validation', 'a customer id is a non-empty string');
    }
    const customer = store.ensureCustomer(customerId);
    return { token: tokens.issue(customer.id), customerId: customer.id };
  }

  const agentContext = { store, sessions, disconnectCustomer };
  const agent = (agentId: string, details?: AgentDetails) => createAgent(agentContext, agentId, details);

  // ---- the WebSocket endpoint ----------------------------------------------------------------
  // `closeTimeout` (ws 8.19+) is not in @types/ws yet: an object, not a literal, passes it through.
  const wssOptions = { noServer: true, maxPayload: maxFrameBytes, perMessageDeflate: false, closeTimeout: CLOSE_TIMEOUT_MS };
  const wss = new WebSocketServer(wssOptions);
  const fileHost = await fileUrlHost(host);
  const uploads = createUploads({
    operation: httpOperations.uploadFile,
    authenticate,
    isBanned: (customerId) => store.isBanned(customerId),
    licenseAccepted: (licenseId) => licenseIds === undefined || licenseIds.has(licenseId),
    // On a wildcard address, 127.0.0.1 would be unreachable from the network: the client's own
    // name of the server (its `Host` header) is, when it is a plain host[:port] that a file URL of
    // the spec may carry (not a bracketed IPv6 address).
    origin(request) {
      const named = isWildcard(host) ? validHostHeader(request.headers.host) : undefined;
      return named !== undefined && isSpecFileUrl(`http://${named}/`) ? `http://${named}` : `http://${fileHost}:${(http.address() as AddressInfo).port}`;
    },
    unnamedReason: isIPv6Loopback(host)
      ? `the server listens on ${host} only and the name localhost does not lead there on this machine; start it with --host localhost, 127.0.0.1 or :: (option host), or list "::1 localhost" in the hosts file`
      : `the spec's file URLs take no IPv6 address and the server listens on ${host} only; start it on a host name, an IPv4 address, ::1 or :: (--host, option host)`,
    maxStoredBytes: maxStoredFileBytes,
    idleTimeoutMs: uploadIdleTimeoutMs,
  });
  function serveHttp(request: IncomingMessage, response: ServerResponse, continueExpected = false): void {
    if (uploads.handle(request, response, continueExpected)) return;
    const body = `This is the WebSocket endpoint of the customer chat reference server: connect to ${channel.address}?${channel.query.map((q) => `${q}=...`).join('&')}\n`;
    // A client waiting for `100 Continue` has not sent its body: the connection ends after the answer.
    response.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket', connection: continueExpected ? 'Upgrade, close' : 'Upgrade' }).end(body);
  }
  const http = createServer((request, response) => serveHttp(request, response));
  // `Expect: 100-continue` (curl sends it with a large body): an upload checks its headers first and
  // answers `100 Continue` only when they pass, so a refused upload never has its body sent. Any
  // other request reads no body and is answered at once, and its connection closes after the answer
  // (as Node does after every final answer given without `100 Continue`): the body is not read.
  http.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => serveHttp(request, response, true));

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!wantsWebSocket(request)) {
      serveWithoutUpgrade(http, request, socket, head);
      return;
    }
    const url = parseRequestTarget(request.url);
    if (url === undefined) {
      rejectUpgrade(socket, 400, 'Bad Request', `the request target ${JSON.stringify(request.url ?? '')} is not a path such as ${channel.address}\n`);
      return;
    }
    if (url.pathname !== channel.address) {
      rejectUpgrade(socket, 404, 'Not Found', `no WebSocket endpoint at ${url.pathname}; the customer socket is ${channel.address}\n`);
      return;
    }
    const missing = channel.query.filter((name) => (url.searchParams.get(name) ?? '') === '');
    if (missing.length > 0) {
      rejectUpgrade(socket, 400, 'Bad Request', `missing query parameter ${missing.join(', ')}: connect to ${channel.address}?${channel.query.map((q) => `${q}=...`).join('&')}\n`);
      return;
    }
    const licenseId = url.searchParams.get(LICENSE_PARAM) ?? '';
    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, licenseId));
  });

  function onConnection(socket: WebSocket, licenseId: string): void {
    const session: Session = sessions.add(socket, licenseId);
    explainOversizeFrames(socket, maxFrameBytes);
    socket.on('message', (data: RawData, isBinary: boolean) => {
      // Frames of a connection that is closing (or that the server ended) are not answered.
      if (!session.open || socket.readyState !== WebSocket.OPEN) return;
      const inbound = { data: toBuffer(data), isBinary };
      // Before login a connection may queue only a few frames: 1000 connections not logged in must
      // not hold maxPendingRequests frames each.
      const limit = session.customerId === undefined ? Math.min(maxPendingRequests, MAX_PENDING_BEFORE_LOGIN) : maxPendingRequests;
      if (sessions.pendingRequests(session) >= limit) dispatch.refuse(session, inbound, limit);
      else scheduler.enqueue(session, inbound);
    });
    socket.on('pong', () => {
      session.awaitingPong = false;
    });
    let loginTimer: NodeJS.Timeout | undefined;
    socket.on('close', () => {
      clearTimeout(loginTimer);
      sessions.remove(session);
    });
    // ws reports what the peer broke (`WS_ERR_*`: invalid UTF-8, a bad opcode or mask, an oversized
    // frame) as an error and closes the connection (1007, 1002, 1009) itself: the peer's fault, not
    // the server's, so not logged (the log is for server failures).
    socket.on('error', (error: Error & { code?: string }) => {
      if (typeof error.code === 'string' && error.code.startsWith('WS_ERR_')) return;
      log(`connection ${session.id} failed`, error);
    });
    if (licenseIds !== undefined && !licenseIds.has(licenseId)) {
      sessions.disconnectSession(session, 'license_not_found');
      return;
    }
    if (sessions.unauthenticatedCount() > maxUnauthenticatedConnections) {
      sessions.disconnectSession(session, 'too_many_unauthorized_connections');
      return;
    }
    if (loginTimeoutMs > 0) {
      loginTimer = setTimeout(() => {
        if (session.open && session.customerId === undefined) sessions.disconnectSession(session, 'inactivity_timeout');
      }, loginTimeoutMs);
      loginTimer.unref();
    }
  }

  // The admin endpoint loads its OpenAPI document now: a missing or broken one fails the start.
  const admin = createAdminHttp(
    { issueToken, agent, disconnectCustomer, faults, store, connections: (customerId) => sessions.count(customerId) },
    { token: options.adminToken, origins: options.adminOrigins ?? DEFAULT_ADMIN_ORIGINS, maxBodyBytes: adminMaxBodyBytes, log },
  );

  // ---- listening -----------------------------------------------------------------------------
  const actualPort = await listen(http, port, host);
  let actualAdminPort: number;
  try {
    actualAdminPort = await listen(admin, adminPort, '127.0.0.1');
  } catch (error) {
    await closeServer(http);
    throw error;
  }
  const stopHeartbeat = startHeartbeat(sessions, heartbeatIntervalMs, (session) => sessions.disconnectSession(session, 'connection_lost', { terminate: true }));
  // Failures after start-up (rare: out of file descriptors) are reported, not thrown at the process.
  http.on('error', (error) => log('the WebSocket endpoint failed', error));
  admin.on('error', (error) => log('the admin endpoint failed', error));
  const url = `ws://${hostForUrl(host)}:${actualPort}`;
  const adminUrl = `http://127.0.0.1:${actualAdminPort}`;

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    stopHeartbeat();
    scheduler.stop();
    const open = sessions.all();
    await Promise.all(
      open.map(
        (session) =>
          new Promise<void>((resolve) => {
            if (session.socket.readyState === WebSocket.CLOSED) return resolve();
            // A peer that does not answer the close frame is cut off after a moment.
            const timer = setTimeout(() => session.socket.terminate(), 1000);
            session.socket.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            session.socket.close(GOING_AWAY, 'server shutting down');
          }),
      ),
    );
    // Connections the server ended before and that are still finishing their closing handshake.
    for (const socket of wss.clients) socket.terminate();
    wss.close();
    await Promise.all([closeServer(http), closeServer(admin)]);
  }

  return {
    url,
    adminUrl,
    port: actualPort,
    adminPort: actualAdminPort,
    socketUrl: (licenseId = 'local') => `${url}${channel.address}?${LICENSE_PARAM}=${encodeURIComponent(licenseId)}`,
    issueToken,
    agent,
    disconnectCustomer,
    connections: (customerId) => sessions.count(customerId),
    faults,
    storedFiles: () => uploads.stats(),
    store,
    violations,
    close: () => (closing ??= close()),
  };
}
