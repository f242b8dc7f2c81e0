// What the client says when something is wrong, word for word: a bad option at construction, a
// bad request, a socket that refuses a frame, a token source that misbehaves, a session the server
// refuses or ends. Each error names what is wrong and keeps the cause and details callers read.
import { describe, expect, it, vi } from 'vitest';
import { WebSocket as WsClient } from 'ws';
import { type ClientErrorEvent, ClientCore, type ClientOptions } from '../../src/runtime/client-core.js';
import { SDKError } from '../../src/runtime/errors.js';
import { type ToyClient, type ToyEvents, type ToyRequests, delay, next, record, rejection, slowInFlight, toyProtocol, until, useToyClients } from './fixtures.js';

const toy = useToyClients({ requestTimeout: 1000 });
const makeClient = (options: Partial<ClientOptions> = {}): ToyClient => toy.makeClient(options);

/** The SDKError a construction throws. */
function constructionError(options: Partial<ClientOptions>): SDKError {
  try {
    new ClientCore<ToyEvents, ToyRequests>(toyProtocol, {
      url: 'ws://127.0.0.1:1',
      getToken: () => 't',
      WebSocket: WsClient as unknown as NonNullable<ClientOptions['WebSocket']>,
      autoConnect: false,
      ...options,
    }).destroy();
  } catch (error) {
    expect(error).toBeInstanceOf(SDKError);
    return error as SDKError;
  }
  throw new Error(`expected ${JSON.stringify(options)} to be refused`);
}

