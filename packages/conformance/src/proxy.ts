// The validating proxy: a WebSocket relay between any client and any server of the protocol. It
// passes every frame on unchanged (the very bytes, in order, both ways) and checks each against the
// spec by the direction it travels (frame-check.ts): what a client sends must be a valid request,
// what a server sends a valid push or the valid reply to a request waiting on that connection.
// Each violation is reported; with `enforce`, an invalid frame is not passed on (the proxy answers
// an invalid request itself with a `validation` error response, and drops an invalid server frame),
// except a request the server answers before it reads its payload, by the spec's order of reading a
// frame (a JSON object with a known action and a valid request id): before login, any request but
// login (`authorization`); once logged in, a second login (`validation` at /action). Those go on.
// A client's upgrade is completed only once the upstream accepted the proxy's own; an upgrade the
// upstream refuses is refused with its status line and body. Plain HTTP requests (the spec's x-http
// operations) are relayed to the upstream's HTTP origin, their path mapped as a socket's is. Each
// direction of a connection holds at most `maxBufferedBytes` unsent: past it the proxy stops reading
// the sender until the receiver catches up, so a peer that does not read is felt by the other side
// as it would be without the proxy (TCP backpressure), not absorbed by the proxy's memory.
import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { serveWithoutUpgrade, wantsWebSocket } from '@customer-chat/http-upgrade';
import { validateFrame, type FrameName } from '@customer-chat/validators';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import { checkClientFrame, checkServerFrame, parseFrame, type Direction, type FrameVerdict } from './frame-check.js';
import { frameJson } from './frame-text.js';
import { protocol } from './gen/protocol.js';
import { introducedUser, unintroducedIn, unintroducedMessage } from './introductions.js';

export interface ValidatingProxyOptions {
  /** Where the proxy listens (port 0 picks a free one). */
  listen: { host: string; port: number };
  /** The server's WebSocket base URL (`ws:` or `wss:`); a client's path and query (socket or plain HTTP) are appended to it. */
  upstream: string;
  /**
   * Do not pass invalid frames on: answer an invalid request with a `validation` error, drop an
   * invalid server frame. Before the connection's login succeeded, only a frame the server cannot
   * read (not a JSON object, an unknown action, an invalid request id) is answered by the proxy; a
   * request with only payload problems goes on, so that the server answers it `authorization`. So
   * does a `login` once one succeeded (or while one waits for its answer): the server answers a
   * second login `validation` at /action whatever its payload.
   */
  enforce?: boolean | undefined;
  /**
   * How long (ms) the upstream may take to answer a client's upgrade, and a relayed plain HTTP
   * exchange may stay silent (no byte either way); past it the client is answered `504 Gateway
   * Timeout` (or, once an HTTP answer has begun, cut off). Default 10000.
   */
  upstreamTimeoutMs?: number | undefined;
  /**
   * The most bytes a connection may have waiting to be sent to one peer, per direction. Past it the
   * proxy stops reading from the other peer (and, with `enforce`, from a client it answers itself)
   * until they went out. A frame on an empty queue always goes, however large. Default 1 MiB.
   */
  maxBufferedBytes?: number | undefined;
  /** Called for every violation, as it is found; what it throws is ignored (the relay goes on). */
  onViolation?: ((violation: ProxyViolation) => void) | undefined;
}

export interface ProxyViolation {
  /** Who sent the frame. */
  direction: Direction;
  /** Which client connection (0, 1, ... in connection order) it travelled on. */
  connection: number;
  /** The frame's `action` ('' when it has none). */
  action: string;
  /** JSON pointer into the frame to what is wrong ('' for the frame as a whole). */
  pointer: string;
  message: string;
  /** The parsed frame, or its text when it is not JSON (a binary message: its bytes as UTF-8). */
  frame: unknown;
  /** Whether the proxy kept the frame from its recipient (`enforce`; a request before login whose frame the server can read is passed on). */
  rejected: boolean;
}

/** Counts by who sent the frames. */
export type PerDirection<T> = Record<Direction, T>;

export interface ProxySummary {
  /** Client connections accepted (upgrades the upstream accepted too). */
  connections: number;
  /** Frames passed on, by who sent them. */
  frames: PerDirection<number>;
  /** Frames with at least one violation, by who sent them. */
  invalidFrames: PerDirection<number>;
  /** Violations (one frame may have several), by who sent them. */
  violations: PerDirection<number>;
  /** Violations by who sent them and the frame's action ('' for a frame without one). */
  violationsByAction: PerDirection<Record<string, number>>;
  /** Invalid frames not passed on (`enforce`), by who sent them. */
  rejected: PerDirection<number>;
}

