// The validating proxy: a WebSocket relay between any client and any server of the protocol. It
// passes every frame on unchanged (the very bytes, in order, both ways) and checks each against the
// spec by the direction it travels (frame-check.ts): what a client sends must be a valid request,
// what a server sends a valid push or the valid reply to a request waiting on that connection.
// Each violation is reported; with `enforce`, an invalid frame is not passed on (the proxy answers
// an invalid request itself with a `validation` error response, and drops an invalid server frame).
// Plain HTTP requests (the spec's x-http operations) are relayed to the upstream's HTTP origin.
import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import { checkClientFrame, checkServerFrame, parseFrame, type Direction, type FrameVerdict } from './frame-check.js';
import { protocol } from './gen/protocol.js';

export interface ValidatingProxyOptions {
  /** Where the proxy listens (port 0 picks a free one). */
  listen: { host: string; port: number };
  /** The server's WebSocket base URL (`ws:` or `wss:`); a client's path and query are appended to it. */
  upstream: string;
  /** Do not pass invalid frames on: answer an invalid request with a `validation` error, drop an invalid server frame. */
  enforce?: boolean | undefined;
  /** Called for every violation, as it is found. */
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
  /** Whether the proxy kept the frame from its recipient (`enforce`). */
  rejected: boolean;
}

/** Counts by who sent the frames. */
export type PerDirection<T> = Record<Direction, T>;

export interface ProxySummary {
  /** Client connections accepted. */
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
const VALIDATION = 'validation';
/** Headers of a client's upgrade request passed on to the upstream (the rest belongs to the hop). */
const FORWARDED_HEADERS = ['origin', 'cookie', 'authorization', 'user-agent', 'accept-language'] as const;
/** How long `close()` waits for the close handshakes before cutting the sockets. */
const CLOSE_GRACE_MS = 1000;

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

/** The upstream URL for a client's request target: its path appended to the upstream's, its query after the upstream's. */
function upstreamUrlFor(base: URL, target: string): string {
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q + 1);
  const url = new URL(base.href);
  if (path !== '/' && path !== '') url.pathname = base.pathname.replace(/\/$/, '') + path;
  const queries = [base.search.slice(1), query].filter((part) => part !== '');
  url.search = queries.length === 0 ? '' : `?${queries.join('&')}`;
  return url.href;
}

/** A close code `ws` may send: reserved ones (1005 no status, 1006 abnormal, 1015 TLS, ...) become 1000 or 1011. */
function sendableClose(code: number, reason: Buffer, lost: string): { code: number; reason: Buffer | string } {
  if (code === 1000 || (code >= 1001 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999)) return { code, reason };
  if (code === 1005) return { code: 1000, reason: '' };
  return { code: 1011, reason: reason.length > 0 ? reason : lost };
}

/** A close reason of at most 123 bytes of UTF-8 (the most a close frame carries). */
function clipReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let clipped = reason.slice(0, 120);
  while (Buffer.byteLength(`${clipped}...`) > 123) clipped = clipped.slice(0, -1);
  return `${clipped}...`;
}

function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 64;
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