describe('options refused at construction', () => {
  it('names the missing WebSocket and getToken', () => {
    expect(constructionError({ WebSocket: undefined })).toMatchObject({
      code: 'INVALID_ARGS',
      message: 'No WebSocket implementation: this environment has no global WebSocket. Pass one as the `WebSocket` option, e.g. `import { WebSocket } from "ws"` on Node.js before 22.',
    });
    expect(constructionError({ getToken: 'token' as unknown as ClientOptions['getToken'] })).toMatchObject({
      code: 'INVALID_ARGS',
      message: '`getToken` must be a function giving the access token',
    });
  });

  it.each([
    [{ requestTimeout: 0 }, 'invalid requestTimeout: 0'],
    [{ requestTimeout: 2 ** 31 }, 'invalid requestTimeout: 2147483648'],
    [{ requestTimeout: Infinity }, 'invalid requestTimeout: Infinity'],
    [{ handshakeTimeout: 0 }, 'invalid handshakeTimeout: 0'],
    [{ handshakeTimeout: 2 ** 31 }, 'invalid handshakeTimeout: 2147483648'],
    [{ minUptimeForBackoffReset: -1 }, 'invalid minUptimeForBackoffReset: -1'],
    [{ minUptimeForBackoffReset: Infinity }, 'invalid minUptimeForBackoffReset: Infinity'],
    [{ offlineQueue: { max: 0 } }, 'invalid offlineQueue.max: 0'],
    [{ unstableAfter: 0 }, 'invalid unstableAfter: 0'],
    [{ unstableAfter: 2 ** 31 }, 'invalid unstableAfter: 2147483648'],
    // Not numbers: `'100' >= 0` and `true > 0` hold in JavaScript, so the type is checked too.
    [{ requestTimeout: '100' }, 'invalid requestTimeout: 100'],
    [{ requestTimeout: true }, 'invalid requestTimeout: true'],
    [{ handshakeTimeout: '5' }, 'invalid handshakeTimeout: 5'],
    [{ minUptimeForBackoffReset: '0' }, 'invalid minUptimeForBackoffReset: 0'],
    [{ unstableAfter: '10' }, 'invalid unstableAfter: 10'],
    [{ unstableAfter: true }, 'invalid unstableAfter: true'],
    [{ offlineQueue: null }, 'invalid offlineQueue: null'],
    [{ offlineQueue: false }, 'invalid offlineQueue: false'],
    [{ offlineQueue: 5 }, 'invalid offlineQueue: 5'],
    [{ offlineQueue: { max: '5' } }, 'invalid offlineQueue.max: 5'],
    [{ reconnect: 0 }, 'invalid reconnect: 0'],
    [{ reconnect: null }, 'invalid reconnect: null'],
    [{ reconnect: '100' }, 'invalid reconnect: 100'],
    [{ reconnect: { onRetryScheduled: 'log' } }, 'invalid reconnect.onRetryScheduled: log'],
    [{ url: 'ftp://127.0.0.1:1' }, 'invalid url "ftp://127.0.0.1:1": not a ws, wss, http or https URL'],
    // A scheme that only ends like one of them is none of them.
    [{ url: 'xhttp://127.0.0.1:1' }, 'invalid url "xhttp://127.0.0.1:1": not a ws, wss, http or https URL'],
    [{ url: 'not a url' }, 'invalid url "not a url": Invalid URL'],
    [{ url: 42 }, 'invalid url 42: not a string'],
    [{ url: null }, 'invalid url null: not a string'],
    // Only undefined takes the default: null is a value, refused as any other of the wrong type.
    [{ requestTimeout: null }, 'invalid requestTimeout: null'],
    [{ handshakeTimeout: null }, 'invalid handshakeTimeout: null'],
    [{ minUptimeForBackoffReset: null }, 'invalid minUptimeForBackoffReset: null'],
    [{ unstableAfter: null }, 'invalid unstableAfter: null'],
    [{ WebSocket: null }, 'invalid WebSocket: null'],
    [{ WebSocket: 'ws' }, 'invalid WebSocket: ws'],
    [{ validate: null }, 'invalid validate: null'],
    [{ validate: 'false' }, 'invalid validate: false'],
    [{ validate: 0 }, 'invalid validate: 0'],
    [{ autoConnect: null }, 'invalid autoConnect: null'],
    [{ autoConnect: 'no' }, 'invalid autoConnect: no'],
    [{ loginArguments: null }, 'invalid loginArguments: null'],
    [{ loginArguments: 'x' }, 'invalid loginArguments: x'],
    [{ loginArguments: ['x'] }, 'invalid loginArguments: x'],
    // A value String() refuses is still named, in an SDKError.
    [{ requestTimeout: Object.create(null) }, 'invalid requestTimeout: a value that cannot be shown as text'],
    [{ url: Object.create(null) }, 'invalid url a value that cannot be shown as text: not a string'],
  ] as const)('refuses %j: "%s"', (options, message) => {
    expect(constructionError(options as Partial<ClientOptions>)).toMatchObject({ code: 'INVALID_ARGS', message });
  });

  it('an unreadable url keeps what the URL parser said as the cause', () => {
    const error = constructionError({ url: 'not a url' });
    expect(error.cause).toBeInstanceOf(TypeError);
    expect((error.cause as TypeError).message).toBe('Invalid URL');
  });

  it('a bad back-off random is refused as the other back-off values are', () => {
    expect(() => makeClient({ autoConnect: false, reconnect: { random: 'x' as unknown as () => number } })).toThrow(new RangeError('invalid back-off random: x (not a function)'));
  });

  it('takes every limit itself', () => {
    for (const options of [
      { requestTimeout: 1 },
      { requestTimeout: 2 ** 31 - 1 },
      { handshakeTimeout: 2 ** 31 - 1 },
      { minUptimeForBackoffReset: 0 },
      { offlineQueue: { max: 1 } },
      { unstableAfter: 2 ** 31 - 1 },
      { unstableAfter: false as const },
      { url: 'http://127.0.0.1:1' },
      { url: 'WSS://127.0.0.1:1' },
      { reconnect: false },
      { reconnect: {} },
      { validate: false },
      { validate: true },
      { loginArguments: {} },
      { requestTimeout: undefined, unstableAfter: undefined, validate: undefined, loginArguments: undefined, reconnect: undefined },
    ]) {
      expect(() => makeClient({ autoConnect: false, ...options }), JSON.stringify(options)).not.toThrow();
    }
  });
});

