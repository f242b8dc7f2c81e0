import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { type ClientErrorEvent, ClientCore, type ClientOptions } from '../../src/runtime/client-core.js';
import { SDKError } from '../../src/runtime/errors.js';
import type { ProtocolDescription } from '../../src/runtime/protocol.js';
import { observableKey } from '../../src/runtime/observable.js';
import type { WebSocketConstructor } from '../../src/runtime/socket.js';
import { type ToyEvents, type ToyRequests, delay, next, record, rejection, slowInFlight, toyProtocol, until, useToyClients } from './fixtures.js';

type Client = ClientCore<ToyEvents, ToyRequests>;

const toy = useToyClients({ query: { room: 'r1' }, requestTimeout: 1000 });
const makeClient = (options: Partial<ClientOptions> = {}): Client => toy.makeClient(options);

/** `client[Symbol.observable]()` where `Symbol.observable` may be undefined (plain Node.js). */
function interop(client: Client): ReturnType<Client[typeof Symbol.observable]> {
  return (client as unknown as Record<PropertyKey, () => ReturnType<Client[typeof Symbol.observable]>>)[observableKey]!();
}

describe('ClientCore handshake', () => {
  it('logs in, sends the ready request, then emits connected with its result', async () => {
    const client = makeClient({ loginArguments: { device: 'phone' } });
    const seen = record(client);
    expect(client.state).toBe('idle');
    // Made before the connection: sent after the handshake.
    const echo = client.request('echo', { text: 'early' });
    await client.connect();
    expect(client.state).toBe('connected');
    await expect(echo).resolves.toEqual({ text: 'early' });

    expect(toy.server.urls).toEqual(['/toy?room=r1']);
    expect(toy.server.received.map((r) => r.op)).toEqual(['HELLO', 'SYNC', 'ECHO']);
    expect(toy.server.received[0]?.body).toEqual({ device: 'phone', key: 'secret' });
    expect(toy.server.received[1]?.body).toEqual({});
    // The push the server sent before answering the login is emitted as usual, before `up`.
    expect(seen).toEqual([
      ['note', { text: 'welcome 1' }],
      ['up', { items: 1 }],
    ]);
  });

  it('connect() is idempotent and autoConnect=false waits for it', async () => {
    const client = makeClient({ autoConnect: false });
    await delay(30);
    expect(client.state).toBe('idle');
    expect(toy.server.attempts).toBe(0);
    const a = client.connect();
    const b = client.connect();
    expect(client.state).toBe('connecting');
    await Promise.all([a, b]);
    await client.connect();
    expect(toy.server.attempts).toBe(1);
  });

  it('fetches a fresh token and retries once when the login is refused', async () => {
    const tokens = ['stale', 'secret'];
    const getToken = vi.fn(async () => tokens.shift() ?? 'none');
    const client = makeClient({ getToken });
    await client.connect();
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(toy.server.received.map((r) => r.op)).toEqual(['HELLO', 'HELLO', 'SYNC']);
  });

  it('reports a login refused twice and gives up when reconnection is off', async () => {
    const client = makeClient({ getToken: () => 'wrong', reconnect: false });
    const errors: ClientErrorEvent[] = [];
    client.on('error', (e) => errors.push(e));
    const error = await rejection(client.connect());
    expect(error.code).toBe('AUTHENTICATION');
    expect(error.type).toBe('bad_key');
    expect(client.state).toBe('disconnected');
    expect(errors.map((e) => e.code)).toEqual(['AUTHENTICATION']);
    expect(toy.server.received.map((r) => r.op)).toEqual(['HELLO', 'HELLO']);
  });

  it('reports a failing getToken through error and retries with back-off', async () => {
    let calls = 0;
    const client = makeClient({
      getToken: () => {
        calls += 1;
        if (calls === 1) throw new Error('token service down');
        return 'secret';
      },
    });
    const error = next(client, 'error');
    await client.connect();
    expect(await error).toMatchObject({ code: 'AUTHENTICATION', message: expect.stringMatching(/token service down/) });
    expect(toy.server.attempts).toBe(2);
  });

  it('requires a WebSocket implementation, with a clear error', () => {
    expect(globalThis.WebSocket).toBeUndefined(); // Node 20
    expect(() => new ClientCore(toyProtocol, { url: toy.server.url, getToken: () => 't' })).toThrow(/No WebSocket implementation/);
  });

  it('works with on* properties when the socket has no addEventListener (older browser style)', async () => {
    class PropertySocket {
      readonly #ws: WebSocket;
      onopen: ((event: unknown) => void) | null = null;
      onmessage: ((event: { data: unknown }) => void) | null = null;
      onclose: ((event: unknown) => void) | null = null;
      onerror: ((event: unknown) => void) | null = null;
      constructor(url: string) {
        this.#ws = new WebSocket(url);
        this.#ws.onopen = (e) => this.onopen?.(e);
        this.#ws.onmessage = (e) => this.onmessage?.({ data: e.data });
        this.#ws.onclose = (e) => this.onclose?.(e);
        this.#ws.onerror = (e) => this.onerror?.(e);
      }
      get readyState() {
        return this.#ws.readyState;
      }
      send(data: string) {
        this.#ws.send(data);
      }
      close(code?: number) {
        this.#ws.close(code);
      }
    }
    const client = makeClient({ WebSocket: PropertySocket satisfies WebSocketConstructor });
    await client.connect();
    await expect(client.request('echo', { text: 'hi' })).resolves.toEqual({ text: 'hi' });
  });
});

