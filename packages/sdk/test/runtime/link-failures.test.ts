// When the link fails, against the scripted toy server on loopback: requests made while not
// connected fail at once unless queued (offlineQueue), a request never goes out on a later session
// unasked, a handshake has a deadline, the back-off starts over only after a minimum uptime and is
// jittered, and a handshake the server refuses for good ends in the reason's event and reaction.
import { describe, expect, it } from 'vitest';
import { type ClientErrorEvent, ClientCore, type ClientOptions } from '../../src/runtime/client-core.js';
import { SDKError } from '../../src/runtime/errors.js';
import { type ToyEvents, type ToyRequests, delay, next, record, rejection, until, useToyClients } from './fixtures.js';

type Client = ClientCore<ToyEvents, ToyRequests>;

const toy = useToyClients({ requestTimeout: 2000 });
const makeClient = (options: Partial<ClientOptions> = {}): Client => toy.makeClient(options);

const ops = () => toy.server.received.map((r) => r.op);

describe('a request made while not connected', () => {
  it('fails at once with CONNECTION_LOST "not sent" while reconnecting, and never reaches the server', async () => {
    const client = makeClient();
    await client.connect();
    toy.server.accept = false;
    const lost = next(client, 'down');
    toy.server.dropAll();
    await lost;
    expect(client.state).toBe('reconnecting');
    const error = await rejection(client.request('echo', { text: 'during' }));
    expect(error).toMatchObject({ code: 'CONNECTION_LOST', message: 'not sent: the client is not connected (reconnecting)', details: { sent: false } });
    const back = next(client, 'back');
    toy.server.accept = true;
    await back;
    await client.request('sync', {});
    expect(ops()).not.toContain('ECHO');
  });

  it('fails at once after the server ended the session (stay_disconnected) or after disconnect()', async () => {
    const client = makeClient();
    await client.connect();
    const ended = next(client, 'ended');
    toy.server.push('BYE', { why: 'wait' });
    await ended;
    expect((await rejection(client.request('echo', { text: 'x' }))).message).toBe('not sent: the client is not connected (disconnected)');
    await client.connect();
    client.disconnect();
    expect((await rejection(client.request('echo', { text: 'y' }))).message).toBe('not sent: the client is not connected (disconnected)');
    expect(ops()).not.toContain('ECHO');
  });

  it('made while connect() is under way, goes out on that session, or fails unsent with the attempt', async () => {
    const client = makeClient({ autoConnect: false });
    toy.server.accept = false;
    const connecting = client.connect();
    expect(client.state).toBe('connecting');
    const held = client.request('echo', { text: 'held' });
    const error = await rejection(held);
    expect(error).toMatchObject({ code: 'CONNECTION_LOST', message: 'not sent: the connection attempt failed', details: { sent: false } });
    toy.server.accept = true;
    await connecting;
    // Made right after creation with autoConnect: it goes out on the first session.
    const eager = makeClient();
    await expect(eager.request('echo', { text: 'eager' })).resolves.toEqual({ text: 'eager' });
    expect(toy.server.received.filter((r) => r.op === 'ECHO').map((r) => r.body)).toEqual([{ text: 'eager' }]);
  });
});

describe('a request on the wire when the link drops', () => {
  it('fails with CONNECTION_LOST and is not resent on the next session (offlineQueue or not)', async () => {
    for (const offlineQueue of [undefined, { max: 10 }]) {
      const client = makeClient({ offlineQueue });
      await client.connect();
      const before = toy.server.received.length;
      const pending = client.request('slow', {});
      await until(() => toy.server.received.length > before && toy.server.received.at(-1)?.op === 'SLOW');
      const back = next(client, 'back');
      toy.server.dropAll();
      const error = await rejection(pending);
      expect(error.code).toBe('CONNECTION_LOST');
      expect(error.message).toBe('the connection was lost');
      await back;
      await client.request('sync', {});
      expect(toy.server.received.slice(before).map((r) => r.op)).toEqual(['SLOW', 'HELLO', 'SYNC', 'SYNC']);
      client.destroy();
    }
  });
});