describe('requests refused before anything is sent', () => {
  it('an unknown operation, invalid arguments and arguments that are not JSON, each named', async () => {
    const client = makeClient();
    await client.connect();
    const request = client.request.bind(client) as (operation: string, args: unknown) => Promise<unknown>;
    expect(await rejection(request('nope', {}))).toMatchObject({ code: 'INVALID_ARGS', message: 'unknown request "nope"' });
    expect(await rejection(request('echo', { text: 5 }))).toMatchObject({
      code: 'INVALID_ARGS',
      message: 'invalid arguments of "echo": /text must be string',
      details: [{ path: '/text', message: 'must be string', keyword: 'type' }],
    });
    // `slow` takes any object: the guard passes it, JSON.stringify does not.
    const notJson = await rejection(request('slow', { ms: 1n }));
    expect(notJson.code).toBe('INVALID_ARGS');
    expect(notJson.message).toMatch(/^arguments of "slow" are not JSON: .*BigInt/);
    expect(notJson.cause).toBeInstanceOf(TypeError);
    expect(toy.server.received.map((r) => r.op)).toEqual(['HELLO', 'SYNC']);
  });

  it('a socket that throws on send fails that request with CONNECTION_LOST "not sent", naming it and keeping the cause', async () => {
    const refusal = new Error('the socket is closing');
    class RefusingSocket extends WsClient {
      override send(data: string): void {
        if (data.includes('"ECHO"')) throw refusal;
        super.send(data);
      }
    }
    const client = makeClient({ WebSocket: RefusingSocket as unknown as NonNullable<ClientOptions['WebSocket']> });
    await client.connect();
    const error = await rejection(client.request('echo', { text: 'x' }));
    expect(error).toMatchObject({ code: 'CONNECTION_LOST', message: 'not sent: could not send "echo": the socket is closing', details: { sent: false } });
    expect(error.cause).toBe(refusal);
    await expect(client.request('slow', { ms: 1 })).resolves.toEqual({ done: true });
  });
});

describe('what a stop does to the requests still waiting', () => {
  it('disconnect(): a request already sent fails as disconnected, with no details', async () => {
    const client = makeClient();
    await client.connect();
    const { pending: inFlight } = await slowInFlight(client, toy.server);
    client.disconnect();
    const error = await rejection(inFlight);
    expect(error).toMatchObject({ code: 'CONNECTION_LOST', message: 'the client was disconnected' });
    expect(error.details).toBeUndefined();
  });

  it('a queued request fails unsent when the client is disconnected, and with DESTROYED when destroyed', async () => {
    const client = makeClient({ offlineQueue: { max: 5 }, autoConnect: false });
    const disconnected = client.request('echo', { text: 'a' });
    client.disconnect();
    expect(await rejection(disconnected)).toMatchObject({
      code: 'CONNECTION_LOST',
      message: 'not sent: the client was disconnected',
      details: { sent: false },
    });
    const destroyed = client.request('echo', { text: 'b' });
    client.destroy();
    expect(await rejection(destroyed)).toMatchObject({ code: 'DESTROYED', message: 'the client was destroyed' });
    expect((await rejection(destroyed)).details).toBeUndefined();
  });

  it('a request held for a failed attempt takes a place in the offline queue', async () => {
    toy.server.accept = false;
    const client = makeClient({ autoConnect: false, offlineQueue: { max: 1 }, reconnect: { initialDelay: 50, maxDelay: 50, random: () => 0 } });
    const connecting = client.connect();
    const held = client.request('echo', { text: 'held' });
    await until(() => client.state === 'reconnecting');
    expect(await rejection(client.request('echo', { text: 'no room' }))).toMatchObject({
      code: 'CONNECTION_LOST',
      message: 'not sent: the client is not connected (reconnecting) and the offline queue is full (1)',
    });
    toy.server.accept = true;
    await connecting;
    await expect(held).resolves.toEqual({ text: 'held' });
  });

  it('after destroy(), disconnect() leaves it destroyed', async () => {
    const client = makeClient({ autoConnect: false });
    client.destroy();
    client.disconnect();
    expect(client.state).toBe('destroyed');
    expect(await rejection(client.connect())).toMatchObject({ code: 'DESTROYED' });
  });
});