describe('ClientCore requests', () => {
  it('turns a server error into an SDKError with the mapped code and the server type', async () => {
    const client = makeClient();
    const error = await rejection(client.request('fail', { kind: 'nope' }));
    expect(error.code).toBe('NOPE');
    expect(error.type).toBe('nope');
    expect(error.message).toBe('failed with nope');
    expect(error.details).toEqual({ kind: 'nope', text: 'failed with nope' });
    // An error type the protocol does not map still gets a code.
    expect((await rejection(client.request('fail', { kind: 'odd_thing' }))).code).toBe('ODD_THING');
  });

  it('rejects with INVALID_RESPONSE when an error response is malformed', async () => {
    const client = makeClient();
    await client.connect();
    const errorEvent = next(client, 'error');
    const { pending } = await slowInFlight(client, toy.server);
    toy.server.send({ t: 'x', n: toy.server.received.at(-1)?.id, body: { kind: 42 } });
    const error = await rejection(pending);
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(await errorEvent).toMatchObject({ code: 'INVALID_RESPONSE', errors: [{ path: '/kind' }] });
  });

  it('rejects invalid arguments with INVALID_ARGS and the issues, sending nothing', async () => {
    const client = makeClient();
    await client.connect();
    const error = await rejection(client.request('echo', { text: 5 } as unknown as { text: string }));
    expect(error.code).toBe('INVALID_ARGS');
    expect(error.details).toEqual([{ path: '/text', message: 'must be string', keyword: 'type' }]);
    expect((await rejection(client.request('nothing' as 'echo', { text: '' }))).code).toBe('INVALID_ARGS');
    expect(toy.server.received.map((r) => r.op)).toEqual(['HELLO', 'SYNC']);
  });

  it('rejects an invalid response with INVALID_RESPONSE and emits error', async () => {
    const client = makeClient();
    const errorEvent = next(client, 'error');
    const error = await rejection(client.request('broken', {}));
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(await errorEvent).toMatchObject({ code: 'INVALID_RESPONSE', errors: [{ path: '/text' }] });
  });

  it('times out with REQUEST_TIMEOUT; a late response is reported through error', async () => {
    const client = makeClient({ requestTimeout: 60 });
    await client.connect();
    const errors: ClientErrorEvent[] = [];
    client.on('error', (e) => errors.push(e));
    const error = await rejection(client.request('slow', { ms: 120 }));
    expect(error.code).toBe('REQUEST_TIMEOUT');
    await until(() => errors.length > 0);
    expect(errors[0]).toMatchObject({ code: 'INVALID_FRAME', message: expect.stringMatching(/unknown request/) });
    expect(client.state).toBe('connected');
  });

  it('a request made before connect() (autoConnect off) fails at once, unsent; a queued one (offlineQueue) still times out', async () => {
    const client = makeClient({ autoConnect: false, requestTimeout: 40 });
    const error = await rejection(client.request('echo', { text: 'x' }));
    expect(error).toMatchObject({ code: 'CONNECTION_LOST', message: 'not sent: the client is not connected (idle)', details: { sent: false } });
    const queueing = makeClient({ autoConnect: false, requestTimeout: 40, offlineQueue: { max: 5 } });
    const timedOut = await rejection(queueing.request('echo', { text: 'x' }));
    expect(timedOut).toMatchObject({ code: 'REQUEST_TIMEOUT', message: 'not sent: not connected within 40 ms', details: { sent: false } });
    await client.connect();
    await queueing.connect();
    expect(toy.server.received.map((r) => r.op)).toEqual(['HELLO', 'SYNC', 'HELLO', 'SYNC']);
  });

  it('a push whose description names nothing is emitted and checked under its action', async () => {
    const client = makeClient();
    await client.connect();
    const errors: ClientErrorEvent[] = [];
    client.on('error', (e) => errors.push(e));
    const ticks = next(client, 'tick');
    toy.server.push('tick', { n: 5 });
    toy.server.push('tick', { n: 'one' });
    expect(await ticks).toEqual({ n: 'one' });
    expect(errors).toMatchObject([{ code: 'INVALID_FRAME', message: 'dropped an invalid "tick" push: /n must be string' }]);
  });

  it('validate: false skips validation both ways', async () => {
    const client = makeClient({ validate: false });
    await client.connect();
    const notes = next(client, 'note');
    toy.server.push('NOTE', { text: 42, extra: true });
    expect(await notes).toEqual({ text: 42, extra: true });
    await expect(client.request('broken', {})).resolves.toEqual({ text: 42 });
    // Not checked on the way out either: the server gets it as it is.
    await client.request('echo', { text: 'ok', more: 1 } as unknown as { text: string });
    expect(toy.server.received.at(-1)?.body).toEqual({ text: 'ok', more: 1 });
  });
});