describe('offlineQueue', () => {
  it('queues requests made while reconnecting, sends them in order once the next session is up, and rejects over the bound', async () => {
    const client = makeClient({ offlineQueue: { max: 2 } });
    await client.connect();
    toy.server.accept = false;
    const lost = next(client, 'down');
    toy.server.dropAll();
    await lost;
    const first = client.request('echo', { text: 'one' });
    const second = client.request('echo', { text: 'two' });
    const third = await rejection(client.request('echo', { text: 'three' }));
    expect(third).toMatchObject({
      code: 'CONNECTION_LOST',
      message: 'not sent: the client is not connected (reconnecting) and the offline queue is full (2)',
      details: { sent: false },
    });
    toy.server.accept = true;
    await expect(first).resolves.toEqual({ text: 'one' });
    await expect(second).resolves.toEqual({ text: 'two' });
    const echoes = toy.server.received.filter((r) => r.op === 'ECHO');
    expect(echoes.map((r) => r.body)).toEqual([{ text: 'one' }, { text: 'two' }]);
    // On the new session, right after its handshake.
    const restored = toy.server.received.filter((r) => r.op === 'SYNC').at(-1)!;
    expect(echoes.every((r) => r.connection === restored.connection)).toBe(true);
  });

  it('queued requests still time out, unsent, and are never sent afterwards', async () => {
    const client = makeClient({ offlineQueue: { max: 5 }, requestTimeout: 50 });
    await client.connect();
    toy.server.accept = false;
    const lost = next(client, 'down');
    toy.server.dropAll();
    await lost;
    const error = await rejection(client.request('echo', { text: 'late' }));
    expect(error).toMatchObject({ code: 'REQUEST_TIMEOUT', message: 'not sent: not connected within 50 ms', details: { sent: false } });
    const back = next(client, 'back');
    toy.server.accept = true;
    await back;
    await client.request('sync', {});
    expect(ops()).not.toContain('ECHO');
  });

  it('queues while disconnected until connect(); disconnect() rejects what waits, unsent', async () => {
    const client = makeClient({ offlineQueue: { max: 5 } });
    await client.connect();
    const ended = next(client, 'ended');
    toy.server.push('BYE', { why: 'wait' });
    await ended;
    const queued = client.request('echo', { text: 'after connect' });
    await delay(30);
    expect(ops()).not.toContain('ECHO');
    await client.connect();
    await expect(queued).resolves.toEqual({ text: 'after connect' });
    client.disconnect();
    const dropped = client.request('echo', { text: 'never' });
    client.disconnect();
    expect(await rejection(dropped)).toMatchObject({ code: 'CONNECTION_LOST', message: 'not sent: the client was disconnected', details: { sent: false } });
  });

  it.each([
    ['the server refused the handshake for a passing cause', (): void => void (toy.server.helloError = 'busy'), 'the connection attempt failed: refused: busy'],
    ['the handshake got no answer in time', (): void => void (toy.server.silent = true), 'the connection handshake did not complete within 200 ms'],
  ])('without reconnection, a queued request the failed attempt never sent fails "not sent" when %s, not with the handshake\'s error', async (_, breakHandshake, message) => {
    breakHandshake();
    const client = makeClient({ autoConnect: false, reconnect: false, offlineQueue: { max: 5 }, handshakeTimeout: 200 });
    client.on('error', () => undefined);
    const connecting = client.connect();
    // Held for this attempt; it joins the offline queue when the attempt fails.
    const held = client.request('echo', { text: 'held' });
    await expect(connecting).rejects.toThrow();
    const error = await rejection(held);
    expect(error).toMatchObject({ code: 'CONNECTION_LOST', message: `not sent: ${message}`, details: { sent: false } });
    // Only a server's error has a type: this one is the cause, not the request's answer.
    expect(error.type).toBeUndefined();
    expect(error.cause).toBeInstanceOf(SDKError);
    expect(ops()).not.toContain('ECHO');
    expect(client.state).toBe('disconnected');
  });

  it('keeps a request made while connect() was under way when that attempt fails', async () => {
    const client = makeClient({ autoConnect: false, offlineQueue: { max: 1 } });
    toy.server.accept = false;
    const connecting = client.connect();
    const held = client.request('echo', { text: 'kept' });
    await until(() => toy.server.attempts >= 2);
    toy.server.accept = true;
    await connecting;
    await expect(held).resolves.toEqual({ text: 'kept' });
  });

  it('rejects a bad bound, and the other new options, at construction', () => {
    for (const options of [{ offlineQueue: { max: 0 } }, { offlineQueue: { max: 1.5 } }, { offlineQueue: {} as { max: number } }, { handshakeTimeout: 0 }, { handshakeTimeout: Infinity }, { minUptimeForBackoffReset: -1 }]) {
      expect(() => makeClient({ autoConnect: false, ...options }), JSON.stringify(options)).toThrow(/invalid/);
    }
  });
});