describe('listeners', () => {
  it('off(name, handler) stops that handler only', async () => {
    const client = makeClient();
    const removed = vi.fn();
    const kept = vi.fn();
    client.on('note', removed);
    client.on('note', kept);
    client.off('note', removed);
    await client.connect();
    expect(removed).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledExactlyOnceWith({ text: 'welcome 1' });
  });

  it('a listener that throws is reported by event name with its error as cause; a throwing error listener is not', async () => {
    const client = makeClient();
    const boom = new Error('boom');
    client.on('note', () => {
      throw boom;
    });
    const errors: ClientErrorEvent[] = [];
    client.on('error', (event) => {
      errors.push(event);
      throw new Error('the error listener fails');
    });
    const later: ClientErrorEvent[] = [];
    client.on('error', (event) => later.push(event));
    await client.connect();
    await delay(10);
    expect(errors).toEqual([{ code: 'LISTENER_ERROR', message: 'a listener of "note" threw: boom', cause: boom }]);
    expect(later).toEqual(errors);
    // An error of its own (a garbage frame): the error listener's throw is dropped, not reported.
    toy.server.send('not json');
    await until(() => later.length === 2);
    await delay(10);
    expect(later.map((event) => event.code)).toEqual(['LISTENER_ERROR', 'INVALID_FRAME']);
  });
});

describe('the handshake', () => {
  it('a getToken that throws or gives no string is reported as AUTHENTICATION, with the cause', async () => {
    const thrown = new Error('token service down');
    let calls = 0;
    const client = makeClient({
      reconnect: false,
      getToken: () => {
        calls += 1;
        if (calls === 1) throw thrown;
        return 42 as unknown as string;
      },
    });
    const errors: ClientErrorEvent[] = [];
    client.on('error', (event) => errors.push(event));
    await rejection(client.connect());
    await rejection(client.connect());
    expect(errors.map(({ code, message }) => ({ code, message }))).toEqual([
      { code: 'AUTHENTICATION', message: 'the connection handshake failed: getToken failed: token service down' },
      { code: 'AUTHENTICATION', message: 'the connection handshake failed: getToken gave a number, not a string' },
    ]);
    expect((errors[0]?.cause as SDKError).cause).toBe(thrown);
  });

  it('a refusal whose reaction is destroy only stays disconnected on the first connection, and destroys a client that had a session', async () => {
    toy.server.helloError = 'banned';
    const client = makeClient({ autoConnect: false });
    const refused = await rejection(client.connect());
    expect(refused).toMatchObject({ type: 'banned' });
    expect(client.state).toBe('disconnected');

    toy.server.helloError = undefined;
    await client.connect();
    const seen = record(client);
    toy.server.helloError = 'banned';
    toy.server.dropAll();
    await until(() => client.state === 'destroyed');
    expect(seen.filter(([name]) => name === 'ended')).toEqual([['ended', 'gone']]);
  });

  it('a handshake error type the protocol does not have, spelt like a reason (without validation), gets the cautious reaction, not that reason’s', async () => {
    const client = makeClient({ validate: false, autoConnect: false });
    await client.connect();
    const seen = record(client);
    // `gone` is a reason (reaction destroy) but no error type of the protocol: it stands for itself.
    toy.server.helloError = 'gone';
    toy.server.dropAll();
    await until(() => seen.some(([name]) => name === 'ended'));
    expect(seen.filter(([name]) => name === 'ended')).toEqual([['ended', 'gone']]);
    expect(client.state).toBe('disconnected');
  });

  it('a refusal fails the requests held for the attempt: DESTROYED when it destroys, unsent with the reason when it does not', async () => {
    const client = makeClient({ offlineQueue: { max: 5 } });
    await client.connect();
    toy.server.helloError = 'banned';
    toy.server.dropAll();
    await until(() => client.state === 'reconnecting');
    const held = rejection(client.request('echo', { text: 'held' }));
    await until(() => client.state === 'destroyed');
    expect(await held).toMatchObject({ code: 'DESTROYED', message: 'the client was destroyed' });

    const other = makeClient({ offlineQueue: { max: 5 } });
    toy.server.helloError = 'wait';
    const first = rejection(other.request('echo', { text: 'first' }));
    await rejection(other.connect());
    expect(await first).toMatchObject({
      code: 'CONNECTION_LOST',
      message: 'not sent: the server refused the session (wait)',
      details: { reason: 'wait', sent: false },
    });
  });
});