export interface ValidatingProxy {
  /** The proxy's WebSocket base URL, e.g. `ws://127.0.0.1:9000`. */
  readonly url: string;
  /** What the proxy relayed and found so far. */
  summary(): ProxySummary;
  /** Closes every connection (code 1001 both ways) and stops listening. */
  close(): Promise<void>;
}

const TEXT = { binary: false } as const;
const BINARY = { binary: true } as const;
/** Headers of a client's upgrade request passed on to the upstream (the rest belongs to the hop). */
const FORWARDED_HEADERS = ['origin', 'cookie', 'authorization', 'user-agent', 'accept-language'] as const;
/** How long `close()` waits for the close handshakes before cutting the sockets. */
const CLOSE_GRACE_MS = 1000;
/** The most users the proxy remembers as introduced, in all and per connection: what a hostile server can make it hold. */
const MAX_KNOWN_USERS = 100_000;
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
/** The longest timeout `setTimeout` keeps (a longer one fires at once). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** An option that must be a whole number from `min` to `max` (its default when undefined); throws a RangeError naming it. */
function wholeNumber(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' ? String(value) : value === null ? 'null' : `a ${typeof value}`;
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, not ${shown}`);
  }
  return value;
}

/** The upstream URL checked: a `ws:` or `wss:` URL without a fragment; throws a TypeError naming what is wrong. */
export function parseUpstream(upstream: string): URL {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    throw new TypeError(`the upstream must be a ws:// or wss:// URL, not ${JSON.stringify(upstream)}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new TypeError(`the upstream must be a ws:// or wss:// URL, not ${JSON.stringify(upstream)}`);
  if (url.hash !== '') throw new TypeError(`the upstream URL must not have a fragment (${url.hash})`);
  return url;
}

/**
 * The upstream URL for a client's request target, a socket's or a plain HTTP request's alike: its
 * path appended to the upstream's, its query after the upstream's.
 */
function upstreamUrlFor(base: URL, target: string): URL {
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q + 1);
  const url = new URL(base.href);
  if (path !== '/' && path !== '') url.pathname = base.pathname.replace(/\/$/, '') + path;
  const queries = [base.search.slice(1), query].filter((part) => part !== '');
  url.search = queries.length === 0 ? '' : `?${queries.join('&')}`;
  return url;
}

/** A close code `ws` may send: reserved ones (1005 no status, 1006 abnormal, 1015 TLS, ...) become 1000 or 1011. */
function sendableClose(code: number, reason: Buffer, lost: string): { code: number; reason: Buffer | string } {
  if (code === 1000 || (code >= 1001 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999)) return { code, reason };
  if (code === 1005) return { code: 1000, reason: '' };
  return { code: 1011, reason: reason.length > 0 ? reason : lost };
}

/**
 * Whether a request id is one the spec allows, by the validators' verdict on an error response
 * carrying it (the reference server decides what it can echo the same way): the schema's rule as it
 * is, its length in code points as JSON Schema counts it, not in UTF-16 units as `.length` does
 * (40 emoji are 80 units, yet a valid id of 40 characters).
 */
function isValidRequestId(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const answer = { [protocol.correlationField]: value, action: '', ...protocol.frameConstants.error, payload: { [protocol.error.property]: { [protocol.error.typeField]: protocol.rules.invalidFrame, [protocol.error.messageField]: '' } } };
  return validateFrame(protocol.error.message as FrameName, answer).ok;
}

/** What a proxy that cannot reach the upstream answers: one line naming it. */
function unreachable(base: URL, error: Error & { code?: string }): string {
  return `the validating proxy cannot reach the upstream ${base.origin}: ${(error.code ?? error.message).replace(/\s+/g, ' ')}\n`;
}

/** What a proxy whose upstream went silent answers (504): one line naming it and the timeout. */
function silent(base: URL, timeoutMs: number, what: string): string {
  return `the validating proxy got no answer from the upstream ${base.origin} ${what} within ${timeoutMs} ms (upstreamTimeoutMs)\n`;
}