describe('ClientCore incoming frames', () => {
  it('drops garbage frames with an error event and keeps the connection', async () => {
    const client = makeClient();
    await client.connect();
    const errors: ClientErrorEvent[] = [];
    client.on('error', (e) => errors.push(e));
    const notes: unknown[] = [];
    client.on('note', (n) => notes.push(n));

    toy.server.send('this is not json');
    toy.server.send({ t: 'p', what: 'MYSTERY', body: {} });
    toy.server.send({ t: 'p', what: 'NOTE', body: { text: 7 } });
    toy.server.send({ hello: 'world' });
    toy.server.send({ t: 'a', n: 'nobody', body: {} });
    toy.server.send({ t: 'x', n: null, body: { kind: 'busy', text: 'cannot read your frame' } });
    toy.server.send('x'.repeat(5000));
    toy.server.push('NOTE', { text: 'still here' });

    await until(() => notes.length === 1);
    expect(notes).toEqual([{ text: 'still here' }]);
    expect(errors.map((e) => e.code)).toEqual([
      'INVALID_FRAME',
      'INVALID_FRAME',
      'INVALID_FRAME',
      'INVALID_FRAME',
      'INVALID_FRAME',
      'BUSY',
      'INVALID_FRAME',
    ]);
    expect(errors[0]?.frame).toBe('this is not json');
    expect(errors[1]?.message).toMatch(/MYSTERY/);
    expect(errors[2]?.errors).toEqual([{ path: '/text', message: 'must be string', keyword: 'type' }]);
    expect(errors[4]?.message).toMatch(/unknown request "nobody"/);
    expect(errors[5]?.message).toMatch(/cannot read your frame/);
    expect(errors[6]?.frame?.length).toBeLessThan(1100); // truncated
    expect(client.state).toBe('connected');
    await expect(client.request('echo', { text: 'after' })).resolves.toEqual({ text: 'after' });
  });

  it('a throwing listener does not stop the others, and a throwing error listener does not loop', async () => {
    const client = makeClient();
    await client.connect();
    const errors: ClientErrorEvent[] = [];
    client.on('error', (e) => errors.push(e));
    client.on('error', () => {
      throw new Error('the error listener is broken too');
    });
    client.on('note', () => {
      throw new Error('listener bug');
    });
    const second = vi.fn();
    client.on('note', second);
    const done = next(client, 'note');
    toy.server.push('NOTE', { text: 'hi' });
    await done;
    expect(second).toHaveBeenCalledWith({ text: 'hi' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'LISTENER_ERROR', message: expect.stringMatching(/"note" threw: listener bug/) });
    expect(errors[0]?.cause).toBeInstanceOf(Error);
  });
});