describe('a socket that cannot even be created', () => {
  class RefusedSocket {
    static created = 0;
    constructor() {
      RefusedSocket.created += 1;
      throw new SyntaxError('ws:// is not allowed from this page');
    }
  }
  const refused = RefusedSocket as unknown as NonNullable<ClientOptions['WebSocket']>;

  it('is reported with its cause, and retried with back-off', async () => {
    RefusedSocket.created = 0;
    const client = makeClient({ WebSocket: refused, autoConnect: false });
    const error = next(client, 'error');
    void client.connect().catch(() => undefined);
    expect(await error).toMatchObject({ code: 'CONNECTION_LOST', message: 'cannot open the socket: ws:// is not allowed from this page', cause: expect.any(SyntaxError) });
    expect(client.state).toBe('reconnecting');
    await until(() => RefusedSocket.created >= 2);
  });

  it('a listener of that error that destroys or disconnects the client is obeyed: no more attempts', async () => {
    for (const stop of ['destroy', 'disconnect'] as const) {
      RefusedSocket.created = 0;
      const client = makeClient({ WebSocket: refused, autoConnect: false });
      client.on('error', () => client[stop]());
      const connecting = rejection(client.connect());
      await delay(60);
      expect(client.state, stop).toBe(stop === 'destroy' ? 'destroyed' : 'disconnected');
      expect(RefusedSocket.created, stop).toBe(1);
      await connecting;
    }
  });

  it('without reconnection, connect() rejects with the cause kept', async () => {
    const client = makeClient({ WebSocket: refused, autoConnect: false, reconnect: false });
    const error = await rejection(client.connect());
    expect(error).toMatchObject({ code: 'CONNECTION_LOST', message: 'the connection was lost', cause: expect.any(SyntaxError) });
    expect(client.state).toBe('disconnected');
  });
});

describe('the moment things happen', () => {
  it('a token that comes after its socket is gone is not used on the next socket', async () => {
    const tokens: ((token: string) => void)[] = [];
    const client = makeClient({ getToken: () => new Promise<string>((resolve) => tokens.push(resolve)) });
    await until(() => tokens.length === 1);
    toy.server.dropAll();
    await until(() => tokens.length === 2);
    tokens[1]?.('secret');
    await until(() => client.state === 'connected');
    tokens[0]?.('secret');
    await delay(20);
    const hellos = toy.server.received.filter((r) => r.op === 'HELLO');
    expect(hellos.map((r) => r.connection)).toEqual([2]);
  });

  it('disconnect() right after construction keeps autoConnect from connecting', async () => {
    const client = makeClient();
    client.disconnect();
    await delay(30);
    expect(client.state).toBe('disconnected');
    expect(toy.server.attempts).toBe(0);
  });

  it('a request made after that disconnect() fails at once: no attempt is coming for it to wait for', async () => {
    const client = makeClient();
    client.disconnect();
    const refused = await rejection(client.request('echo', { text: 'x' }));
    expect(refused).toMatchObject({ code: 'CONNECTION_LOST', message: 'not sent: the client is not connected (disconnected)' });
    expect(toy.server.attempts).toBe(0);
  });

  it('without a reconnect option the client reconnects by itself after a lost link (reconnection is on by default)', async () => {
    const client = makeClient({ reconnect: undefined });
    await client.connect();
    toy.server.dropAll();
    await until(() => toy.server.attempts === 2 && client.state === 'connected');
  });
});