describe('the handshake deadline', () => {
  it('abandons an attempt that does not complete within handshakeTimeout, reports it and retries with back-off', async () => {
    toy.server.silent = true;
    const delays: number[] = [];
    const client = makeClient({
      autoConnect: false,
      handshakeTimeout: 50,
      reconnect: { initialDelay: 10, maxDelay: 40, random: () => 0, onRetryScheduled: (ms) => delays.push(ms) },
    });
    const errors: ClientErrorEvent[] = [];
    client.on('error', (e) => errors.push(e));
    const seen = record(client);
    const connected = client.connect();
    await until(() => errors.length >= 2);
    expect(errors.slice(0, 2)).toEqual([
      { code: 'CONNECTION_LOST', message: 'the connection handshake did not complete within 50 ms' },
      { code: 'CONNECTION_LOST', message: 'the connection handshake did not complete within 50 ms' },
    ]);
    expect(client.state).toBe('reconnecting');
    expect(delays.slice(0, 2)).toEqual([10, 20]);
    toy.server.silent = false;
    await connected;
    expect(seen.map(([name]) => name).filter((name) => name !== 'error')).toEqual(['note', 'up']);
    // Every abandoned socket was closed: one connection is left.
    await until(() => toy.server.sockets.length === 1);
  });

  it('with reconnect: false, connect() rejects with CONNECTION_LOST and the client stays disconnected', async () => {
    toy.server.silent = true;
    const client = makeClient({ autoConnect: false, handshakeTimeout: 40, reconnect: false });
    const error = await rejection(client.connect());
    expect(error).toMatchObject({ code: 'CONNECTION_LOST', message: 'the connection handshake did not complete within 40 ms' });
    expect(client.state).toBe('disconnected');
    expect(toy.server.attempts).toBe(1);
  });
});