describe('ClientCore link loss and reconnection', () => {
  it('rejects pending requests with CONNECTION_LOST, emits the lost event, then reconnects and emits restored', async () => {
    const client = makeClient();
    const seen = record(client);
    await client.connect();
    const { pending } = await slowInFlight(client, toy.server);
    const restored = next(client, 'back');
    toy.server.dropAll();
    expect((await rejection(pending)).code).toBe('CONNECTION_LOST');
    expect(await restored).toEqual({ items: 2 });
    expect(client.state).toBe('connected');
    expect(seen.map(([name]) => name)).toEqual(['note', 'up', 'down', 'note', 'back']);
    expect(seen[2]).toEqual(['down', undefined]);
  });

  it('emits lost once per outage and retries with back-off until the server is back', async () => {
    const client = makeClient({ reconnect: { initialDelay: 5, maxDelay: 20, factor: 2, random: () => 0 }, minUptimeForBackoffReset: 0 });
    const seen = record(client);
    await client.connect();
    toy.server.accept = false;
    toy.server.dropAll();
    await until(() => toy.server.attempts >= 5);
    expect(client.state).toBe('reconnecting');
    // Made during the outage: fails at once, unsent (no offlineQueue).
    const during = await rejection(client.request('echo', { text: 'during' }));
    expect(during).toMatchObject({ code: 'CONNECTION_LOST', message: 'not sent: the client is not connected (reconnecting)' });
    const back = next(client, 'back');
    toy.server.accept = true;
    await back;
    expect(client.state).toBe('connected');
    expect(toy.server.received.map((r) => r.op)).not.toContain('ECHO');
    expect(seen.filter(([name]) => name === 'down')).toHaveLength(1);
    expect(seen.filter(([name]) => name === 'back')).toHaveLength(1);
    expect(seen.filter(([name]) => name === 'up')).toHaveLength(1);

    // The back-off was reset when that session ended (minUptimeForBackoffReset 0): the next outage starts over.
    toy.server.dropAll();
    await until(() => seen.filter(([name]) => name === 'back').length === 2);
    expect(seen.filter(([name]) => name === 'down')).toHaveLength(2);
  });

  it('waits longer and longer between attempts', async () => {
    const client = makeClient({ autoConnect: false, reconnect: { initialDelay: 20, factor: 3, maxDelay: 1000, random: () => 0 } });
    toy.server.accept = false;
    const times: number[] = [];
    client.connect().catch(() => undefined);
    const start = Date.now();
    await until(() => {
      if (toy.server.attempts > times.length) times.push(Date.now() - start);
      return times.length >= 4;
    }, 3000);
    // Delays of 20, 60 and 180 ms: attempts at about 0, 20, 80 and 260 ms (only later under load).
    expect(times[1]).toBeGreaterThanOrEqual(15);
    expect(times[2]).toBeGreaterThanOrEqual(75);
    expect(times[3]).toBeGreaterThanOrEqual(250);
    expect(client.state).toBe('reconnecting');
  });

  it('does not emit lost for a connection that never came up, reports each failed attempt, and connect() resolves once it does', async () => {
    toy.server.accept = false;
    const client = makeClient();
    const seen = record(client);
    const connected = client.connect();
    await until(() => toy.server.attempts >= 2);
    toy.server.accept = true;
    await connected;
    const names = seen.map(([name]) => name);
    expect(names.slice(-2)).toEqual(['note', 'up']);
    // Each refused upgrade (HTTP 503, so the socket closes with 1006) is an error, never a `down`.
    const failed = seen.slice(0, -2);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(failed).toEqual(failed.map(() => ['error', { code: 'CONNECTION_LOST', message: 'the connection attempt failed: the socket closed (1006)' }]));
  });

  it('reconnect: false stays disconnected after a lost link', async () => {
    const client = makeClient({ reconnect: false });
    await client.connect();
    const lost = next(client, 'down');
    toy.server.dropAll();
    await lost;
    expect(client.state).toBe('disconnected');
    await delay(50);
    expect(toy.server.attempts).toBe(1);
    // A manual connect() brings it back, as a fresh connection.
    const up = next(client, 'up');
    await client.connect();
    expect(await up).toEqual({ items: 2 });
  });
});