export async function startValidatingProxy(options: ValidatingProxyOptions): Promise<ValidatingProxy> {
  const base = parseUpstream(options.upstream);
  const enforce = options.enforce === true;
  const onViolation = options.onViolation;
  const { correlationField } = protocol;
  const errorFrame = protocol.frameConstants.error;

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
      onViolation?.({ direction, connection, action, pointer: issue.path, message: issue.message, frame, rejected });
    }
  };

  /** The verdict on a message and its frame (the text when it is not JSON). */
  const judge = (direction: Direction, data: RawData, isBinary: boolean, requestActionOf?: (requestId: string) => string | undefined): { verdict: FrameVerdict; frame: unknown } => {
    const parsed = parseFrame(data as Buffer, isBinary);
    if ('issue' in parsed) return { verdict: { kind: 'unknown', action: '', requestId: undefined, issues: [parsed.issue] }, frame: textOf(data) };
    const verdict = direction === 'client' ? checkClientFrame(parsed.frame) : checkServerFrame(parsed.frame, requestActionOf);
    return { verdict, frame: parsed.frame };
  };

  const http = createServer((incoming, outgoing) => relayHttp(base, incoming, outgoing));
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, autoPong: false, clientTracking: false });
  // The WebSocket server repeats the HTTP server's errors; listening failures are reported below.
  wss.on('error', () => {});
  const pairs = new Set<{ client: WebSocket; upstream: WebSocket }>();

  wss.on('connection', (client, request) => {
    const connection = counts.connections++;
    /** Actions of the requests passed on and not answered yet, by request id. */
    const pending = new Map<string, string>();
    const requestActionOf = (requestId: string): string | undefined => pending.get(requestId);
    /** Client messages that arrived before the upstream connection opened. */
    const queued: Array<{ data: RawData; isBinary: boolean }> = [];
    let upstreamOpened = false;
    let upstreamError = '';
    let clientClose: { code: number; reason: Buffer } | undefined;

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
      upstream = new WebSocket(target, protocols, { perMessageDeflate: false, autoPong: false, headers });
    } catch (error) {
      client.on('error', () => {});
      client.close(1011, clipReason(`upstream ${base.origin} unreachable: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    const pair = { client, upstream };
    pairs.add(pair);

    const toUpstream = (data: RawData, isBinary: boolean): void => {
      if (upstream.readyState === WebSocket.OPEN) {
        upstream.send(data, isBinary ? BINARY : TEXT);
        counts.frames.client++;
      } else if (upstream.readyState === WebSocket.CONNECTING) {
        queued.push({ data, isBinary });
      }
    };

    /** Remembers a request passed on, so that its reply is checked against it. */
    const track = (verdict: FrameVerdict): void => {
      const { requestId } = verdict;
      if (requestId === undefined || !isValidRequestId(requestId)) return;
      for (const issue of verdict.issues) if (issue.path === `/${correlationField}`) return;
      pending.set(requestId, verdict.action);
    };

    /** A validation error response from the proxy for an invalid request it keeps from the server. */
    const rejectRequest = (verdict: FrameVerdict, frame: unknown): void => {
      const issue = verdict.issues[0]!;
      const id = typeof frame === 'object' && frame !== null && !Array.isArray(frame) ? (frame as Record<string, unknown>)[correlationField] : undefined;
      const answer = {
        [correlationField]: isValidRequestId(id) && !verdict.issues.some((i) => i.path === `/${correlationField}`) ? id : null,
        action: verdict.action,
        ...errorFrame,
        payload: { [protocol.error.property]: { [protocol.error.typeField]: VALIDATION, message: `${issue.message} (rejected by the validating proxy)`, pointer: issue.path } },
      };
      if (client.readyState === WebSocket.OPEN) client.send(JSON.stringify(answer));
    };

    client.on('message', (data, isBinary) => {
      if (enforce) {
        const { verdict, frame } = judge('client', data, isBinary);
        if (verdict.issues.length > 0) {
          report('client', connection, verdict, frame, true);
          rejectRequest(verdict, frame);
          return;
        }
        track(verdict);
        toUpstream(data, isBinary);
        return;
      }
      // Passed on first, checked after: the check adds nothing to the frame's way.
      toUpstream(data, isBinary);
      const { verdict, frame } = judge('client', data, isBinary);
      track(verdict);
      if (verdict.issues.length > 0) report('client', connection, verdict, frame, false);
    });

    upstream.on('message', (data, isBinary) => {
      if (enforce) {
        const { verdict, frame } = judge('server', data, isBinary, requestActionOf);
        if (verdict.requestId !== undefined && verdict.kind !== 'push') pending.delete(verdict.requestId);
        if (verdict.issues.length > 0) {
          report('server', connection, verdict, frame, true);
          return;
        }
        if (client.readyState === WebSocket.OPEN) {
          client.send(data, isBinary ? BINARY : TEXT);
          counts.frames.server++;
        }
        return;
      }
      if (client.readyState === WebSocket.OPEN) {
        client.send(data, isBinary ? BINARY : TEXT);
        counts.frames.server++;
      }
      const { verdict, frame } = judge('server', data, isBinary, requestActionOf);
      if (verdict.requestId !== undefined && verdict.kind !== 'push') pending.delete(verdict.requestId);
      if (verdict.issues.length > 0) report('server', connection, verdict, frame, false);
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

    upstream.on('open', () => {
      upstreamOpened = true;
      for (const { data, isBinary } of queued.splice(0)) {
        upstream.send(data, isBinary ? BINARY : TEXT);
        counts.frames.client++;
      }
      if (clientClose !== undefined) {
        const close = sendableClose(clientClose.code, clientClose.reason, 'client connection lost');
        upstream.close(close.code, close.reason);
      }
    });
    upstream.on('error', (error: Error & { code?: string }) => {
      upstreamError = error.code ?? error.message;
    });
    client.on('error', () => {});

    upstream.on('close', (code, reason) => {
      pairs.delete(pair);
      if (client.readyState !== WebSocket.OPEN) return;
      if (!upstreamOpened) {
        client.close(1011, clipReason(`upstream ${base.origin} unreachable${upstreamError === '' ? '' : `: ${upstreamError}`}`));
        return;
      }
      const close = sendableClose(code, reason, 'upstream connection lost');
      client.close(close.code, close.reason);
    });
    client.on('close', (code, reason) => {
      if (upstream.readyState === WebSocket.OPEN) {
        const close = sendableClose(code, reason, 'client connection lost');
        upstream.close(close.code, close.reason);
      } else if (upstream.readyState === WebSocket.CONNECTING) {
        // Sent once the upstream opens, after the frames the client sent before it closed.
        clientClose = { code, reason };
      }
    });
  });

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
      const sockets = [...pairs].flatMap(({ client, upstream }) => [client, upstream]);
      pairs.clear();
      const closed = sockets.map((socket) => {
        if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
        return new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          if (socket.readyState === WebSocket.OPEN) socket.close(1001, 'the validating proxy is shutting down');
          else if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
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

/** The most characters of a frame a violation line shows. */
const FRAME_CLIP = 500;

function clip(text: string): string {
  return text.length <= FRAME_CLIP ? text : `${text.slice(0, FRAME_CLIP)}…`;
}

/** One line: `client→server send_sneak_peek /payload/extra: must NOT have additional properties {"requestId":...}`. */
export function formatViolation(violation: ProxyViolation): string {
  const arrow = violation.direction === 'client' ? 'client→server' : 'server→client';
  const action = violation.action === '' ? '(no action)' : violation.action;
  const pointer = violation.pointer === '' ? '(frame)' : violation.pointer;
  const rejected = violation.rejected ? ' [rejected]' : '';
  // A frame that is not JSON shows as a JSON string, so that the line stays one line.
  const frame = JSON.stringify(violation.frame) ?? String(violation.frame);
  return `${arrow} ${action} ${pointer}: ${violation.message}${rejected} ${clip(frame)}`;
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

/** Relays a plain HTTP request to the upstream's HTTP origin as it is (only `Host` names the upstream). */
function relayHttp(base: URL, incoming: IncomingMessage, outgoing: ServerResponse): void {
  const secure = base.protocol === 'wss:';
  const headers: OutgoingHttpHeaders = { ...incoming.headers, host: base.host };
  const send = secure ? httpsRequest : httpRequest;
  const relay = send(
    { protocol: secure ? 'https:' : 'http:', hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'), port: base.port, method: incoming.method, path: incoming.url, headers },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
      answer.pipe(outgoing);
      answer.on('error', () => outgoing.destroy());
    },
  );
  relay.on('error', (error: Error & { code?: string }) => {
    if (outgoing.headersSent) {
      outgoing.destroy();
      return;
    }
    outgoing.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    outgoing.end(`the validating proxy cannot reach the upstream ${base.origin}: ${error.code ?? error.message}\n`);
  });
  incoming.on('error', () => relay.destroy());
  incoming.pipe(relay);
}