/** Whether `ws` would take the upgrade request (its own checks, in its order); when not, it answers it itself. */
function isWebSocketUpgrade(request: IncomingMessage): boolean {
  const version = Number(request.headers['sec-websocket-version']);
  return (
    request.method === 'GET' &&
    request.headers.upgrade?.toLowerCase() === 'websocket' &&
    /^[+/0-9A-Za-z]{22}==$/.test(request.headers['sec-websocket-key'] ?? '') &&
    (version === 13 || version === 8)
  );
}

/** Headers of a refusal that belong to the hop (the proxy sets its own framing). */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection', 'te', 'trailer']);
/** The most of an upstream's refusal body passed on. */
const REFUSAL_BODY_MAX = 64 * 1024;

/** Answers an upgrade request with an HTTP response and no WebSocket, then closes the client's connection. */
function refuseUpgrade(socket: Duplex, status: number, statusMessage: string, body: Buffer | string, headers: Array<[string, string]> = [['content-type', 'text/plain; charset=utf-8']]): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const lines = [`HTTP/1.1 ${status} ${statusMessage}`, ...headers.map(([name, value]) => `${name}: ${value}`), 'connection: close', `content-length: ${bytes.length}`];
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]));
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

export async function startValidatingProxy(options: ValidatingProxyOptions): Promise<ValidatingProxy> {
  const base = parseUpstream(options.upstream);
  const enforce = options.enforce === true;
  const upstreamTimeoutMs = wholeNumber('upstreamTimeoutMs', options.upstreamTimeoutMs, DEFAULT_UPSTREAM_TIMEOUT_MS, 1, MAX_TIMEOUT_MS);
  const maxBufferedBytes = wholeNumber('maxBufferedBytes', options.maxBufferedBytes, DEFAULT_MAX_BUFFERED_BYTES, 1, Number.MAX_SAFE_INTEGER);
  const onViolation = options.onViolation;
  const { correlationField } = protocol;
  const errorFrame = protocol.frameConstants.error;
  const errorFields = protocol.error;
  const invalidFrame = protocol.rules.invalidFrame;
  const loginAction = protocol.login.action;

  const counts = {
    connections: 0,
    frames: { client: 0, server: 0 },
    invalidFrames: { client: 0, server: 0 },
    violations: { client: 0, server: 0 },
    violationsByAction: { client: new Map<string, number>(), server: new Map<string, number>() },
    rejected: { client: 0, server: 0 },
  };

  /** Counts and reports the issues of an invalid frame (each pointer and message once). */
  const report = (direction: Direction, connection: number, verdict: FrameVerdict, frame: unknown, rejected: boolean): void => {
    counts.invalidFrames[direction]++;
    if (rejected) counts.rejected[direction]++;
    const byAction = counts.violationsByAction[direction];
    const { issues, action } = verdict;
    for (let i = 0; i < issues.length; i++) {
      const issue = issues[i]!;
      let seen = false;
      for (let j = 0; j < i; j++) if (issues[j]!.path === issue.path && issues[j]!.message === issue.message) seen = true;
      if (seen) continue;
      counts.violations[direction]++;
      byAction.set(action, (byAction.get(action) ?? 0) + 1);
      // A callback that throws must not take the relay (ws's message handler) down with it.
      try {
        onViolation?.({ direction, connection, action, pointer: issue.path, message: issue.message, frame, rejected });
      } catch {
        // ignored: the violation is counted all the same
      }
    }
  };

  /** The verdict on a message and its frame (the text when it is not JSON); `json` is false for a binary message or text that is not JSON. */
  const judge = (
    direction: Direction,
    data: RawData,
    isBinary: boolean,
    requestActionFor?: (frame: unknown) => (requestId: string) => string | undefined,
    unreadableWaiting?: () => boolean,
  ): { verdict: FrameVerdict; frame: unknown; json: boolean } => {
    const parsed = parseFrame(data as Buffer, isBinary);
    if ('issue' in parsed) return { verdict: { kind: 'unknown', action: '', requestId: undefined, issues: [parsed.issue] }, frame: textOf(data), json: false };
    const verdict = direction === 'client' ? checkClientFrame(parsed.frame) : checkServerFrame(parsed.frame, requestActionFor?.(parsed.frame), unreadableWaiting);
    return { verdict, frame: parsed.frame, json: true };
  };

  const http = createServer((incoming, outgoing) => relayHttp(base, incoming, outgoing, upstreamTimeoutMs));
  /** The subprotocol the upstream chose, by the client's upgrade request: the client is answered the same. */
  const chosenProtocol = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    autoPong: false,
    clientTracking: false,
    handleProtocols: (_offered, request) => chosenProtocol.get(request) || false,
  });
  const pairs = new Set<{ client: WebSocket; upstream: WebSocket }>();
  /** The users the server introduced on any connection (the introduction rule holds responses to them), at most MAX_KNOWN_USERS. */
  const knownUsers = new Set<string>();
  /** Upgrades waiting on the upstream's answer: the client's connection, the proxy's own, and the timer that gives up on it. */
  const opening = new Set<{ socket: Duplex; upstream: WebSocket; timer: NodeJS.Timeout }>();
  let closing = false;

  // The upstream first: the client's upgrade is completed only once the upstream accepted the
  // proxy's, so that a refusal (an HTTP status instead of a WebSocket) reaches the client as it is.
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    if (closing) {
      refuseUpgrade(socket, 503, 'Service Unavailable', 'the validating proxy is shutting down\n');
      return;
    }
    if (!wantsWebSocket(request)) {
      // Another protocol offered (`Upgrade: h2c`): relayed as the plain HTTP request it also is.
      serveWithoutUpgrade(http, request, socket, head);
      return;
    }
    if (!isWebSocketUpgrade(request)) {
      // A broken WebSocket handshake: `ws` answers it (405 or 400) and never calls back.
      wss.handleUpgrade(request, socket, head, (client) => client.terminate());
      return;
    }
    const target = upstreamUrlFor(base, request.url ?? '/');
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const offered = request.headers['sec-websocket-protocol'];
    const protocols = offered === undefined ? [] : offered.split(',').map((p) => p.trim()).filter((p) => p !== '');
    let upstream: WebSocket;
    try {
      upstream = new WebSocket(target.href, protocols, { perMessageDeflate: false, autoPong: false, headers });
    } catch (error) {
      // Only the client's request can make it throw (its subprotocols: invalid or repeated).
      refuseUpgrade(socket, 400, 'Bad Request', `the validating proxy cannot pass this upgrade on: ${error instanceof Error ? error.message : String(error)}\n`);
      return;
    }
    // An upstream that takes the connection and never answers the upgrade (nor finishes refusing it)
    // would leave the client waiting forever: past the timeout both go, the client answered 504.
    const timer = setTimeout(() => {
      if (!opening.delete(entry)) return;
      refused = true;
      refusal?.destroy();
      upstream.terminate();
      refuseUpgrade(socket, 504, 'Gateway Timeout', silent(base, upstreamTimeoutMs, 'to the upgrade'));
    }, upstreamTimeoutMs);
    const entry = { socket, upstream, timer };
    opening.add(entry);
    /** Takes the upgrade off the waiting list (false when it was not on it any more). */
    const settled = (): boolean => {
      clearTimeout(timer);
      return opening.delete(entry);
    };
    /** Until the client's upgrade is completed: the upstream is closed when the client's connection goes. */
    let wired = false;
    let refused = false;
    /** The upstream's refusal while its body arrives. */
    let refusal: IncomingMessage | undefined;
    const abandoned = (): void => {
      if (wired) return;
      if (refused) {
        // Refused, and the refusal already passed on (or the proxy closing): nothing left to do.
        if (!opening.has(entry)) return;
        // The client left while the upstream's refusal was still arriving: nobody to pass it to,
        // so both sockets go now (the entry stays until here, for close() to find them).
        settled();
        socket.destroy();
        refusal?.destroy();
        upstream.terminate();
        return;
      }
      settled();
      refused = true;
      socket.destroy();
      if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
      else if (upstream.readyState === WebSocket.OPEN) {
        const close = sendableClose(1006, Buffer.alloc(0), 'client connection lost');
        upstream.close(close.code, close.reason);
      }
    };
    // The HTTP server's sockets are half-open: a client that leaves shows as the end of its side.
    socket.once('end', abandoned);
    socket.once('close', abandoned);

    upstream.on('error', (error: Error & { code?: string }) => {
      if (wired || refused) return;
      refused = true;
      settled();
      refuseUpgrade(socket, 502, 'Bad Gateway', unreachable(base, error));
    });
    upstream.once('unexpected-response', (_request, response) => {
      refused = true;
      refusal = response;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < REFUSAL_BODY_MAX) chunks.push(chunk.subarray(0, REFUSAL_BODY_MAX - size));
        size += chunk.length;
      });
      const answer = (): void => {
        // The client left (or the proxy closed) before the refusal was complete: both sockets are gone already.
        if (!settled()) return;
        const passed: Array<[string, string]> = [];
        const raw = response.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) if (!HOP_HEADERS.has(raw[i]!.toLowerCase())) passed.push([raw[i]!, raw[i + 1]!]);
        refuseUpgrade(socket, response.statusCode ?? 502, response.statusMessage ?? '', Buffer.concat(chunks), passed);
        upstream.terminate();
      };
      response.once('end', answer);
      response.once('error', answer);
    });
    upstream.once('open', () => {
      if (refused) return;
      clearTimeout(timer);
      chosenProtocol.set(request, upstream.protocol);
      wss.handleUpgrade(request, socket, head, (client) => {
        wired = true;
        settled();
        socket.off('end', abandoned);
        socket.off('close', abandoned);
        relay(client, upstream);
      });
      // When `ws` refused the client's request after all, it closed the socket: `abandoned` closes the upstream.
    });
  });

  /** Relays between a client and its upstream, both open, and checks every frame. */
  const relay = (client: WebSocket, upstream: WebSocket): void => {
    const connection = counts.connections++;
    const pair = { client, upstream };
    pairs.add(pair);
    /**
     * Actions of the requests passed on and not answered yet, by request id, in the order sent: a
     * client that reuses the id of a request still waiting is at fault (reported), and the server's
     * replies to both still match (by their action, else the oldest).
     */
    const pending = new Map<string, string[]>();
    /** The waiting request a reply answers: the oldest under its id with the reply's action, else the oldest. */
    const answered = (requestId: string, action: string): string | undefined => {
      const actions = pending.get(requestId);
      if (actions === undefined) return undefined;
      return actions.includes(action) ? action : actions[0];
    };
    /** Frames passed on whose request id the server cannot read, not answered yet (by an error with a null request id). */
    let unreadable = 0;
    const requestActionFor =
      (frame: unknown) =>
      (requestId: string): string | undefined => {
        const action = typeof frame === 'object' && frame !== null ? (frame as Record<string, unknown>).action : undefined;
        return answered(requestId, typeof action === 'string' ? action : '');
      };
    /** Whether a login request was answered with success on this connection. */
    let loggedIn = false;
    /** The users introduced on this connection; undefined once more than MAX_KNOWN_USERS came (the rule is not checked here then). */
    let met: Set<string> | undefined = new Set<string>();
    /**
     * The verdict with one more issue when a valid response names a user the server introduced on
     * some connection but not yet on this one (the spec's introduction rule). Notes introductions.
     */
    const withIntroductions = (verdict: FrameVerdict, frame: unknown): FrameVerdict => {
      if (met === undefined) return verdict;
      const entry = { frame, verdict };
      const user = introducedUser(entry);
      if (user !== undefined) {
        if (knownUsers.size < MAX_KNOWN_USERS) knownUsers.add(user);
        met.add(user);
        if (met.size > MAX_KNOWN_USERS) met = undefined;
        return verdict;
      }
      const found = unintroducedIn(entry, met, knownUsers);
      if (found === undefined) return verdict;
      return { ...verdict, issues: [{ path: found.pointer, message: unintroducedMessage(verdict.action, found.user), keyword: 'protocol' }] };
    };

    // Flow control. `bufferedAmount` is what waits to go out to a peer (in ws and in its socket).
    // Past `maxBufferedBytes`, the proxy stops reading the peer that fills it (`pause()` stops
    // reading the TCP socket), so that peer's own sends back up as they would without the proxy: a
    // server sees a client that does not read as a slow consumer, instead of the proxy holding
    // everything for it. Each send's callback (its bytes went out) reads again once both fit.
    const resume = (): void => {
      if (upstream.isPaused && client.bufferedAmount <= maxBufferedBytes) upstream.resume();
      if (client.isPaused && upstream.bufferedAmount <= maxBufferedBytes && client.bufferedAmount <= maxBufferedBytes) client.resume();
    };
    const toUpstream = (data: RawData, isBinary: boolean): void => {
      if (upstream.readyState !== WebSocket.OPEN) return;
      upstream.send(data, isBinary ? BINARY : TEXT, resume);
      counts.frames.client++;
      if (upstream.bufferedAmount > maxBufferedBytes) client.pause();
    };
    const toClient = (data: RawData, isBinary: boolean): void => {
      if (client.readyState !== WebSocket.OPEN) return;
      client.send(data, isBinary ? BINARY : TEXT, resume);
      counts.frames.server++;
      if (client.bufferedAmount > maxBufferedBytes) upstream.pause();
    };

    /** Remembers a request passed on, so that its reply is checked against it. */
    const track = (verdict: FrameVerdict): void => {
      const { requestId } = verdict;
      // A request's id was judged with the rest of it; another frame's (an unknown action) is judged here.
      if (requestId === undefined || (verdict.kind === 'request' ? verdict.issues.some((issue) => issue.path === `/${correlationField}`) : !isValidRequestId(requestId))) {
        unreadable += 1;
        return;
      }
      const actions = pending.get(requestId);
      if (actions === undefined) pending.set(requestId, [verdict.action]);
      else actions.push(verdict.action);
    };

    /** The verdict with one more issue when the request reuses the id of a request still waiting (the spec: unique among the client's pending requests). */
    const withReuse = (verdict: FrameVerdict): FrameVerdict => {
      const { requestId } = verdict;
      if (verdict.kind !== 'request' || requestId === undefined || !pending.has(requestId)) return verdict;
      const reuse = { path: `/${correlationField}`, message: `reuses ${correlationField} "${requestId}" of a request still waiting on this connection`, keyword: 'protocol' };
      return { ...verdict, issues: [...verdict.issues, reuse] };
    };

    /** Forgets the request a server frame answers; a success response to a login request logs the connection in. */
    const settle = (verdict: FrameVerdict, frame: unknown): void => {
      const { requestId } = verdict;
      if (verdict.kind === 'error' && unreadable > 0 && typeof frame === 'object' && frame !== null && Object.hasOwn(frame, correlationField) && (frame as Record<string, unknown>)[correlationField] === null) unreadable -= 1;
      if (requestId === undefined || verdict.kind === 'push') return;
      const action = answered(requestId, verdict.action);
      if (action === undefined) return;
      if (verdict.kind === 'response' && action === loginAction) loggedIn = true;
      const actions = pending.get(requestId)!;
      actions.splice(actions.indexOf(action), 1);
      if (actions.length === 0) pending.delete(requestId);
    };

    /** Whether a login request passed on waits for its answer (the connection may be logged in by the time the server reads the next frame). */
    const loginWaiting = (): boolean => {
      for (const actions of pending.values()) if (actions.includes(loginAction)) return true;
      return false;
    };

    /**
     * Whether, with `enforce`, the proxy keeps an invalid request from the server. The spec's order
     * of reading a frame: the frame, its action and its request id, then the login, then the schema.
     * So a request the server can read goes on whenever the server answers it before its schema:
     * before login, any request but login (`authorization`); once logged in, or possibly so (a login
     * still waiting), a login (a second one: `validation` at /action, whatever its payload; if the
     * first fails after all, the server judges the payload itself).
     */
    const rejects = (verdict: FrameVerdict): boolean => {
      if (verdict.kind !== 'request' || verdict.issues.some((issue) => issue.path === `/${correlationField}`)) return true;
      if (verdict.action === loginAction) return !loggedIn && !loginWaiting();
      return loggedIn;
    };

    /** A validation error response from the proxy for an invalid request it keeps from the server. */
    const rejectRequest = (verdict: FrameVerdict, frame: unknown, json: boolean): void => {
      // The first failure in the order a server reads a frame: the request id comes before the rest of it.
      const badId = verdict.issues.find((i) => i.path === `/${correlationField}`);
      const issue = badId ?? verdict.issues[0]!;
      const id = typeof frame === 'object' && frame !== null && !Array.isArray(frame) ? (frame as Record<string, unknown>)[correlationField] : undefined;
      const answer = {
        [correlationField]: isValidRequestId(id) && badId === undefined ? id : null,
        action: verdict.action,
        ...errorFrame,
        payload: {
          [errorFields.property]: {
            [errorFields.typeField]: invalidFrame,
            [errorFields.messageField]: `${issue.message} (rejected by the validating proxy)`,
            // As a server answers: a pointer into the frame, none for a message that is not JSON text.
            ...(json ? { [errorFields.pointerField]: issue.path } : {}),
          },
        },
      };
      if (client.readyState !== WebSocket.OPEN) return;
      client.send(JSON.stringify(answer), resume);
      // A client sending invalid requests without reading the answers is not read either.
      if (client.bufferedAmount > maxBufferedBytes) client.pause();
    };

    client.on('message', (data, isBinary) => {
      if (enforce) {
        const { verdict, frame, json } = judge('client', data, isBinary);
        if (verdict.issues.length > 0 && rejects(verdict)) {
          report('client', connection, verdict, frame, true);
          rejectRequest(verdict, frame, json);
          return;
        }
        // A request reusing a waiting id is reported but goes on: the server answers it, and the
        // proxy matches both replies (an answer of its own would carry that id a third time).
        const checked = withReuse(verdict);
        if (checked.issues.length > 0) report('client', connection, checked, frame, false);
        track(verdict);
        toUpstream(data, isBinary);
        return;
      }
      // Passed on first, checked after: the check adds nothing to the frame's way.
      toUpstream(data, isBinary);
      const { verdict, frame } = judge('client', data, isBinary);
      const checked = withReuse(verdict);
      track(verdict);
      if (checked.issues.length > 0) report('client', connection, checked, frame, false);
    });

    upstream.on('message', (data, isBinary) => {
      if (enforce) {
        const { verdict, frame } = judge('server', data, isBinary, requestActionFor, () => unreadable > 0);
        settle(verdict, frame);
        if (verdict.issues.length > 0) {
          report('server', connection, verdict, frame, true);
          return;
        }
        // A response before an introduction is reported but goes on: the frame itself is valid,
        // and its client waits for it.
        const introduced = withIntroductions(verdict, frame);
        if (introduced.issues.length > 0) report('server', connection, introduced, frame, false);
        toClient(data, isBinary);
        return;
      }
      toClient(data, isBinary);
      const { verdict, frame } = judge('server', data, isBinary, requestActionFor, () => unreadable > 0);
      settle(verdict, frame);
      const checked = verdict.issues.length > 0 ? verdict : withIntroductions(verdict, frame);
      if (checked.issues.length > 0) report('server', connection, checked, frame, false);
    });

    // Heartbeats go end to end: a ping is answered by the far side, not by the proxy.
    client.on('ping', (data) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.ping(data);
      else if (client.readyState === WebSocket.OPEN) client.pong(data);
    });
    client.on('pong', (data) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.pong(data);
    });
    upstream.on('ping', (data) => {
      if (client.readyState === WebSocket.OPEN) client.ping(data);
    });
    upstream.on('pong', (data) => {
      if (client.readyState === WebSocket.OPEN) client.pong(data);
    });

    client.on('error', () => {});
    // Once one side closed, the other is read again (its frames go nowhere now), so that its close
    // handshake completes instead of waiting behind a pause.
    upstream.on('close', (code, reason) => {
      pairs.delete(pair);
      client.resume();
      if (client.readyState !== WebSocket.OPEN) return;
      const close = sendableClose(code, reason, 'upstream connection lost');
      client.close(close.code, close.reason);
    });
    client.on('close', (code, reason) => {
      upstream.resume();
      if (upstream.readyState !== WebSocket.OPEN) return;
      const close = sendableClose(code, reason, 'client connection lost');
      upstream.close(close.code, close.reason);
    });
  };

  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error): void => reject(error);
    http.once('error', failed);
    http.listen(options.listen.port, options.listen.host, () => {
      http.off('error', failed);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `ws://${host}:${address.port}`,
    summary() {
      return {
        connections: counts.connections,
        frames: { ...counts.frames },
        invalidFrames: { ...counts.invalidFrames },
        violations: { ...counts.violations },
        violationsByAction: { client: Object.fromEntries(counts.violationsByAction.client), server: Object.fromEntries(counts.violationsByAction.server) },
        rejected: { ...counts.rejected },
      };
    },
    async close() {
      closing = true;
      for (const { socket, upstream, timer } of opening) {
        clearTimeout(timer);
        socket.destroy();
        upstream.terminate();
      }
      opening.clear();
      const sockets = [...pairs].flatMap(({ client, upstream }) => [client, upstream]);
      pairs.clear();
      const closed = sockets.map((socket) => {
        if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
        return new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          if (socket.readyState === WebSocket.OPEN) {
            socket.close(1001, 'the validating proxy is shutting down');
            // Read again (a socket paused for flow control), so that its closing handshake can complete.
            socket.resume();
          } else if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
        });
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)))]);
      clearTimeout(timer);
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** One line: `client→server send_sneak_peek /payload/extra: must NOT have additional properties {"requestId":...}`. */
export function formatViolation(violation: ProxyViolation): string {
  const arrow = violation.direction === 'client' ? 'client→server' : 'server→client';
  const action = violation.action === '' ? '(no action)' : violation.action;
  const pointer = violation.pointer === '' ? '(frame)' : violation.pointer;
  const rejected = violation.rejected ? ' [rejected]' : '';
  // A frame that is not JSON shows as a JSON string, so that the line stays one line. The frame is
  // the peer's: written only up to the 500 characters shown, whatever its depth (never re-stringified).
  return `${arrow} ${action} ${pointer}: ${violation.message}${rejected} ${frameJson(violation.frame)}`;
}