describe('ClientCore session end reactions', () => {
  it('reconnect: emits the reason, then reconnects by itself and emits restored', async () => {
    const client = makeClient();
    const seen = record(client);
    await client.connect();
    const restored = next(client, 'back');
    toy.server.push('BYE', { why: 'again' });
    await restored;
    const names = seen.map(([name]) => name);
    expect(names).toEqual(['note', 'up', 'ended', 'note', 'back']);
    expect(seen[2]).toEqual(['ended', 'again']);
    expect(names).not.toContain('down');
  });

  it('stay_disconnected: stays disconnected until connect()', async () => {
    const client = makeClient();
    await client.connect();
    const { pending } = await slowInFlight(client, toy.server);
    const ended = next(client, 'ended');
    toy.server.push('BYE', { why: 'wait' });
    expect(await ended).toBe('wait');
    expect(client.state).toBe('disconnected');
    expect((await rejection(pending)).code).toBe('CONNECTION_LOST');
    await delay(60);
    expect(toy.server.attempts).toBe(1);
    await client.connect();
    expect(client.state).toBe('connected');
    expect(toy.server.attempts).toBe(2);
  });

  it('destroy: emits the reason, then the client is destroyed', async () => {
    const client = makeClient();
    await client.connect();
    const stream = client.events();
    const ended = next(client, 'ended');
    toy.server.push('BYE', { why: 'gone' });
    expect(await ended).toBe('gone');
    expect(client.state).toBe('destroyed');
    expect((await rejection(client.request('echo', { text: 'x' }))).code).toBe('DESTROYED');
    expect((await rejection(client.connect())).code).toBe('DESTROYED');
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    expect(events).toEqual([['ended', 'gone']]);
    await delay(50);
    expect(toy.server.attempts).toBe(1);
  });

  it('an unknown reason (without validation) stays disconnected', async () => {
    const client = makeClient({ validate: false });
    await client.connect();
    const ended = next(client, 'ended');
    toy.server.push('BYE', { why: 'who knows' });
    expect(await ended).toBe('who knows');
    expect(client.state).toBe('disconnected');
  });

  it('a push without a reason (valid: the reason is optional) stays disconnected and emits the event with nothing', async () => {
    const client = makeClient();
    const seen = record(client);
    await client.connect();
    const { pending: waiting } = await slowInFlight(client, toy.server);
    const ended = new Promise<unknown[]>((resolve) => client.on('ended', (...args: unknown[]) => resolve(args)));
    toy.server.push('BYE', {});
    expect(await ended).toEqual([undefined]);
    expect(await rejection(waiting)).toMatchObject({ code: 'CONNECTION_LOST', message: 'the server ended the session (no reason given)', details: { reason: undefined } });
    expect(client.state).toBe('disconnected');
    await delay(50);
    expect(toy.server.attempts).toBe(1);
    expect(seen.filter(([name]) => name === 'error')).toEqual([]);
  });
});