describe('the back-off', () => {
  /** A client against a server that accepts, completes the handshake and drops at once; its first `count` scheduled delays. */
  async function delaysAgainstFlappingServer(count: number, options: Partial<ClientOptions> = {}): Promise<{ delays: number[]; attempts: number[]; seen: [string, unknown][] }> {
    toy.server.dropAfterSync = true;
    const delays: number[] = [];
    const attempts: number[] = [];
    const client = makeClient({
      reconnect: {
        initialDelay: 5,
        factor: 2,
        maxDelay: 10_000,
        random: () => 0,
        onRetryScheduled: (ms, attempt) => {
          delays.push(ms);
          attempts.push(attempt);
        },
      },
      ...options,
    });
    const seen = record(client);
    await until(() => delays.length >= count, 5000);
    client.destroy();
    return { delays: delays.slice(0, count), attempts: attempts.slice(0, count), seen };
  }

  it('grows against a server that accepts and drops at once: no reset before minUptimeForBackoffReset (default 5 s)', async () => {
    const { delays, attempts, seen } = await delaysAgainstFlappingServer(6);
    expect(delays).toEqual([5, 10, 20, 40, 80, 160]);
    expect(attempts).toEqual([1, 2, 3, 4, 5, 6]);
    // Each of those sessions did come up: the handshake succeeded every time.
    expect(seen.filter(([name]) => name === 'back').length).toBeGreaterThanOrEqual(5);
    expect(toy.server.attempts).toBeGreaterThanOrEqual(6);
  });

  it('with minUptimeForBackoffReset: 0, every session starts it over (the reconnect storm it prevents)', async () => {
    const { delays } = await delaysAgainstFlappingServer(6, { minUptimeForBackoffReset: 0 });
    expect(delays).toEqual([5, 5, 5, 5, 5, 5]);
  });

  it('starts over once a session lasted minUptimeForBackoffReset', async () => {
    toy.server.dropAfterSync = true;
    const delays: [number, number][] = [];
    const client = makeClient({
      minUptimeForBackoffReset: 30,
      reconnect: {
        initialDelay: 5,
        factor: 2,
        maxDelay: 10_000,
        random: () => 0,
        onRetryScheduled: (ms, attempt) => {
          delays.push([ms, attempt]);
          // The session this third attempt sets up stays.
          if (attempt === 3) toy.server.dropAfterSync = false;
        },
      },
    });
    await until(() => delays.length === 3 && client.state === 'connected');
    await delay(60);
    const lost = next(client, 'down');
    toy.server.dropAll();
    await lost;
    expect(delays).toEqual([[5, 1], [10, 2], [20, 3], [5, 1]]);
  });

  it('is jittered: each delay is scaled by 1 - jitter * random(), checked with an injected random', async () => {
    const randoms = [0.5, 1, 0, 0.25];
    const delays: number[] = [];
    toy.server.accept = false;
    const client = makeClient({
      autoConnect: false,
      reconnect: { initialDelay: 8, factor: 2, maxDelay: 1000, jitter: 0.5, random: () => randoms.shift() ?? 0, onRetryScheduled: (ms) => delays.push(ms) },
    });
    client.connect().catch(() => undefined);
    await until(() => delays.length >= 4);
    client.destroy();
    // Bases 8, 16, 32, 64 scaled by 0.75, 0.5, 1 and 0.875.
    expect(delays.slice(0, 4)).toEqual([6, 8, 32, 56]);
  });

  it('reports a throwing onRetryScheduled as LISTENER_ERROR and still reconnects', async () => {
    const client = makeClient({
      reconnect: {
        initialDelay: 5,
        random: () => 0,
        onRetryScheduled: () => {
          throw new Error('display broke');
        },
      },
    });
    await client.connect();
    const reported = next(client, 'error');
    const back = next(client, 'back');
    toy.server.dropAll();
    expect(await reported).toMatchObject({ code: 'LISTENER_ERROR', message: 'onRetryScheduled threw: display broke' });
    await back;
  });
});

