// The validating proxy over real sockets on 127.0.0.1: the reference server upstream (broken on
// purpose where a case needs a bad server), raw `ws` clients, and a scripted upstream where a case
// must see the exact bytes a server receives. Then the CLI, built (dist/proxy-cli.js), as a process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '@customer-chat/reference-server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer, type ServerOptions } from 'ws';
import { checkServerFrame } from '../src/frame-check.js';
import { formatViolation, formatViolationJson, startValidatingProxy, type ProxyViolation, type ValidatingProxy, type ValidatingProxyOptions } from '../src/proxy.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Frame = Record<string, any>;

/** How long a wait may take before the case fails (a guard against hanging, not an assertion on time). */
const WAIT_MS = 5000;

/** A raw WebSocket client that keeps everything it receives. */
class Peer {
  readonly texts: string[] = [];
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #listeners = new Set<() => void>();

  constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('error', () => {});
    socket.on('message', (data) => {
      const text = String(data);
      this.texts.push(text);
      try {
        this.frames.push(JSON.parse(text) as Frame);
      } catch {
        this.frames.push({ notJson: text });
      }
      for (const listener of [...this.#listeners]) listener();
    });
  }

  /** Opens a socket; `first` frames are sent as soon as it opens (the proxy's upstream connection is open by then). */
  static open(url: string, first: unknown[] = [], protocols: string[] = []): Promise<Peer> {
    const socket = new WebSocket(url, protocols);
    const peer = new Peer(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        for (const frame of first) peer.send(frame);
        resolve(peer);
      });
      socket.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame from index `since` on matching `predicate`, waiting for it. */
  waitFor(predicate: (frame: Frame) => boolean, label: string, since = 0, waitMs = WAIT_MS): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.frames.slice(since).find(predicate);
        if (found === undefined) return false;
        this.#listeners.delete(listener);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(new Error(`no ${label}; got ${JSON.stringify(this.frames.slice(since)).slice(0, 1000)}`));
      }, waitMs);
      this.#listeners.add(listener);
      check();
    });
  }

  reply(requestId: string): Promise<Frame> {
    return this.waitFor((f) => f.type === 'response' && f.requestId === requestId, `reply to ${requestId}`);
  }

  async request(action: string, payload: unknown, requestId: string): Promise<Frame> {
    this.send({ requestId, action, payload });
    return this.reply(requestId);
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
  }
}

/** What an upgrade request to `url` is answered when it is refused: the status line, headers and body (rejects when a WebSocket opens). */
function refusal(url: string): Promise<{ status: number; statusMessage: string; headers: IncomingHttpHeaders; body: string }> {
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.once('open', () => {
      socket.terminate();
      reject(new Error(`the upgrade to ${url} was accepted`));
    });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode!, statusMessage: response.statusMessage!, headers: response.headers, body });
        socket.terminate();
      });
    });
  });
}