describe('ClientCore disconnect, destroy and streams', () => {
  it('disconnect() rejects pending requests with CONNECTION_LOST and does not reconnect', async () => {
    const client = makeClient();
    const seen = record(client);
    await client.connect();
    const pending = client.request('slow', {});
    client.disconnect();
    expect(client.state).toBe('disconnected');
    expect((await rejection(pending)).code).toBe('CONNECTION_LOST');
    await delay(50);
    expect(toy.server.attempts).toBe(1);
    expect(seen.map(([name]) => name)).toEqual(['note', 'up']);
    await client.connect();
    expect(client.state).toBe('connected');
  });

  it('disconnect() while connecting rejects connect()', async () => {
    const client = makeClient({ autoConnect: false });
    const connecting = client.connect();
    client.disconnect();
    expect((await rejection(connecting)).code).toBe('CONNECTION_LOST');
  });

  it('destroy() removes listeners, ends events(), completes observers and rejects later calls', async () => {
    const client = makeClient();
    const listener = vi.fn();
    client.on('note', listener);
    const complete = vi.fn();
    const values: unknown[] = [];
    const subscription = interop(client).subscribe({ next: (v) => values.push(v), complete });
    const iterated: string[] = [];
    const iteration = (async () => {
      for await (const [name] of client.events()) iterated.push(name);
    })();
    await client.connect();
    const pending = client.request('slow', {});
    client.destroy();
    client.destroy(); // idempotent
    expect(client.state).toBe('destroyed');
    expect((await rejection(pending)).code).toBe('DESTROYED');
    await iteration;
    expect(iterated).toEqual(['note', 'up']);
    expect(values.map((v) => (v as [string])[0])).toEqual(['note', 'up']);
    expect(complete).toHaveBeenCalledTimes(1);
    expect(subscription.closed).toBe(true);
    expect(listener).toHaveBeenCalledTimes(1);
    expect((await rejection(client.request('echo', { text: 'x' }))).code).toBe('DESTROYED');
  });

  it('events() can be left with break', async () => {
    const client = makeClient();
    const names: string[] = [];
    for await (const [name, payload] of client.events()) {
      names.push(name);
      if (name === 'up') {
        expect(payload).toEqual({ items: 1 });
        break;
      }
    }
    expect(names).toEqual(['note', 'up']);
  });
});

describe("the protocol's timing policy", () => {
  const policy = { requestTimeoutMs: 50, handshakeTimeoutMs: 5000, reconnect: { initialDelayMs: 30, maxDelayMs: 1000, factor: 3, jitter: 0, minUptimeForResetMs: 0 } };
  const withPolicy = { ...toyProtocol, lifecycle: { ...toyProtocol.lifecycle, policy } };
  const clients: ClientCore<ToyEvents, ToyRequests>[] = [];
  const make = (options: Partial<ClientOptions> = {}) => {
    const client = new ClientCore<ToyEvents, ToyRequests>(withPolicy, {
      url: toy.server.url,
      getToken: () => 'secret',
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      ...options,
    });
    clients.push(client);
    return client;
  };
  const rejection = (promise: Promise<unknown>) => promise.then(() => expect.unreachable('resolved'), (error: unknown) => error as SDKError);

  it('gives the defaults: the request timeout, and the back-off of the reconnection', async () => {
    const delays: Array<[number, number]> = [];
    const client = make({ reconnect: { onRetryScheduled: (ms, attempt) => delays.push([ms, attempt]) } });
    await client.connect();
    expect(await rejection(client.request('slow', { ms: 150 }))).toMatchObject({ code: 'REQUEST_TIMEOUT', message: 'no response within 50 ms' });
    toy.server.sockets.at(-1)!.terminate();
    await until(() => delays.length > 0);
    // initialDelayMs, jitter 0: exactly 30 ms for the first retry.
    expect(delays[0]).toEqual([30, 1]);
    for (const c of clients.splice(0)) c.destroy();
  });

  it('gives way to an option', async () => {
    const client = make({ requestTimeout: 90 });
    await client.connect();
    expect(await rejection(client.request('slow', { ms: 200 }))).toMatchObject({ code: 'REQUEST_TIMEOUT', message: 'no response within 90 ms' });
    for (const c of clients.splice(0)) c.destroy();
  });
});