/** A violation as one JSON line (no newline): its frame as it is, or its clipped JSON text (a string) when it cannot be written again (too deep). */
export function formatViolationJson(violation: ProxyViolation): string {
  try {
    return JSON.stringify(violation);
  } catch {
    return JSON.stringify({ ...violation, frame: frameJson(violation.frame) });
  }
}

/** The summary as the CLI prints it. */
export function formatSummary(summary: ProxySummary): string {
  const lines = [
    `customer-chat-proxy summary: ${summary.connections} connection${summary.connections === 1 ? '' : 's'}`,
    `  frames relayed: client→server ${summary.frames.client}, server→client ${summary.frames.server}`,
    `  invalid frames: client→server ${summary.invalidFrames.client}, server→client ${summary.invalidFrames.server}`,
    `  violations: client→server ${summary.violations.client}, server→client ${summary.violations.server}`,
  ];
  for (const direction of ['client', 'server'] as const) {
    const arrow = direction === 'client' ? 'client→server' : 'server→client';
    for (const [action, count] of Object.entries(summary.violationsByAction[direction]).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`    ${arrow} ${action === '' ? '(no action)' : action}: ${count}`);
    }
  }
  lines.push(`  rejected: client→server ${summary.rejected.client}, server→client ${summary.rejected.server}`);
  return lines.join('\n');
}