/** `promise`, or a failure naming `label` when it has not settled after WAIT_MS. */
function guarded<T>(promise: Promise<T>, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${label}`)), WAIT_MS)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A plain HTTP request with the headers as given (fetch would refuse `Upgrade` and `Connection`): its status and body. */
function plainRequest(url: string, method: string, headers: OutgoingHttpHeaders, body: Uint8Array): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers: { ...headers, 'content-length': body.length } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Resolves once `value()` stayed the same for `quietMs` (checked every 50 ms). */
async function steady(value: () => number, quietMs = 500): Promise<number> {
  let last = value();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = value();
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return last;
}

/** Resolves once `condition` holds (checked every few milliseconds). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function referenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const server = await createReferenceServer({ port: 0, adminPort: 0, log: () => {}, heartbeatIntervalMs: 0, loginTimeoutMs: 0, ...options });
  cleanups.push(() => server.close());
  return server;
}

async function proxyTo(upstream: string, enforce = false, options: Partial<ValidatingProxyOptions> = {}): Promise<{ proxy: ValidatingProxy; violations: ProxyViolation[] }> {
  const violations: ProxyViolation[] = [];
  const proxy = await startValidatingProxy({ listen: { host: '127.0.0.1', port: 0 }, upstream, enforce, onViolation: (v) => violations.push(v), ...options });
  cleanups.push(() => proxy.close());
  return { proxy, violations };
}

/** A client of the reference server through the proxy, logged in, with a chat started. */
async function session(server: ReferenceServer, proxy: ValidatingProxy): Promise<{ peer: Peer; chat: string; thread: string; customerId: string }> {
  const { token, customerId } = server.issueToken();
  const peer = await Peer.open(server.socketUrl().replace(server.url, proxy.url), [{ requestId: 'login', action: 'login', payload: { token } }]);
  cleanups.push(() => peer.close());
  expect((await peer.reply('login')).success).toBe(true);
  const started = await peer.request('start_chat', {}, 'start');
  expect(started.success).toBe(true);
  return { peer, chat: started.payload.chat.id as string, thread: started.payload.thread.id as string, customerId };
}

const summaryOf = (frames: Frame[]): string[] => frames.map((f) => (f.type === 'push' ? `push:${f.action}` : `${f.success === true ? 'ok' : 'error'}:${f.action}:${f.requestId}`));

describe('validating proxy, reference server upstream', () => {
  it('relays a valid session in order both ways, with no violation', async () => {
    const server = await referenceServer();
    const { proxy, violations } = await proxyTo(server.url);
    const { token, customerId } = server.issueToken();
    // Sent the moment the client's socket opens: the proxy completes the client's upgrade only once the upstream's is.
    const peer = await Peer.open(server.socketUrl().replace(server.url, proxy.url), [
      { requestId: 'r1', action: 'login', payload: { token } },
      { requestId: 'r2', action: 'get_chats_summary', payload: {} },
      { requestId: 'r3', action: 'start_chat', payload: {} },
    ]);
    cleanups.push(() => peer.close());
    const chat = (await peer.reply('r3')).payload.chat.id as string;
    peer.send({ requestId: 'r4', action: 'send_sneak_peek', payload: { chat, text: 'Hel' } });
    peer.send({ requestId: 'r5', action: 'send_event', payload: { chat, event: { type: 'message', text: 'Hello' } } });
    peer.send({ requestId: 'r6', action: 'update_last_seen_timestamp', payload: { chat } });
    peer.send({ requestId: 'r7', action: 'close_thread', payload: { chat } });
    await peer.reply('r7');

    expect(summaryOf(peer.frames)).toEqual([
      'push:customer_id',
      'push:user_data',
      'ok:login:r1',
      'ok:get_chats_summary:r2',
      'ok:start_chat:r3',
      'ok:send_sneak_peek:r4',
      'ok:send_event:r5',
      'ok:update_last_seen_timestamp:r6',
      'push:thread_closed',
      'ok:close_thread:r7',
    ]);
    expect(peer.frames[0]).toEqual({ action: 'customer_id', type: 'push', payload: customerId });
    expect(server.store.chatUsers(chat)).toEqual([customerId]);
    expect(violations).toEqual([]);
    expect(proxy.summary()).toEqual({
      connections: 1,
      frames: { client: 7, server: 10 },
      invalidFrames: { client: 0, server: 0 },
      violations: { client: 0, server: 0 },
      violationsByAction: { client: {}, server: {} },
      rejected: { client: 0, server: 0 },
    });
  });

  it('a closed object with an extra field from the client: one violation, relayed, and the server answers validation', async () => {
    const server = await referenceServer();
    const { proxy, violations } = await proxyTo(server.url);
    const { peer, chat } = await session(server, proxy);
    const frame = { requestId: 'x1', action: 'send_sneak_peek', payload: { chat, text: 'Hi', extra: true } };
    const answer = await peer.request('send_sneak_peek', frame.payload, 'x1');
    expect(answer).toEqual({ requestId: 'x1', action: 'send_sneak_peek', type: 'response', success: false, payload: { error: { type: 'validation', message: expect.any(String), pointer: '/payload/extra' } } });
    expect(violations).toEqual([{ direction: 'client', connection: 0, action: 'send_sneak_peek', pointer: '/payload/extra', message: 'must NOT have additional properties', frame, rejected: false }]);
    expect(proxy.summary()).toEqual({
      connections: 1,
      frames: { client: 3, server: 5 },
      invalidFrames: { client: 1, server: 0 },
      violations: { client: 1, server: 0 },
      violationsByAction: { client: { send_sneak_peek: 1 }, server: {} },
      rejected: { client: 0, server: 0 },
    });
  });

  it('with enforce, that frame never reaches the server: the proxy answers it with a validation error at its pointer', async () => {
    const server = await referenceServer();
    const { proxy, violations } = await proxyTo(server.url, true);
    const { peer, chat } = await session(server, proxy);
    const frame = { requestId: 'x1', action: 'send_sneak_peek', payload: { chat, text: 'Hi', extra: true } };
    const answer = await peer.request('send_sneak_peek', frame.payload, 'x1');
    expect(answer).toEqual({
      requestId: 'x1',
      action: 'send_sneak_peek',
      type: 'response',
      success: false,
      payload: { error: { type: 'validation', message: 'must NOT have additional properties (rejected by the validating proxy)', pointer: '/payload/extra' } },
    });
    // The proxy's answer is itself a valid error response to that request.
    expect(checkServerFrame(answer, (id) => (id === 'x1' ? 'send_sneak_peek' : undefined)).issues).toEqual([]);
    expect(violations).toEqual([{ direction: 'client', connection: 0, action: 'send_sneak_peek', pointer: '/payload/extra', message: 'must NOT have additional properties', frame, rejected: true }]);
    // The connection goes on; the server saw login and start_chat, then this one.
    expect((await peer.request('send_sneak_peek', { chat, text: 'Hi' }, 'x2')).success).toBe(true);
    expect(proxy.summary()).toMatchObject({ frames: { client: 3, server: 5 }, violations: { client: 1, server: 0 }, rejected: { client: 1, server: 0 } });
  });

  it('a bad push from the server (thread_closed without chat): a server violation, passed on to the client', async () => {
    const server = await referenceServer({ protocolBreaks: { missingFieldInPush: 'thread_closed' } });
    const { proxy, violations } = await proxyTo(server.url);
    const { peer, chat, thread, customerId } = await session(server, proxy);
    await peer.request('close_thread', { chat }, 'c1');
    const push = { action: 'thread_closed', type: 'push', payload: { thread, user: customerId } };
    expect(summaryOf(peer.frames.slice(4))).toEqual(['push:thread_closed', 'ok:close_thread:c1']);
    expect(peer.frames[4]).toEqual(push);
    expect(violations).toEqual([{ direction: 'server', connection: 0, action: 'thread_closed', pointer: '/payload/chat', message: "must have required property 'chat'", frame: push, rejected: false }]);
    expect(proxy.summary()).toMatchObject({ frames: { client: 3, server: 6 }, violations: { client: 0, server: 1 }, violationsByAction: { client: {}, server: { thread_closed: 1 } }, rejected: { client: 0, server: 0 } });
  });

  it('with enforce, the bad push is dropped', async () => {
    const server = await referenceServer({ protocolBreaks: { missingFieldInPush: 'thread_closed' } });
    const { proxy, violations } = await proxyTo(server.url, true);
    const { peer, chat } = await session(server, proxy);
    await peer.request('close_thread', { chat }, 'c1');
    expect(summaryOf(peer.frames.slice(4))).toEqual(['ok:close_thread:c1']);
    expect(violations.map((v) => [v.direction, v.action, v.pointer, v.rejected])).toEqual([['server', 'thread_closed', '/payload/chat', true]]);
    expect(proxy.summary()).toMatchObject({ frames: { client: 3, server: 5 }, rejected: { client: 0, server: 1 } });
  });

  it('a push the server sends raw (new_event with an empty payload): one violation per pointer', async () => {
    const server = await referenceServer();
    const { proxy, violations } = await proxyTo(server.url);
    const { peer, customerId } = await session(server, proxy);
    const raw = '{"action":"new_event","type":"push","payload":{}}';
    expect(server.faults.sendRaw(customerId, raw)).toBe(1);
    await peer.request('get_chats_summary', {}, 'g1');
    expect(peer.texts).toContain(raw);
    expect(violations).toEqual([{ direction: 'server', connection: 0, action: 'new_event', pointer: '/payload/type', message: "must have required property 'type'", frame: JSON.parse(raw), rejected: false }]);
  });

  it('a reply with a requestId nobody waits for is a violation', async () => {
    const server = await referenceServer({ protocolBreaks: { wrongRequestId: 'get_chats_summary' } });
    const { proxy, violations } = await proxyTo(server.url);
    const { peer } = await session(server, proxy);
    peer.send({ requestId: 'g1', action: 'get_chats_summary', payload: {} });
    const reply = await peer.reply('g1-other');
    expect(violations).toEqual([
      { direction: 'server', connection: 0, action: 'get_chats_summary', pointer: '/requestId', message: 'answers no request waiting on this connection (requestId "g1-other")', frame: reply, rejected: false },
    ]);
  });

  it('an error with a null requestId is a violation unless a frame whose requestId the server cannot read waits for it', async () => {
    const server = await referenceServer();
    const { proxy, violations } = await proxyTo(server.url);
    const { peer, customerId } = await session(server, proxy);
    // Observed (not enforced): a frame that is not JSON goes on, and the server's null-id reply answers it.
    peer.send('not json');
    await peer.waitFor((f) => f.type === 'response' && f.requestId === null, 'the reply to the frame that is not JSON');
    expect(violations.map((v) => v.direction)).toEqual(['client']);
    // The same reply with nothing waiting for it: the server's violation.
    const unsolicited = { requestId: null, action: '', type: 'response', success: false, payload: { error: { type: 'validation', message: 'unsolicited' } } };
    expect(server.faults.sendRaw(customerId, JSON.stringify(unsolicited))).toBe(1);
    await peer.request('get_chats_summary', {}, 'g1');
    expect(violations.slice(1)).toEqual([
      { direction: 'server', connection: 0, action: '', pointer: '/requestId', message: 'answers no request waiting on this connection (requestId null, and no frame whose requestId could not be read waits for a reply)', frame: unsolicited, rejected: false },
    ]);
  });

  it.each([false, true])('a client reusing the requestId of a request still waiting: a client violation at /requestId; both replies match and reach it (enforce %s)', async (enforce) => {
    const server = await referenceServer();
    const { proxy, violations } = await proxyTo(server.url, enforce);
    const { peer } = await session(server, proxy);
    const second = { requestId: 'd', action: 'get_chat_threads_summary', payload: { chat: 'nope' } };
    peer.send({ requestId: 'd', action: 'get_chats_summary', payload: {} });
    peer.send(second);
    await peer.waitFor((f) => f.requestId === 'd' && f.action === 'get_chat_threads_summary', 'the reply to the second request');
    // Answered in order: once this reply is in, both replies to "d" went through the proxy.
    await peer.request('get_chats_summary', {}, 'g1');
    expect(summaryOf(peer.frames.slice(4))).toEqual(['ok:get_chats_summary:d', 'error:get_chat_threads_summary:d', 'ok:get_chats_summary:g1']);
    expect(violations).toEqual([
      { direction: 'client', connection: 0, action: 'get_chat_threads_summary', pointer: '/requestId', message: 'reuses requestId "d" of a request still waiting on this connection', frame: second, rejected: false },
    ]);
    expect(proxy.summary()).toMatchObject({ invalidFrames: { client: 1, server: 0 }, violations: { client: 1, server: 0 }, rejected: { client: 0, server: 0 } });
  });

  it('a message from the client that is not JSON, or binary, is a violation, relayed (the server answers validation)', async () => {
    const server = await referenceServer();
    const { proxy, violations } = await proxyTo(server.url);
    const { peer } = await session(server, proxy);
    peer.send('hello?');
    peer.socket.send(Buffer.from('{"requestId":"b1","action":"get_chats_summary","payload":{}}'), { binary: true });
    // Answered in order: once this reply is in, so are the answers to both.
    await peer.request('get_chats_summary', {}, 'g1');
    expect(summaryOf(peer.frames.slice(4))).toEqual(['error::null', 'error::null', 'ok:get_chats_summary:g1']);
    expect(violations.map((v) => [v.direction, v.action, v.pointer, v.message.replace(/:.*/, ''), v.frame, v.rejected])).toEqual([
      ['client', '', '', 'not JSON', 'hello?', false],
      ['client', '', '', 'a binary message', '{"requestId":"b1","action":"get_chats_summary","payload":{}}', false],
    ]);
    expect(proxy.summary()).toMatchObject({ frames: { client: 5, server: 7 }, violationsByAction: { client: { '': 2 }, server: {} } });
  });

  it('a frame too deeply nested to stringify again: one violation, logged clipped, and the relay goes on even when onViolation throws', async () => {
    const server = await referenceServer();
    const violations: ProxyViolation[] = [];
    const lines: string[] = [];
    const proxy = await startValidatingProxy({
      listen: { host: '127.0.0.1', port: 0 },
      upstream: server.url,
      onViolation: (v) => {
        violations.push(v);
        lines.push(formatViolation(v), formatViolationJson(v));
        throw new Error('a callback that throws');
      },
    });
    cleanups.push(() => proxy.close());
    const { peer } = await session(server, proxy);
    const depth = 20_000;
    peer.send(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    // Answered in order: once this reply is in, the deep frame was relayed and judged.
    expect((await peer.request('get_chats_summary', {}, 'g1')).success).toBe(true);
    expect(violations.map((v) => [v.direction, v.action, v.pointer, v.rejected])).toEqual([['client', '', '', false]]);
    const [text, json] = lines;
    expect(text).toBe(`client→server (no action) (frame): ${violations[0]!.message} ${'['.repeat(500)}…`);
    expect(JSON.parse(json!)).toMatchObject({ direction: 'client', connection: 0, pointer: '', frame: `${'['.repeat(500)}…` });
    expect(proxy.summary()).toMatchObject({ connections: 1, violations: { client: 1, server: 0 } });
  });

  it('with enforce, the proxy answers a message that is not JSON itself (requestId null, action "")', async () => {
    const server = await referenceServer();
    const { proxy } = await proxyTo(server.url, true);
    const { peer } = await session(server, proxy);
    peer.send('hello?');
    const answer = await peer.waitFor((f) => f.requestId === null, 'the proxy answer');
    expect(answer).toEqual({ requestId: null, action: '', type: 'response', success: false, payload: { error: { type: 'validation', message: expect.stringMatching(/^not JSON: /) } } });
    expect(proxy.summary()).toMatchObject({ frames: { client: 2 }, rejected: { client: 1, server: 0 } });
  });

  it("passes the server's close code and reason on to the client", async () => {
    const server = await referenceServer();
    const { proxy } = await proxyTo(server.url);
    const { peer, customerId } = await session(server, proxy);
    expect(server.disconnectCustomer(customerId, 'customer_banned')).toBe(1);
    expect(await peer.closed).toEqual({ code: 4000, reason: 'customer_banned' });
    expect(peer.frames.at(-1)).toEqual({ action: 'customer_disconnected', type: 'push', payload: { reason: 'customer_banned' } });
  });

  it('relays plain HTTP (the upload) to the server', async () => {
    const server = await referenceServer();
    const { proxy } = await proxyTo(server.url);
    const { token } = server.issueToken();
    const response = await fetch(`${proxy.url.replace(/^ws/, 'http')}/v1/files?licenseId=local&name=a.png`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ contentType: 'image/png', size: 4, name: 'a.png' });
    expect(server.storedFiles()).toEqual({ files: 1, bytes: 4 });
  });

  it('an upgrade the server refuses (no licenseId) is refused alike through the proxy: its status line and body, no WebSocket', async () => {
    const server = await referenceServer();
    const { proxy, violations } = await proxyTo(server.url);
    const direct = await refusal(`${server.url}/v1/customer`);
    expect(direct).toMatchObject({ status: 400, statusMessage: 'Bad Request', body: expect.stringMatching(/^missing query parameter licenseId/) });
    const proxied = await refusal(`${proxy.url}/v1/customer`);
    expect(proxied).toMatchObject({ status: direct.status, statusMessage: direct.statusMessage, body: direct.body });
    expect(proxied.headers['content-type']).toBe(direct.headers['content-type']);
    expect(violations).toEqual([]);
    expect(proxy.summary()).toMatchObject({ connections: 0, frames: { client: 0, server: 0 } });
  });

  it('with enforce, before login: a request the server can read goes on whatever its payload, and the server answers it authorization', async () => {
    const server = await referenceServer();
    const { proxy, violations } = await proxyTo(server.url, true);
    const peer = await Peer.open(server.socketUrl().replace(server.url, proxy.url));
    cleanups.push(() => peer.close());
    const payloadOnly = { chat: 'no-such-chat', text: 'Hi', extra: true };
    const early = await peer.request('send_sneak_peek', payloadOnly, 'p1');
    expect(early).toMatchObject({ requestId: 'p1', action: 'send_sneak_peek', success: false, payload: { error: { type: 'authorization' } } });
    // A failed login logs nobody in: the next such request still goes to the server.
    expect(await peer.request('login', { token: 'not-a-token' }, 'l1')).toMatchObject({ success: false, payload: { error: { type: 'authentication' } } });
    expect(await peer.request('send_sneak_peek', payloadOnly, 'p2')).toMatchObject({ success: false, payload: { error: { type: 'authorization' } } });
    // After a login's success response, the proxy answers it itself, as it always did.
    expect((await peer.request('login', { token: server.issueToken().token }, 'l2')).success).toBe(true);
    const late = await peer.request('send_sneak_peek', payloadOnly, 'p3');
    expect(late.payload.error).toEqual({ type: 'validation', message: 'must NOT have additional properties (rejected by the validating proxy)', pointer: '/payload/extra' });
    expect(violations.map((v) => [v.action, v.pointer, (v.frame as Frame).requestId, v.rejected])).toEqual([
      ['send_sneak_peek', '/payload/extra', 'p1', false],
      ['send_sneak_peek', '/payload/extra', 'p2', false],
      ['send_sneak_peek', '/payload/extra', 'p3', true],
    ]);
    expect(proxy.summary()).toMatchObject({ frames: { client: 4 }, invalidFrames: { client: 3, server: 0 }, rejected: { client: 1, server: 0 } });
  });

  it('with enforce, a request sent right after login, before its answer, goes on: the server, logged in by then, answers validation', async () => {
    const server = await referenceServer();
    const { proxy } = await proxyTo(server.url, true);
    const { token } = server.issueToken();
    const peer = await Peer.open(server.socketUrl().replace(server.url, proxy.url), [
      { requestId: 'l1', action: 'login', payload: { token } },
      { requestId: 'g1', action: 'get_chats_summary', payload: { extra: true } },
    ]);
    cleanups.push(() => peer.close());
    const answer = await peer.reply('g1');
    expect(answer.payload.error).toMatchObject({ type: 'validation', pointer: '/payload/extra' });
    expect(answer.payload.error.message).not.toMatch(/validating proxy/);
    expect(proxy.summary()).toMatchObject({ frames: { client: 2 }, invalidFrames: { client: 1 }, rejected: { client: 0, server: 0 } });
  });

  it('with enforce, before login: what the server cannot read (not an object, an unknown action, a bad requestId, a bad login) the proxy answers validation', async () => {
    const server = await referenceServer();
    const { proxy, violations } = await proxyTo(server.url, true);
    const peer = await Peer.open(server.socketUrl().replace(server.url, proxy.url));
    cleanups.push(() => peer.close());
    const errorOf = (frame: Frame) => [frame.requestId, frame.action, frame.payload.error.type, frame.payload.error.pointer];
    peer.send('[1]');
    expect(errorOf(await peer.waitFor((f) => f.requestId === null && f.payload.error.pointer === '', 'the answer to [1]'))).toEqual([null, '', 'validation', '']);
    expect(errorOf(await peer.request('no_such_action', {}, 'u1'))).toEqual(['u1', 'no_such_action', 'validation', '/action']);
    peer.send({ requestId: 'x'.repeat(65), action: 'send_sneak_peek', payload: { extra: true } });
    expect(errorOf(await peer.waitFor((f) => f.payload.error.pointer === '/requestId', 'the answer to a bad requestId'))).toEqual([null, 'send_sneak_peek', 'validation', '/requestId']);
    expect(errorOf(await peer.request('login', { token: 't', extra: true }, 'l1'))).toEqual(['l1', 'login', 'validation', '/payload/extra']);
    expect(violations.every((v) => v.rejected)).toBe(true);
    expect(proxy.summary()).toMatchObject({ frames: { client: 0, server: 0 }, rejected: { client: 4, server: 0 } });
  });

  it('plain HTTP and sockets map the path alike: the upstream base path, then the client path and query', async () => {
    // An upstream that answers plain requests and refuses every upgrade (404 with its own reason phrase, a header, a body).
    const seen: string[] = [];
    const upstream = createHttpServer((request, response) => {
      seen.push(`http ${request.url}`);
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    upstream.on('upgrade', (request, socket) => {
      seen.push(`upgrade ${request.url}`);
      socket.end('HTTP/1.1 404 Nothing Here\r\nx-upstream: yes\r\ncontent-type: text/plain\r\ncontent-length: 8\r\nconnection: close\r\n\r\nnot here');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => upstream.close(() => resolve())));
    const { port } = upstream.address() as AddressInfo;
    const { proxy } = await proxyTo(`ws://127.0.0.1:${port}/base?tenant=1`);
    const response = await fetch(`${proxy.url.replace(/^ws/, 'http')}/v1/files?name=a.png`);
    expect([response.status, await response.text()]).toEqual([200, 'ok']);
    expect(await refusal(`${proxy.url}/v1/customer?licenseId=L1`)).toMatchObject({ status: 404, statusMessage: 'Nothing Here', headers: { 'x-upstream': 'yes' }, body: 'not here' });
    expect(seen).toEqual(['http /base/v1/files?tenant=1&name=a.png', 'upgrade /base/v1/customer?tenant=1&licenseId=L1']);
  });

  it.each([false, true])('a requestId of 40 emoji (80 UTF-16 units, 40 characters: valid) is tracked: its reply reaches the client, with no violation (enforce %s)', async (enforce) => {
    const server = await referenceServer({ validateOutgoing: true });
    const { proxy, violations } = await proxyTo(server.url, enforce);
    const { peer } = await session(server, proxy);
    const id = '😀'.repeat(40);
    expect((await peer.request('get_chats_summary', {}, id)).success).toBe(true);
    expect(violations).toEqual([]);
    expect(proxy.summary()).toMatchObject({ invalidFrames: { client: 0, server: 0 }, rejected: { client: 0, server: 0 } });
  });

  it("with enforce, the proxy's own answer echoes a requestId of 64 emoji (64 characters: valid), and not one of 65", async () => {
    const server = await referenceServer();
    const { proxy } = await proxyTo(server.url, true);
    const { peer } = await session(server, proxy);
    const answer = await peer.request('get_chats_summary', { extra: true }, '😀'.repeat(64));
    expect(answer.payload.error).toMatchObject({ type: 'validation', pointer: '/payload/extra' });
    peer.send({ requestId: '😀'.repeat(65), action: 'get_chats_summary', payload: {} });
    const refused = await peer.waitFor((f) => f.requestId === null, 'the answer to a requestId of 65 emoji');
    expect(refused.payload.error).toMatchObject({ type: 'validation', pointer: '/requestId' });
  });

  it('with enforce, a second login, valid or not, is answered as the server answers it directly: validation at /action (also when sent before the first one is answered)', async () => {
    const server = await referenceServer();
    const { proxy, violations } = await proxyTo(server.url, true);
    // One customer throughout: the server's answer names it.
    const { token } = server.issueToken();
    const login = { requestId: 'l1', action: 'login', payload: { token } };
    const invalid = { requestId: 'l3', action: 'login', payload: { token: 12345 } };
    const answers = async (url: string): Promise<Frame[]> => {
      const peer = await Peer.open(server.socketUrl().replace(server.url, url), [login]);
      cleanups.push(() => peer.close());
      expect((await peer.reply('l1')).success).toBe(true);
      const valid = await peer.request('login', { token }, 'l2');
      peer.send(invalid);
      const early = await Peer.open(server.socketUrl().replace(server.url, url), [login, invalid]);
      cleanups.push(() => early.close());
      return [valid, await peer.reply('l3'), await early.reply('l3')];
    };
    const direct = await answers(server.url);
    expect(direct.map((f) => [f.requestId, f.payload.error.type, f.payload.error.pointer])).toEqual([
      ['l2', 'validation', '/action'],
      ['l3', 'validation', '/action'],
      ['l3', 'validation', '/action'],
    ]);
    expect(await answers(proxy.url)).toEqual(direct);
    // The invalid ones are reported all the same, and passed on for the server to answer.
    expect(violations.map((v) => [v.action, v.pointer, (v.frame as Frame).requestId, v.rejected])).toEqual([
      ['login', '/payload/token', 'l3', false],
      ['login', '/payload/token', 'l3', false],
    ]);
  });

  it('a plain HTTP upload that offers another protocol (Upgrade: h2c, as curl --http2 sends on http://) is relayed as plain HTTP, body included', async () => {
    const server = await referenceServer();
    const { proxy } = await proxyTo(server.url);
    const { token } = server.issueToken();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'image/png', connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAMAAABkAARAAAAAAAIAAAAA' };
    const upload = (base: string) => plainRequest(`${base.replace(/^ws/, 'http')}/v1/files?licenseId=local&name=a.png`, 'POST', headers, new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
    const direct = await upload(server.url);
    expect(direct.status).toBe(201);
    const proxied = await upload(proxy.url);
    expect(proxied.status).toBe(201);
    expect(JSON.parse(proxied.body)).toMatchObject({ contentType: 'image/png', size: 4, name: 'a.png' });
    expect(server.storedFiles()).toEqual({ files: 2, bytes: 8 });
  });

  it('a client that stops reading: the proxy holds about maxBufferedBytes for it and stops reading the server; once it reads again, every frame arrives, in order', async () => {
    // A server that never cuts a slow consumer: what the client does not read waits in the server.
    const server = await referenceServer({ maxUnsentBytes: 2 ** 30, maxTotalUnsentBytes: 2 ** 30 });
    const { proxy } = await proxyTo(server.url, false, { maxBufferedBytes: 256 * 1024 });
    const { peer, customerId } = await session(server, proxy);
    const before = proxy.summary().frames.server;
    peer.socket.pause();
    const count = 48;
    const frame = (i: number): string => JSON.stringify({ action: 'user_data', type: 'push', payload: { id: `u${i}`, type: 'agent', name: 'x'.repeat(1024 * 1024) } });
    for (let i = 0; i < count; i++) {
      expect(server.faults.sendRaw(customerId, frame(i))).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // What the proxy passed on: its bound, plus what the sockets' kernel buffers took (a few MiB).
    const passed = (await steady(() => proxy.summary().frames.server)) - before;
    expect(passed).toBeLessThan(count / 3);
    peer.socket.resume();
    // 48 MiB through the proxy's checks: longer than WAIT_MS on a loaded machine.
    await peer.waitFor((f) => f.payload?.id === `u${count - 1}`, 'the last frame', 0, 45_000);
    expect(peer.frames.filter((f) => f.action === 'user_data' && /^u\d+$/.test(f.payload.id)).map((f) => f.payload.id)).toEqual(Array.from({ length: count }, (_, i) => `u${i}`));
  });

  it("a client that stops reading is cut off by the server's own slow-consumer limit through the proxy, as directly", async () => {
    const server = await referenceServer({ maxUnsentBytes: 1024 * 1024 });
    const { proxy } = await proxyTo(server.url);
    const frame = JSON.stringify({ action: 'user_data', type: 'push', payload: { id: 'a', type: 'agent', name: 'x'.repeat(256 * 1024) } });
    /** Frames of 256 KiB the server sends to a client that reads nothing until it cuts it off (at most 128, 32 MiB). */
    const flood = async (url: string): Promise<number> => {
      const { peer, customerId } = await session(server, { url } as ValidatingProxy);
      peer.socket.pause();
      let sent = 0;
      while (sent < 128 && server.faults.sendRaw(customerId, frame) === 1) {
        sent++;
        await new Promise((resolve) => setImmediate(resolve));
      }
      return sent;
    };
    expect(await flood(server.url)).toBeLessThan(128);
    expect(await flood(proxy.url)).toBeLessThan(128);
  });
});