describe('the unstable link (the protocol’s unstable and recovered events)', () => {
  const policy = { requestTimeoutMs: 2000, handshakeTimeoutMs: 5000, unstableAfterMs: 60, reconnect: { initialDelayMs: 30, maxDelayMs: 1000, factor: 3, jitter: 0, minUptimeForResetMs: 0 } };
  const withLinkEvents = { ...toyProtocol, lifecycle: { ...toyProtocol.lifecycle, policy, events: { ...toyProtocol.lifecycle.events, unstable: 'shaky', recovered: 'steady' } } };
  const clients: ClientCore<ToyEvents, ToyRequests>[] = [];
  const make = (options: Partial<ClientOptions> = {}, protocol: ProtocolDescription = withLinkEvents) => {
    const client = new ClientCore<ToyEvents, ToyRequests>(protocol, { url: toy.server.url, getToken: () => 'secret', WebSocket: WebSocket as unknown as WebSocketConstructor, ...options });
    clients.push(client);
    return client;
  };
  const linkEvents = (seen: Array<[string, unknown]>) => seen.filter(([name]) => name === 'shaky' || name === 'steady');

  it("takes the policy's threshold: a slower reply makes the link unstable while it waits, its answer recovers it", async () => {
    const client = make();
    const seen = record(client);
    await client.connect();
    await client.request('slow', { ms: 20 });
    expect(linkEvents(seen)).toEqual([]);
    const slow = client.request('slow', { ms: 200 });
    await until(() => linkEvents(seen).length === 1);
    expect(linkEvents(seen)).toEqual([['shaky', undefined]]);
    await slow;
    expect(linkEvents(seen)).toEqual([['shaky', undefined], ['steady', undefined]]);
    for (const c of clients.splice(0)) c.destroy();
  });

  it('an option overrides the threshold, and false turns the events off', async () => {
    const patient = make({ unstableAfter: 1000 });
    const off = make({ unstableAfter: false });
    const seenPatient = record(patient);
    const seenOff = record(off);
    await Promise.all([patient.connect(), off.connect()]);
    await Promise.all([patient.request('slow', { ms: 150 }), off.request('slow', { ms: 150 })]);
    expect(linkEvents(seenPatient)).toEqual([]);
    expect(linkEvents(seenOff)).toEqual([]);
    for (const c of clients.splice(0)) c.destroy();
  });

  it('a protocol without the events emits none', async () => {
    const client = make({}, { ...withLinkEvents, lifecycle: { ...withLinkEvents.lifecycle, events: toyProtocol.lifecycle.events } });
    const seen = record(client);
    await client.connect();
    await client.request('slow', { ms: 150 });
    expect(linkEvents(seen)).toEqual([]);
    for (const c of clients.splice(0)) c.destroy();
  });

  it.each([0, -1, 2 ** 31, Number.NaN, true])('refuses unstableAfter %s with INVALID_ARGS', (value) => {
    expect(() => make({ unstableAfter: value as number })).toThrow(expect.objectContaining({ code: 'INVALID_ARGS', message: `invalid unstableAfter: ${String(value)}` }));
  });
});

describe('ClientCore.listenFirst (for subclasses)', () => {
  it('listens ahead of the listeners already there, and its returned function stops it', async () => {
    const client = makeClient({ autoConnect: false });
    const order: string[] = [];
    client.on('note', ({ text }) => order.push(`app ${text}`));
    const listenFirst = (client as unknown as { listenFirst(name: string, handler: (payload: { text: string }) => void): () => void }).listenFirst.bind(client);
    const stop = listenFirst('note', ({ text }) => order.push(`own ${text}`));
    await client.connect();
    await until(() => order.length === 2);
    expect(order).toEqual(['own welcome 1', 'app welcome 1']);
    stop();
    client.disconnect();
    await client.connect();
    await until(() => order.length === 3);
    expect(order).toEqual(['own welcome 1', 'app welcome 1', 'app welcome 2']);
    client.destroy();
  });
});