describe('a session the server ends', () => {
  it('before the first session is up, a reason whose reaction is destroy leaves the client disconnected: connect() is answered', async () => {
    toy.server.silent = true;
    const client = makeClient({ autoConnect: false });
    const connecting = rejection(client.connect());
    await until(() => toy.server.received.some((r) => r.op === 'HELLO'));
    toy.server.push('BYE', { why: 'gone' });
    expect(await connecting).toMatchObject({ code: 'CONNECTION_LOST', message: 'the server ended the session (gone)', details: { reason: 'gone' } });
    expect(client.state).toBe('disconnected');
    toy.server.silent = false;
    await client.connect();
    expect(client.state).toBe('connected');
  });

  it('before the first session is up, a reason whose reaction is reconnect is obeyed: the client tries again by itself', async () => {
    toy.server.silent = true;
    const client = makeClient({ autoConnect: false });
    const seen = record(client);
    void client.connect().catch(() => undefined);
    await until(() => toy.server.received.some((r) => r.op === 'HELLO'));
    toy.server.silent = false;
    toy.server.push('BYE', { why: 'again' });
    await until(() => client.state === 'connected');
    expect(toy.server.attempts).toBe(2);
    expect(seen.filter(([name]) => name === 'ended')).toEqual([['ended', 'again']]);
  });

  it('requests held for a refused attempt keep the server’s error as their cause', async () => {
    toy.server.helloError = 'wait';
    const client = makeClient({ autoConnect: false });
    const connecting = rejection(client.connect());
    const held = rejection(client.request('echo', { text: 'held' }));
    const refusal = await connecting;
    expect(await held).toMatchObject({ message: 'not sent: the server refused the session (wait)', cause: refusal });
  });

  it('fails the requests still waiting with the reason, in the message and the details', async () => {
    const client = makeClient();
    await client.connect();
    const { pending: waiting } = await slowInFlight(client, toy.server);
    const ended = next(client, 'ended');
    toy.server.push('BYE', { why: 'wait' });
    await ended;
    expect(await rejection(waiting)).toMatchObject({
      code: 'CONNECTION_LOST',
      message: 'the server ended the session (wait)',
      details: { reason: 'wait' },
    });
  });

  it('a reason that is an object whose String() throws (without validation): disconnected all the same, nothing thrown', async () => {
    const client = makeClient({ validate: false });
    await client.connect();
    const seen = record(client);
    const { pending: waiting } = await slowInFlight(client, toy.server);
    toy.server.push('BYE', { why: { toString: 1 } });
    expect(await rejection(waiting)).toMatchObject({ message: 'the server ended the session (a reason that is not a string: object)' });
    expect(client.state).toBe('disconnected');
    expect(seen.filter(([name]) => name === 'ended')).toEqual([['ended', { toString: 1 }]]);
  });

  it('with validation, a session-ending push that fails its schema (a reason newer than the spec) still ends the session, cautiously: no reconnection', async () => {
    const client = makeClient();
    await client.connect();
    const seen = record(client);
    const attempts = toy.server.attempts;
    toy.server.push('BYE', { why: 7 });
    await until(() => client.state === 'disconnected');
    await until(() => seen.some(([name]) => name === 'error'));
    expect(seen.filter(([name]) => name === 'ended')).toEqual([['ended', undefined]]);
    expect(seen.find(([name]) => name === 'error')?.[1]).toMatchObject({ code: 'INVALID_FRAME', message: expect.stringMatching(/^dropped an invalid "BYE" push: \/why /) });
    await delay(50);
    expect(toy.server.attempts).toBe(attempts);
    expect(seen.map(([name]) => name)).not.toContain('down');
  });

  it('a null reason (without validation) is named as it came, not as an object', async () => {
    const client = makeClient({ validate: false });
    await client.connect();
    const { pending: waiting } = await slowInFlight(client, toy.server);
    toy.server.push('BYE', { why: null });
    expect(await rejection(waiting)).toMatchObject({ message: 'the server ended the session (null)', details: { reason: null } });
    expect(client.state).toBe('disconnected');
  });

  it('a reason that is not a string (without validation) stays disconnected and is named as it came', async () => {
    const client = makeClient({ validate: false });
    await client.connect();
    const { pending: waiting } = await slowInFlight(client, toy.server);
    toy.server.push('BYE', { why: 42 });
    expect(await rejection(waiting)).toMatchObject({ message: 'the server ended the session (42)', details: { reason: 42 } });
    expect(client.state).toBe('disconnected');
  });
});