describe('a handshake the server refuses', () => {
  it('a key refused again after the fresh-token retry, on a reconnection: error, then the reason, then disconnected for good', async () => {
    let calls = 0;
    const delays: number[] = [];
    const client = makeClient({
      getToken: () => {
        calls += 1;
        return 'secret';
      },
      offlineQueue: { max: 5 },
      reconnect: { initialDelay: 10, maxDelay: 40, random: () => 0, onRetryScheduled: (ms) => delays.push(ms) },
    });
    const seen = record(client);
    await client.connect();
    // Like a restarted server with a new token store: the key it accepted is refused now.
    toy.server.validKeys.clear();
    let queued: Promise<unknown> | undefined;
    client.once('down', () => {
      queued = client.request('echo', { text: 'queued' });
    });
    let stateAtEvent: string | undefined;
    client.once('ended', () => (stateAtEvent = client.state));
    const ended = next(client, 'ended');
    toy.server.dropAll();
    expect(await ended).toBe('again');
    expect(stateAtEvent).toBe('disconnected');
    expect(seen.map(([name]) => name)).toEqual(['note', 'up', 'down', 'error', 'ended']);
    expect(seen[3]?.[1]).toMatchObject({ code: 'AUTHENTICATION', message: 'the connection handshake failed: unknown key' });
    expect(await rejection(queued!)).toMatchObject({
      code: 'CONNECTION_LOST',
      message: 'not sent: the server refused the session (again)',
      details: { reason: 'again', sent: false },
    });
    // One login, then one retry with a fresh token: no loop.
    expect(calls).toBe(3);
    await delay(100);
    expect(calls).toBe(3);
    expect(delays).toEqual([10]);
    expect(client.state).toBe('disconnected');
    // connect() tries again (and says why it fails); once the key is good, a new run begins.
    expect(await rejection(client.connect())).toMatchObject({ code: 'AUTHENTICATION', type: 'bad_key' });
    toy.server.validKeys.add('secret');
    const up = next(client, 'up');
    await client.connect();
    expect(await up).toEqual({ items: expect.any(Number) });
  });

  it('a ban on a reconnection gets the reaction of its reason (destroy)', async () => {
    const client = makeClient();
    await client.connect();
    const stream = client.events();
    toy.server.helloError = 'banned';
    toy.server.dropAll();
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => (event as [string])[0])).toEqual(['down', 'error', 'ended']);
    expect(events.at(-1)).toEqual(['ended', 'gone']);
    expect(client.state).toBe('destroyed');
    expect((await rejection(client.request('echo', { text: 'x' }))).code).toBe('DESTROYED');
  });

  it('a ban on a connect() the application made: connect() rejects with it, the reason is emitted, the client stays disconnected', async () => {
    toy.server.helloError = 'banned';
    const client = makeClient({ autoConnect: false });
    const seen = record(client);
    const error = await rejection(client.connect());
    expect(error).toMatchObject({ code: 'BANNED', type: 'banned' });
    expect(client.state).toBe('disconnected');
    expect(seen.map(([name, payload]) => (name === 'error' ? name : [name, payload]))).toEqual(['error', ['ended', 'gone']]);
    await delay(60);
    expect(toy.server.attempts).toBe(1);
  });

  it('a busy server (a reason whose reaction is reconnect) is retried with back-off, not given up', async () => {
    toy.server.helloError = 'busy';
    const client = makeClient({ autoConnect: false });
    const seen = record(client);
    const connected = client.connect();
    // Three refusals seen, each followed by a retry (the state stays `reconnecting` through them).
    await until(() => seen.filter(([name]) => name === 'error').length >= 3 && client.state === 'reconnecting');
    toy.server.helloError = undefined;
    await connected;
    expect(seen.map(([name]) => name).filter((name) => name !== 'error')).toEqual(['note', 'up']);
    expect(seen.filter(([name]) => name === 'error').length).toBeGreaterThanOrEqual(3);
  });

  it('an error listener that disconnects on a failed handshake is obeyed: no retry after it', async () => {
    toy.server.helloError = 'busy';
    const client = makeClient({ autoConnect: false });
    client.once('error', () => client.disconnect());
    expect((await rejection(client.connect())).code).toBe('CONNECTION_LOST');
    expect(client.state).toBe('disconnected');
    await delay(60);
    expect(toy.server.attempts).toBe(1);
  });

  it('an error type the protocol maps to no reason stays disconnected, announced as itself', async () => {
    toy.server.helloError = 'weird';
    const client = makeClient({ autoConnect: false });
    const ended = next(client, 'ended');
    expect(await rejection(client.connect())).toMatchObject({ code: 'WEIRD', type: 'weird' });
    expect(await ended).toBe('weird');
    expect(client.state).toBe('disconnected');
  });
});