/** A WebSocket server that records what it receives and answers as the case says. */
async function scriptedUpstream(answer: (socket: WebSocket, text: string) => void = () => {}, options: ServerOptions = {}) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const received: string[] = [];
  const urls: string[] = [];
  const sockets: WebSocket[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  let connected: (socket: WebSocket) => void = () => {};
  const first = new Promise<WebSocket>((resolve) => (connected = resolve));
  wss.on('connection', (socket, request) => {
    urls.push(request.url ?? '');
    sockets.push(socket);
    socket.on('message', (data) => {
      received.push(String(data));
      answer(socket, String(data));
    });
    socket.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }));
    connected(socket);
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of wss.clients) socket.terminate();
        wss.close(() => resolve());
      }),
  );
  const { port } = wss.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}`, received, urls, sockets, closes, first };
}

const loginResponse = (requestId: string): string => `{ "requestId" : "${requestId}", "action":"login","type":"response","success":true,"payload":{"customerId":"c1"} }`;

describe('validating proxy, scripted upstream', () => {
  it('relays the very bytes in order both ways, the path and query appended to the upstream URL', async () => {
    const upstream = await scriptedUpstream((socket, text) => {
      const { requestId } = JSON.parse(text) as { requestId: string };
      socket.send('{"action":"customer_id","type":"push","payload":"c1"}');
      socket.send(loginResponse(requestId));
    });
    const { proxy, violations } = await proxyTo(`${upstream.url}/base?tenant=1`);
    const sent = Array.from({ length: 50 }, (_, i) => `{"requestId":"r${i}",  "action":"login","payload":{ "token":"t${i}" }}`);
    const peer = await Peer.open(`${proxy.url}/v1/customer?licenseId=L1`, sent);
    cleanups.push(() => peer.close());
    await peer.reply('r49');
    expect(upstream.urls).toEqual(['/base/v1/customer?tenant=1&licenseId=L1']);
    expect(upstream.received).toEqual(sent);
    expect(peer.texts).toEqual(sent.flatMap((_, i) => ['{"action":"customer_id","type":"push","payload":"c1"}', loginResponse(`r${i}`)]));
    expect(violations).toEqual([]);
    expect(proxy.summary()).toMatchObject({ frames: { client: 50, server: 100 } });
  });

  it('a response naming a user the server introduced on another connection only: a server violation at the user, passed on (also with enforce)', async () => {
    for (const enforce of [false, true]) {
      // Agent a1 is introduced on the first connection only; every chats summary names a1.
      const page = { chatsSummary: [{ id: 'C1', users: ['c1', 'a1'], lastEventsPerType: {} }], totalChats: 1 };
      let connections = 0;
      const upstream = await scriptedUpstream((socket, text) => {
        const { requestId, action } = JSON.parse(text) as { requestId: string; action: string };
        if (action === 'login') {
          connections += 1;
          socket.send(JSON.stringify({ action: 'user_data', type: 'push', payload: { id: 'c1', type: 'customer' } }));
          if (connections === 1) socket.send(JSON.stringify({ action: 'user_data', type: 'push', payload: { id: 'a1', type: 'agent' } }));
          socket.send(loginResponse(requestId));
        } else socket.send(JSON.stringify({ requestId, action, type: 'response', success: true, payload: page }));
      });
      const { proxy, violations } = await proxyTo(upstream.url, enforce);
      const first = await Peer.open(`${proxy.url}/v1/customer?licenseId=L1`);
      cleanups.push(() => first.close());
      await first.request('login', { token: 't' }, 'l1');
      await first.request('get_chats_summary', {}, 's1');
      expect(violations).toEqual([]);
      const second = await Peer.open(`${proxy.url}/v1/customer?licenseId=L1`);
      cleanups.push(() => second.close());
      await second.request('login', { token: 't' }, 'l2');
      expect((await second.request('get_chats_summary', {}, 's2')).payload).toEqual(page);
      const frame = { requestId: 's2', action: 'get_chats_summary', type: 'response', success: true, payload: page };
      expect(violations).toEqual([
        {
          direction: 'server',
          connection: 1,
          action: 'get_chats_summary',
          pointer: '/payload/chatsSummary/0/users/1',
          message: 'the get_chats_summary response names user "a1" before any user_data introducing them on that connection (a response comes after the user_data of every user it names that the connection was not told about yet)',
          frame,
          rejected: false,
        },
      ]);
    }
  });

  it('with enforce, the server never sees an invalid frame, and valid ones go on in order', async () => {
    const upstream = await scriptedUpstream((socket, text) => socket.send(loginResponse((JSON.parse(text) as { requestId: string }).requestId)));
    const { proxy } = await proxyTo(upstream.url, true);
    // The invalid login first: after a login (answered or not) the server may answer one itself
    // before reading its payload (a second login), so that one would go on.
    const peer = await Peer.open(`${proxy.url}/v1/customer?licenseId=L1`, [
      { requestId: 'b', action: 'login', payload: { token: 't', extra: 1 } },
      { requestId: 'a', action: 'login', payload: { token: 't' } },
      { requestId: 'c', action: 'login', payload: { token: 't' } },
    ]);
    cleanups.push(() => peer.close());
    await peer.reply('c');
    expect(upstream.received.map((t) => (JSON.parse(t) as { requestId: string }).requestId)).toEqual(['a', 'c']);
    expect(peer.frames.map((f) => [f.requestId, f.success])).toEqual([
      ['b', false],
      ['a', true],
      ['c', true],
    ]);
  });

  it('passes close codes and reasons both ways; an upstream that vanishes closes the client with 1011', async () => {
    const upstream = await scriptedUpstream();
    const { proxy } = await proxyTo(upstream.url);
    const first = await Peer.open(`${proxy.url}/`);
    await upstream.first;
    first.socket.close(4001, 'bye');
    expect(await first.closed).toEqual({ code: 4001, reason: 'bye' });
    await new Promise<void>((resolve) => upstream.sockets[0]!.once('close', () => resolve()));
    expect(upstream.closes[0]).toEqual({ code: 4001, reason: 'bye' });

    const second = await Peer.open(`${proxy.url}/`);
    await until(() => upstream.sockets.length === 2);
    upstream.sockets[1]!.close(4000, 'license_not_found');
    expect(await second.closed).toEqual({ code: 4000, reason: 'license_not_found' });

    const third = await Peer.open(`${proxy.url}/`);
    await until(() => upstream.sockets.length === 3);
    upstream.sockets[2]!.terminate();
    expect(await third.closed).toEqual({ code: 1011, reason: 'upstream connection lost' });
  });

  it('passes pings on end to end: the server answers them, and its pings reach the client', async () => {
    const upstream = await scriptedUpstream();
    const { proxy } = await proxyTo(upstream.url);
    const peer = await Peer.open(`${proxy.url}/`);
    cleanups.push(() => peer.close());
    const server = await upstream.first;
    const pingAtServer = new Promise<string>((resolve) => server.once('ping', (data) => resolve(String(data))));
    const pongAtClient = new Promise<string>((resolve) => peer.socket.once('pong', (data) => resolve(String(data))));
    peer.socket.ping('from-client');
    expect(await pingAtServer).toBe('from-client');
    expect(await pongAtClient).toBe('from-client');
    const pingAtClient = new Promise<string>((resolve) => peer.socket.once('ping', (data) => resolve(String(data))));
    const pongAtServer = new Promise<string>((resolve) => server.once('pong', (data) => resolve(String(data))));
    server.ping('from-server');
    expect(await pingAtClient).toBe('from-server');
    expect(await pongAtServer).toBe('from-server');
  });

  it('an unreachable upstream: the upgrade is answered 502 Bad Gateway, one line naming it, and no WebSocket', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createNetServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const { proxy, violations } = await proxyTo(`ws://127.0.0.1:${port}`);
    expect(await refusal(`${proxy.url}/v1/customer?licenseId=L1`)).toMatchObject({
      status: 502,
      statusMessage: 'Bad Gateway',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: `the validating proxy cannot reach the upstream ws://127.0.0.1:${port}: ECONNREFUSED\n`,
    });
    expect(violations).toEqual([]);
    expect(proxy.summary()).toMatchObject({ connections: 0, frames: { client: 0, server: 0 } });
  });

  it('a client that leaves before the upstream answered its upgrade: the proxy drops its own upgrade too', async () => {
    // An upstream that takes connections, reads them and never answers.
    const held: Array<{ closed: Promise<void> }> = [];
    const silent = createNetServer((socket) => {
      held.push({ closed: new Promise((resolve) => socket.on('close', () => resolve())) });
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const { port } = silent.address() as AddressInfo;
    const { proxy } = await proxyTo(`ws://127.0.0.1:${port}`);
    const socket = new WebSocket(`${proxy.url}/v1/customer?licenseId=L1`);
    socket.on('error', () => {});
    await until(() => held.length === 1);
    socket.terminate();
    await guarded(held[0]!.closed, "close of the proxy's upstream connection after the client left");
    // And one still waiting when the proxy closes is dropped with it.
    const waiting = new WebSocket(`${proxy.url}/v1/customer?licenseId=L1`);
    const ended = new Promise<void>((resolve) => waiting.on('error', () => resolve()));
    await until(() => held.length === 2);
    await proxy.close();
    await guarded(Promise.all([held[1]!.closed, ended]), 'end of the waiting upgrade when the proxy closed');
    expect(proxy.summary().connections).toBe(0);
  });

  it('a client that leaves while the upstream refusal is still arriving: the proxy drops both sockets, and close() ends', async () => {
    // An upstream that refuses the upgrade with a body that never ends.
    const held: Array<{ closed: Promise<void>; written: Promise<void> }> = [];
    const refusing = createNetServer((socket) => {
      socket.on('error', () => {});
      const written = new Promise<void>((resolve) => socket.once('data', () => socket.write('HTTP/1.1 400 Bad Request\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n', () => resolve())));
      held.push({ closed: new Promise((resolve) => socket.on('close', () => resolve())), written });
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => refusing.close(() => resolve())));
    const { port } = refusing.address() as AddressInfo;
    const proxy = await startValidatingProxy({ listen: { host: '127.0.0.1', port: 0 }, upstream: `ws://127.0.0.1:${port}` });
    const socket = new WebSocket(`${proxy.url}/v1/customer?licenseId=L1`);
    socket.on('error', () => {});
    await until(() => held.length === 1);
    await guarded(held[0]!.written, "the upstream's refusal head");
    // A moment for the proxy to read that head (not a bound on anything); the client leaves before the body ends.
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.terminate();
    await guarded(held[0]!.closed, "close of the proxy's upstream connection after the client left during the refusal");
    await guarded(proxy.close(), 'proxy.close()');
    expect(proxy.summary().connections).toBe(0);
  });

  it("the client's socket opens only once the upstream's has, with the subprotocol the upstream chose", async () => {
    const upstream = await scriptedUpstream(() => {}, { handleProtocols: (offered) => (offered.has('v2') ? 'v2' : false) });
    const { proxy } = await proxyTo(upstream.url);
    const peer = await Peer.open(`${proxy.url}/v1/customer?licenseId=L1`, [], ['v1', 'v2']);
    cleanups.push(() => peer.close());
    expect(upstream.urls).toEqual(['/v1/customer?licenseId=L1']);
    expect([peer.socket.protocol, (await upstream.first).protocol]).toEqual(['v2', 'v2']);
    expect(proxy.summary().connections).toBe(1);
  });

  it('a server that stops reading: the proxy holds about maxBufferedBytes for it and stops reading the client; once it reads again, every frame arrives, in order', async () => {
    const upstream = await scriptedUpstream();
    const { proxy } = await proxyTo(upstream.url, false, { maxBufferedBytes: 256 * 1024 });
    const peer = await Peer.open(`${proxy.url}/v1/customer?licenseId=L1`);
    cleanups.push(() => peer.close());
    const server = await upstream.first;
    server.pause();
    const count = 48;
    for (let i = 0; i < count; i++) peer.send(`{"n":${i},"pad":"${'x'.repeat(1024 * 1024)}"}`);
    // What the proxy passed on: its bound, plus what the sockets' kernel buffers took (a few MiB).
    expect(await steady(() => proxy.summary().frames.client)).toBeLessThan(count / 3);
    server.resume();
    await until(() => upstream.received.length === count);
    expect(upstream.received.map((text) => (JSON.parse(text) as { n: number }).n)).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('with enforce, a client that sends invalid requests and reads no answer: the proxy holds about maxBufferedBytes of its answers and stops reading that client', async () => {
    const upstream = await scriptedUpstream();
    const { proxy } = await proxyTo(upstream.url, true, { maxBufferedBytes: 256 * 1024 });
    const peer = await Peer.open(`${proxy.url}/v1/customer?licenseId=L1`);
    cleanups.push(() => peer.close());
    peer.socket.pause();
    // The proxy's answer repeats the unknown action: 64 KiB each.
    const count = 400;
    for (let i = 0; i < count; i++) peer.send({ requestId: `r${i}`, action: 'x'.repeat(64 * 1024), payload: {} });
    expect(await steady(() => proxy.summary().rejected.client)).toBeLessThan(count / 2);
    peer.socket.resume();
    await peer.waitFor((f) => f.requestId === `r${count - 1}`, 'the last answer');
    expect(peer.frames.map((f) => f.requestId)).toEqual(Array.from({ length: count }, (_, i) => `r${i}`));
    expect(upstream.received).toEqual([]);
  });

  it('an upstream that takes the connection and never answers: the upgrade is answered 504 Gateway Timeout after upstreamTimeoutMs, a plain HTTP request too', async () => {
    const held: Array<Promise<void>> = [];
    const silent = createNetServer((socket) => {
      held.push(new Promise((resolve) => socket.on('close', () => resolve())));
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const { port } = silent.address() as AddressInfo;
    const { proxy } = await proxyTo(`ws://127.0.0.1:${port}`, false, { upstreamTimeoutMs: 300 });
    const line = (what: string): string => `the validating proxy got no answer from the upstream ws://127.0.0.1:${port} ${what} within 300 ms (upstreamTimeoutMs)\n`;
    expect(await guarded(refusal(`${proxy.url}/v1/customer?licenseId=L1`), 'an answer to the upgrade')).toMatchObject({
      status: 504,
      statusMessage: 'Gateway Timeout',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: line('to the upgrade'),
    });
    await guarded(held[0]!, "close of the proxy's upstream connection");
    const response = await guarded(fetch(`${proxy.url.replace(/^ws/, 'http')}/v1/files`), 'an answer to the plain request');
    expect([response.status, await response.text()]).toEqual([504, line('to a plain HTTP request')]);
    await guarded(held[1]!, "close of the proxy's upstream connection for the plain request");
    expect(proxy.summary().connections).toBe(0);
  });

  it.each([
    [{ upstreamTimeoutMs: 0 }, 'upstreamTimeoutMs must be a whole number from 1 to 2147483647, not 0'],
    [{ upstreamTimeoutMs: 1.5 }, 'upstreamTimeoutMs must be a whole number from 1 to 2147483647, not 1.5'],
    [{ maxBufferedBytes: '1' }, 'maxBufferedBytes must be a whole number from 1 to 9007199254740991, not "1"'],
    [{ maxBufferedBytes: Number.NaN }, 'maxBufferedBytes must be a whole number from 1 to 9007199254740991, not NaN'],
  ])('refuses a bad option %j', async (option, message) => {
    await expect(startValidatingProxy({ listen: { host: '127.0.0.1', port: 0 }, upstream: 'ws://127.0.0.1:1', ...(option as Partial<ValidatingProxyOptions>) })).rejects.toThrow(message);
  });

  it('refuses an upstream that is not a ws: or wss: URL', async () => {
    await expect(startValidatingProxy({ listen: { host: '127.0.0.1', port: 0 }, upstream: 'http://127.0.0.1:1' })).rejects.toThrow('the upstream must be a ws:// or wss:// URL, not "http://127.0.0.1:1"');
  });
});

// The CLI, as a process.
const cli = fileURLToPath(new URL('../dist/proxy-cli.js', import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once `stream` holds `lines` complete lines. */
  lines(stream: 'stdout' | 'stderr', lines: number): Promise<string[]>;
  exit: Promise<number | null>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const text = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].setEncoding('utf8');
    child[stream].on('data', (chunk: string) => {
      text[stream] += chunk;
      for (const waiter of [...waiters]) waiter();
    });
  }
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    exit,
    lines: (stream, count) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const lines = text[stream].split('\n').slice(0, -1);
          if (lines.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(lines);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${stream} has no ${count} lines: ${JSON.stringify(text)}`));
        }, WAIT_MS);
        waiters.add(check);
        check();
      }),
  };
}

describe('customer-chat-proxy', () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: build the package first (pnpm --filter @customer-chat/conformance build)`);
  });

  it.each([
    [['--upstream', 'http://127.0.0.1:8787'], '--upstream must be a ws:// or wss:// URL, not "http://127.0.0.1:8787"'],
    [['--upstream', 'localhost:8787'], '--upstream must be a ws:// or wss:// URL, not "localhost:8787"'],
    [['--upstream', 'nonsense'], '--upstream must be a ws:// or wss:// URL, not "nonsense"'],
    [[], '--upstream <ws://host:port> is required'],
    [['--upstream'], '--upstream needs a value'],
    [['--listen', '9000', '--upstream', 'ws://127.0.0.1:8787'], '--listen must be HOST:PORT (e.g. 127.0.0.1:9000), not "9000"'],
    [['--listen', '127.0.0.1:70000', '--upstream', 'ws://127.0.0.1:8787'], '--listen port must be from 0 to 65535, not 70000'],
    [['--upstream', 'ws://127.0.0.1:8787', '--verbose'], 'unknown option --verbose'],
    // An argument with a newline in it still makes one line.
    [['--upstream', 'ws://127.0.0.1:8787', '--x\ny'], 'unknown option --x y'],
    [['--upstream', 'ws://127.0.0.1:8787', '--enforce=yes'], '--enforce takes no value'],
    [['--upstream', 'ws://127.0.0.1:8787', 'extra'], 'unexpected argument "extra" (every argument is a --flag)'],
    [['--upstream', 'ws://127.0.0.1:8787', '--upstream-timeout', '0'], '--upstream-timeout must be a whole number of milliseconds from 1 to 2147483647, not "0"'],
    [['--upstream', 'ws://127.0.0.1:8787', '--upstream-timeout'], '--upstream-timeout needs a value'],
    [['--upstream', 'ws://127.0.0.1:8787', '--max-buffered-bytes', '1e6'], '--max-buffered-bytes must be a whole number of bytes from 1 to 9007199254740991, not "1e6"'],
  ])('%j: exit code 2 and one line on stderr', async (args, message) => {
    const cliRun = run(args);
    expect(await cliRun.exit).toBe(2);
    expect(cliRun.stderr()).toBe(`customer-chat-proxy: ${message}; see --help\n`);
    expect(cliRun.stdout()).toBe('');
  });

  it('an address in use: exit code 2 and one line on stderr', async () => {
    const busy = createNetServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    const { port } = busy.address() as AddressInfo;
    const cliRun = run(['--listen', `127.0.0.1:${port}`, '--upstream', 'ws://127.0.0.1:8787']);
    expect(await cliRun.exit).toBe(2);
    expect(cliRun.stderr()).toBe(`customer-chat-proxy: cannot listen on 127.0.0.1:${port}: the address is in use\n`);
  });

  it('--help prints the usage and exits 0', async () => {
    const cliRun = run(['--help']);
    expect(await cliRun.exit).toBe(0);
    expect(cliRun.stdout()).toMatch(/^usage: customer-chat-proxy --upstream <ws:\/\/host:port>/);
    expect(cliRun.stderr()).toBe('');
  });

  it('relays, logs each violation as one line, and prints the summary on SIGTERM (exit code 0)', async () => {
    const server = await referenceServer();
    const cliRun = run(['--listen', '127.0.0.1:0', '--upstream', server.url]);
    const [listening] = await cliRun.lines('stdout', 1);
    const url = /listening on (ws:\/\/127\.0\.0\.1:\d+),/.exec(listening!)?.[1];
    expect(listening).toBe(`customer-chat-proxy: listening on ${url}, relaying to ${server.url} (checking: invalid frames are passed on)`);
    const { peer, chat } = await session(server, { url: url! } as ValidatingProxy);
    await peer.request('send_sneak_peek', { chat, text: 'Hi', extra: true }, 'x1');
    const [line] = await cliRun.lines('stderr', 1);
    expect(line).toBe(`client→server send_sneak_peek /payload/extra: must NOT have additional properties {"requestId":"x1","action":"send_sneak_peek","payload":{"chat":"${chat}","text":"Hi","extra":true}}`);
    cliRun.child.kill('SIGTERM');
    expect(await cliRun.exit).toBe(0);
    expect(cliRun.stdout()).toBe(
      [
        listening,
        'customer-chat-proxy summary: 1 connection',
        '  frames relayed: client→server 3, server→client 5',
        '  invalid frames: client→server 1, server→client 0',
        '  violations: client→server 1, server→client 0',
        '    client→server send_sneak_peek: 1',
        '  rejected: client→server 0, server→client 0',
        '',
      ].join('\n'),
    );
    expect(cliRun.stderr()).toBe(`${line}\n`);
  });

  it('--json --enforce: each violation as a JSON line, the summary as JSON', async () => {
    const server = await referenceServer();
    const cliRun = run(['--listen', '127.0.0.1:0', '--upstream', server.url, '--json', '--enforce']);
    const [listening] = await cliRun.lines('stdout', 1);
    const { listening: url } = JSON.parse(listening!) as { listening: string };
    expect(JSON.parse(listening!)).toEqual({ listening: url, upstream: server.url, enforce: true });
    const { peer, chat } = await session(server, { url } as ValidatingProxy);
    const answer = await peer.request('send_sneak_peek', { chat, text: 'Hi', extra: true }, 'x1');
    expect(answer.payload.error.pointer).toBe('/payload/extra');
    const [line] = await cliRun.lines('stderr', 1);
    expect(JSON.parse(line!)).toEqual({
      direction: 'client',
      connection: 0,
      action: 'send_sneak_peek',
      pointer: '/payload/extra',
      message: 'must NOT have additional properties',
      frame: { requestId: 'x1', action: 'send_sneak_peek', payload: { chat, text: 'Hi', extra: true } },
      rejected: true,
    });
    cliRun.child.kill('SIGINT');
    expect(await cliRun.exit).toBe(0);
    const lines = cliRun.stdout().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[1]!)).toEqual({
      summary: {
        connections: 1,
        frames: { client: 2, server: 4 },
        invalidFrames: { client: 1, server: 0 },
        violations: { client: 1, server: 0 },
        violationsByAction: { client: { send_sneak_peek: 1 }, server: {} },
        rejected: { client: 1, server: 0 },
      },
    });
  });

  it('--json: a frame too deeply nested to stringify again is logged clipped, and the proxy keeps relaying', async () => {
    const server = await referenceServer();
    const cliRun = run(['--listen', '127.0.0.1:0', '--upstream', server.url, '--json']);
    const [listening] = await cliRun.lines('stdout', 1);
    const { listening: url } = JSON.parse(listening!) as { listening: string };
    const { peer } = await session(server, { url } as ValidatingProxy);
    peer.send(`${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    const [line] = await cliRun.lines('stderr', 1);
    expect(JSON.parse(line!)).toMatchObject({ direction: 'client', connection: 0, action: '', pointer: '', frame: `${'['.repeat(500)}…`, rejected: false });
    expect((await peer.request('get_chats_summary', {}, 'g1')).success).toBe(true);
    cliRun.child.kill('SIGTERM');
    expect(await cliRun.exit).toBe(0);
  });
});