/** Headers of a plain request that belong to the hop, besides those its `Connection` names: the proxy's connection to the upstream is its own. */
const REQUEST_HOP_HEADERS = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'http2-settings'];

/**
 * Relays a plain HTTP request to the upstream's HTTP origin as it is (only `Host` names the
 * upstream, and the hop's own headers stay behind), its path and query mapped as a socket's are.
 * An exchange silent `timeoutMs` (nothing sent or received with the upstream) is given up: 504
 * when no answer began, else the client's connection is cut.
 */
function relayHttp(base: URL, incoming: IncomingMessage, outgoing: ServerResponse, timeoutMs: number): void {
  const secure = base.protocol === 'wss:';
  const headers: OutgoingHttpHeaders = { ...incoming.headers, host: base.host };
  const named = typeof incoming.headers.connection === 'string' ? incoming.headers.connection.split(',').map((name) => name.trim().toLowerCase()) : [];
  for (const name of [...REQUEST_HOP_HEADERS, ...named]) if (name !== 'host' && name !== 'content-length' && name !== 'transfer-encoding') delete headers[name];
  const send = secure ? httpsRequest : httpRequest;
  const target = upstreamUrlFor(base, incoming.url ?? '/');
  const relay = send(
    { protocol: secure ? 'https:' : 'http:', hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'), port: base.port, method: incoming.method, path: `${target.pathname}${target.search}`, headers },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
      answer.pipe(outgoing);
      answer.on('error', () => outgoing.destroy());
    },
  );
  let failed = false;
  const fail = (status: number, message: string): void => {
    // Once: giving up on the upstream makes it fail with an error too.
    if (failed) return;
    failed = true;
    if (outgoing.headersSent) {
      outgoing.destroy();
      return;
    }
    outgoing.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    outgoing.end(message);
  };
  relay.on('error', (error: Error & { code?: string }) => fail(502, unreachable(base, error)));
  relay.setTimeout(timeoutMs, () => {
    fail(504, silent(base, timeoutMs, 'to a plain HTTP request'));
    relay.destroy();
  });
  incoming.on('error', () => relay.destroy());
  incoming.pipe(relay);
}
