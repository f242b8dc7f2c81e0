// A request with an `Upgrade` header for another protocol than WebSocket (`h2c`, which
// `curl --http2` offers on http://) is also a plain HTTP request a server may serve as such. Node
// hands every request with `Upgrade` to the server's `upgrade` listener and stops parsing that
// connection; these put such a request back on the server's normal path. Shared by the reference
// server and the conformance proxy (bundled into each: neither may depend on the other).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Whether a request asks for a WebSocket: `Upgrade: websocket`, in any case (ws's own rule). */
export function wantsWebSocket(request: IncomingMessage): boolean {
  return (request.headers.upgrade ?? '').trim().toLowerCase() === 'websocket';
}

/**
 * Serves a request with an `Upgrade` header for another protocol as the plain HTTP request it also
 * is. Node took it for an upgrade and stopped parsing the connection, the body unread (`head` is
 * what arrived of it with the head). So the request head goes back in front of it, without
 * `Upgrade`, and `server` parses the connection again from there: the body (by `Content-Length`
 * or chunked), `Expect: 100-continue`, keep-alive and later requests on the connection are served
 * as any request's.
 */
export function serveWithoutUpgrade(server: Server, request: IncomingMessage, socket: Duplex, head: Buffer): void {
  const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/${request.httpVersion}`];
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'upgrade') lines.push(`${raw[i]!}: ${raw[i + 1]!}`);
  }
  // Node reads a request head as latin1: written back the same way, every byte is as it came.
  socket.unshift(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]));
  server.emit('connection', socket);
}
