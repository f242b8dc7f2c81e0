// A wire tap: a WebSocket proxy between clients (the SDK, raw sockets) and the reference server. It
// forwards every frame unchanged, in order, and records them, so a case can assert the frames the
// server actually sent. Told to drop some pushes, it plays a degraded server that never sends them
// (without touching the reference server): what the coverage meta-test runs the cases against.
// Plain HTTP requests (the spec's x-http operations) are relayed to the server's HTTP origin as they are.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import { isPushOf, model } from './model.js';

export interface TappedFrame {
  /** Which client connection (0, 1, ... in connection order) it travelled on. */
  connection: number;
  /** The frame, parsed (the raw text when it is not JSON). */
  frame: unknown;
}

export interface TapOptions {
  /** Push actions not forwarded to clients (recorded in `dropped` instead). */
  dropPushes?: readonly string[] | undefined;
  /** How long `next` waits for a frame. */
  timeoutMs: number;
}

export interface Tap {
  /** The base URL clients connect to instead of the server's (path and query are forwarded). */
  readonly url: string;
  /** Frames the server sent that reached the clients, in order. */
  readonly received: readonly TappedFrame[];
  /** Frames the clients sent to the server, in order. */
  readonly sent: readonly TappedFrame[];
  /** Frames the tap swallowed. */
  readonly dropped: readonly TappedFrame[];
  /** The position from which `nextPush` looks: frames received from now on. */
  mark(): number;
  /** The first push of `action` received at or after `from`, waiting for it if needed. */
  nextPush(action: string, from?: number): Promise<Record<string, unknown>>;
  /** The last frame of `action` a client sent. */
  lastSent(action: string): TappedFrame | undefined;
  /** The server's reply to a frame a client sent (same connection, same correlation id), waiting for it if needed. */
  replyTo(request: TappedFrame): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

interface Waiter {
  matches(entry: TappedFrame): boolean;
  from: number;
  resolve(frame: unknown): void;
}

export async function startTap(upstream: string, options: TapOptions): Promise<Tap> {
  const dropPushes = options.dropPushes ?? [];
  const upstreamHttp = new URL(upstream.replace(/^ws/, 'http'));
  const http = createServer((incoming, outgoing) => {
    const relay = httpRequest({ host: upstreamHttp.hostname, port: upstreamHttp.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    relay.on('error', () => outgoing.destroy());
    incoming.on('error', () => relay.destroy());
    incoming.pipe(relay);
  });
  const server = new WebSocketServer({ server: http });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const received: TappedFrame[] = [];
  const sent: TappedFrame[] = [];
  const dropped: TappedFrame[] = [];
  const sockets = new Set<WebSocket>();
  const waiters = new Set<Waiter>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;

  const receive = (entry: TappedFrame): void => {
    received.push(entry);
    for (const waiter of [...waiters]) {
      if (received.length - 1 >= waiter.from && waiter.matches(entry)) {
        waiters.delete(waiter);
        waiter.resolve(entry.frame);
      }
    }
  };

  const wait = (description: string, from: number, matches: (entry: TappedFrame) => boolean): Promise<Record<string, unknown>> => {
    const found = received.slice(from).find(matches);
    if (found) return Promise.resolve(found.frame as Record<string, unknown>);
    const promise = new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        timers.delete(timer);
        reject(new Error(`the server sent no ${description} within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      timers.add(timer);
      const waiter: Waiter = {
        matches,
        from,
        resolve: (frame) => {
          clearTimeout(timer);
          timers.delete(timer);
          resolve(frame as Record<string, unknown>);
        },
      };
      waiters.add(waiter);
    });
    // A case that fails before awaiting this must not leave an unhandled rejection behind.
    promise.catch(() => {});
    return promise;
  };

  server.on('connection', (client, request) => {
    const connection = connections++;
    const target = new WebSocket(`${upstream}${request.url ?? '/'}`);
    sockets.add(client).add(target);
    const pending: Array<{ data: RawData; isBinary: boolean }> = [];
    target.on('open', () => {
      for (const { data, isBinary } of pending.splice(0)) target.send(data, { binary: isBinary });
    });
    client.on('message', (data, isBinary) => {
      sent.push({ connection, frame: parse(data) });
      if (target.readyState === WebSocket.OPEN) target.send(data, { binary: isBinary });
      else pending.push({ data, isBinary });
    });
    target.on('message', (data, isBinary) => {
      const entry = { connection, frame: parse(data) };
      if (dropPushes.some((action) => isPushOf(action, entry.frame))) {
        dropped.push(entry);
        return;
      }
      receive(entry);
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    });
    // A close on one side is passed on with its code and reason; an abrupt end (1005, 1006) abruptly.
    target.on('close', (code, reason) => forwardClose(client, code, reason));
    client.on('close', (code, reason) => forwardClose(target, code, reason));
    target.on('error', () => client.terminate());
    client.on('error', () => target.terminate());
  });

  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    received,
    sent,
    dropped,
    mark: () => received.length,
    nextPush: (action, from = 0) => wait(`${action} push`, from, (entry) => isPushOf(action, entry.frame)),
    lastSent: (action) => sent.filter((entry) => (entry.frame as Record<string, unknown> | undefined)?.action === action).at(-1),
    replyTo(request) {
      const frame = request.frame as Record<string, unknown>;
      const id = frame[model.correlationField];
      return wait(`reply to ${String(frame.action)} ${String(id)}`, 0, (entry) => entry.connection === request.connection && (entry.frame as Record<string, unknown> | undefined)?.[model.correlationField] === id);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      waiters.clear();
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function parse(data: RawData): unknown {
  const text = String(data);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function forwardClose(socket: WebSocket, code: number, reason: Buffer): void {
  if (socket.readyState === WebSocket.CLOSED || socket.readyState === WebSocket.CLOSING) return;
  const sendable = code === 1000 || (code >= 1001 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
  if (!sendable) socket.terminate();
  else if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
  else socket.close(code, reason);
}
