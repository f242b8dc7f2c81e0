// The connection state machine on its own, over scripted fake sockets and fake timers: which
// socket counts, what connect() answers in each state, the handshake deadline, the retries and
// their back-off, and what is left scheduled once it settles.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Backoff, createBackoff } from '../../src/runtime/backoff.js';
import { Connection, type ConnectionHooks } from '../../src/runtime/connection.js';
import { type ClientErrorEvent, SDKError, destroyedError } from '../../src/runtime/errors.js';
import type { WebSocketConstructor } from '../../src/runtime/socket.js';
import { fakeWebSockets } from './fixtures.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Delays handed out in order, whatever the resets (which are counted). */
function scriptedBackoff(delays: number[]): Backoff & { resets: number } {
  let attempts = 0;
  return {
    resets: 0,
    next() {
      attempts += 1;
      const delay = delays.shift();
      if (delay === undefined) throw new Error('no more delays scripted');
      return delay;
    },
    reset() {
      attempts = 0;
      this.resets += 1;
    },
    get attempts() {
      return attempts;
    },
  };
}

interface Setup {
  /** Undefined: reconnection disabled. Default: 100 ms doubling, no jitter. */
  backoff?: Backoff | undefined;
  handshakeTimeout?: number;
  minUptime?: number;
  WebSocket?: WebSocketConstructor;
  hooks?: Partial<ConnectionHooks>;
  onRetryScheduled?: (delay: number, attempt: number) => void;
}

function setup(options: Setup = {}) {
  const fake = fakeWebSockets();
  const opened: number[] = [];
  const messages: unknown[] = [];
  const gone: SDKError[] = [];
  const stopped: SDKError[] = [];
  const errors: ClientErrorEvent[] = [];
  const retries: [number, number][] = [];
  let lost = 0;
  const conn: Connection = new Connection({
    WebSocket: options.WebSocket ?? (fake.WebSocket as WebSocketConstructor),
    url: 'ws://toy.test/toy',
    backoff: 'backoff' in options ? options.backoff : createBackoff({ initialDelay: 100, maxDelay: 10_000, factor: 2, jitter: 0 }),
    onRetryScheduled:
      options.onRetryScheduled ??
      ((delay, attempt) => {
        retries.push([delay, attempt]);
      }),
    handshakeTimeout: options.handshakeTimeout ?? 500,
    minUptimeForBackoffReset: options.minUptime ?? 1000,
    hooks: {
      opened: (generation) => opened.push(generation),
      message: (data) => messages.push(data),
      socketGone: (makeError) => gone.push(makeError()),
      stopped: (makeError) => stopped.push(makeError()),
      lost: () => {
        lost += 1;
      },
      error: (event) => errors.push(event),
      ...options.hooks,
    },
  });
  /** connect() with its outcome recorded (a rejection is expected in some tests). */
  const connect = () => {
    const outcome: { done?: true; error?: unknown } = {};
    const promise = conn.connect();
    promise.then(
      () => (outcome.done = true),
      (error: unknown) => (outcome.error = error),
    );
    return { promise, outcome };
  };
  const socket = (index: number) => {
    const found = fake.sockets[index];
    if (found === undefined) throw new Error(`no socket #${index}`);
    return found;
  };
  /** Connects and completes the handshake on the socket it opens. */
  const connectUp = async () => {
    const { promise } = connect();
    const current = fake.sockets.at(-1)!;
    current.fire('open');
    conn.up();
    await promise;
    return current;
  };
  return { conn, sockets: fake.sockets, socket, opened, messages, gone, stopped, errors, retries, lost: () => lost, connect, connectUp };
}

const lostError = (error: SDKError | undefined) => ({ code: error?.code, message: error?.message });

describe('a failed attempt is reported', () => {
  it('a socket that closes before its session is up: error with the close code and reason, after the state says what comes next', () => {
    const states: string[] = [];
    const c = setup({ hooks: { error: (event) => states.push(`${c.conn.state}: ${event.message}`) } });
    c.connect();
    c.socket(0).fire('close', { code: 1006 });
    vi.advanceTimersByTime(100);
    c.socket(1).fire('open');
    c.socket(1).fire('close', { code: 4001, reason: 'go away' });
    expect(states).toEqual([
      'reconnecting: the connection attempt failed: the socket closed (1006)',
      'reconnecting: the connection attempt failed: the socket closed (4001 go away)',
    ]);
  });

  it('a session that ends is connection_lost, not a failed attempt; without reconnection the attempt leaves the client disconnected', async () => {
    const c = setup();
    const socket = await c.connectUp();
    socket.fire('close', { code: 1006 });
    expect(c.lost()).toBe(1);
    expect(c.errors).toEqual([]);
    const once = setup({ backoff: undefined });
    once.connect();
    once.socket(0).fire('close', { code: 1006 });
    expect(once.conn.state).toBe('disconnected');
    expect(once.errors).toEqual([{ code: 'CONNECTION_LOST', message: 'the connection attempt failed: the socket closed (1006)' }]);
  });
});

describe('connect()', () => {
  it('opens one socket at the URL with ArrayBuffer binary messages, and resolves once the handshake is up', async () => {
    const c = setup();
    const { promise, outcome } = c.connect();
    expect(c.conn.state).toBe('connecting');
    expect(c.sockets.map((socket) => socket.url)).toEqual(['ws://toy.test/toy']);
    expect(c.socket(0).binaryType).toBe('arraybuffer');
    c.socket(0).fire('open');
    expect(c.opened).toHaveLength(1);
    expect(c.conn.isCurrent(c.opened[0]!)).toBe(true);
    await Promise.resolve();
    expect(outcome).toEqual({});
    expect(c.conn.up()).toBe(false);
    await expect(promise).resolves.toBeUndefined();
    expect(c.conn.state).toBe('connected');
    expect(c.conn.hadSession).toBe(true);
  });

  it('while connecting, answers with the same promise and opens no second socket', () => {
    const c = setup();
    const first = c.conn.connect();
    const second = c.conn.connect();
    expect(second).toBe(first);
    expect(c.sockets).toHaveLength(1);
  });

  it('once connected, resolves at once and opens nothing', async () => {
    const c = setup();
    await c.connectUp();
    const again = c.conn.connect();
    expect(again).toBeInstanceOf(Promise);
    await expect(again).resolves.toBeUndefined();
    expect(c.sockets).toHaveLength(1);
  });

  it('while reconnecting, waits for the retry to come up and opens no socket itself', async () => {
    const c = setup();
    await c.connectUp();
    c.socket(0).fire('close', { code: 1006 });
    expect(c.conn.state).toBe('reconnecting');
    const waiting = c.conn.connect();
    expect(waiting).toBeInstanceOf(Promise);
    expect(c.conn.connect()).toBe(waiting);
    expect(c.sockets).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(c.sockets).toHaveLength(2);
    c.socket(1).fire('open');
    expect(c.conn.up()).toBe(true);
    await expect(waiting).resolves.toBeUndefined();
  });

  it('once destroyed, rejects with DESTROYED "the client was destroyed"; a connect() under way rejects the same', async () => {
    const c = setup();
    const { promise } = c.connect();
    c.conn.stop('destroyed', destroyedError);
    await expect(promise).rejects.toMatchObject({ code: 'DESTROYED', message: 'the client was destroyed' });
    const later = c.conn.connect();
    await expect(later).rejects.toBeInstanceOf(SDKError);
    await expect(later).rejects.toMatchObject({ code: 'DESTROYED', message: 'the client was destroyed' });
    expect(c.sockets).toHaveLength(1);
    expect(c.socket(0).closedWith).toEqual([1000]);
  });

  it('still connects over a socket whose binaryType cannot be set', async () => {
    const fake = fakeWebSockets();
    class Stubborn extends fake.WebSocket {
      constructor(url: string) {
        super(url);
        Object.defineProperty(this, 'binaryType', {
          get: () => 'blob',
          set: () => {
            throw new TypeError('read-only');
          },
        });
      }
    }
    const c = setup({ WebSocket: Stubborn as WebSocketConstructor });
    const { promise } = c.connect();
    fake.sockets[0]!.fire('open');
    expect(c.opened).toHaveLength(1);
    c.conn.up();
    await expect(promise).resolves.toBeUndefined();
  });
});

describe('send()', () => {
  it('sends on the current socket, and throws "no socket" when there is none', async () => {
    const c = setup();
    expect(() => c.conn.send('early')).toThrow('no socket');
    const socket = await c.connectUp();
    c.conn.send('hello');
    expect(socket.sent).toEqual(['hello']);
    socket.fire('close', { code: 1006 });
    expect(() => c.conn.send('late')).toThrow('no socket');
  });
});

describe('the sockets that count', () => {
  it('passes on the messages of the current socket only: a socket that dropped is ignored even after a new one opened', () => {
    const c = setup();
    c.connect();
    // Refused before it opened: a retry follows.
    c.socket(0).fire('close', { code: 1006 });
    vi.advanceTimersByTime(100);
    expect(c.sockets).toHaveLength(2);
    c.socket(0).fire('open');
    c.socket(0).fire('message', { data: 'stale' });
    c.socket(0).fire('close', { code: 1006 });
    expect(c.opened).toEqual([]);
    expect(c.messages).toEqual([]);
    expect(c.gone).toHaveLength(1);
    expect(c.conn.state).toBe('reconnecting');
    c.socket(1).fire('open');
    c.socket(1).fire('message', { data: 'fresh' });
    expect(c.opened).toHaveLength(1);
    expect(c.conn.isCurrent(c.opened[0]!)).toBe(true);
    expect(c.messages).toEqual(['fresh']);
  });

  it('closes a socket it gives up on (code 1000) and ignores its later events', () => {
    const c = setup();
    c.connect();
    vi.advanceTimersByTime(500);
    expect(c.socket(0).closedWith).toEqual([1000]);
    c.socket(0).fire('open');
    c.socket(0).fire('message', { data: 'late' });
    expect(c.opened).toEqual([]);
    expect(c.messages).toEqual([]);
  });
});

describe('the handshake deadline', () => {
  it('gives the attempt up after handshakeTimeout: closes the socket, reports it, fails what went out and retries', () => {
    const c = setup();
    c.connect();
    c.socket(0).fire('open');
    vi.advanceTimersByTime(499);
    expect(c.errors).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(c.socket(0).closedWith).toEqual([1000]);
    expect(c.errors).toStrictEqual([{ code: 'CONNECTION_LOST', message: 'the connection handshake did not complete within 500 ms' }]);
    expect(c.gone.map(lostError)).toEqual([{ code: 'CONNECTION_LOST', message: 'the connection was lost' }]);
    expect(c.conn.state).toBe('reconnecting');
    expect(c.retries).toEqual([[100, 1]]);
  });

  it('without reconnection, rejects the connect() under way with the deadline error', async () => {
    const c = setup({ backoff: undefined });
    const { promise } = c.connect();
    vi.advanceTimersByTime(500);
    await expect(promise).rejects.toMatchObject({ code: 'CONNECTION_LOST', message: 'the connection handshake did not complete within 500 ms' });
    expect(c.conn.state).toBe('disconnected');
    expect(c.stopped.map(lostError)).toEqual([{ code: 'CONNECTION_LOST', message: 'the connection handshake did not complete within 500 ms' }]);
  });

  it('does not fire after the server ended the session during the handshake, however long the retry waits', () => {
    const c = setup({ backoff: scriptedBackoff([5000]) });
    c.connect();
    c.socket(0).fire('open');
    const announce = vi.fn();
    c.conn.end('reconnect', () => new SDKError('CONNECTION_LOST', 'the server ended the session'), announce);
    expect(c.conn.state).toBe('reconnecting');
    expect(announce).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(4999);
    expect(c.errors).toEqual([]);
    expect(c.gone.map(lostError)).toEqual([{ code: 'CONNECTION_LOST', message: 'the server ended the session' }]);
    expect(c.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(c.sockets).toHaveLength(2);
  });
});

describe('the end of a session', () => {
  it('reacts to "reconnect" by staying disconnected when reconnection is disabled', async () => {
    const c = setup({ backoff: undefined });
    const socket = await c.connectUp();
    const announce = vi.fn(() => expect(c.conn.state).toBe('disconnected'));
    c.conn.end('reconnect', () => new SDKError('CONNECTION_LOST', 'ended'), announce);
    expect(c.conn.state).toBe('disconnected');
    expect(announce).toHaveBeenCalledTimes(1);
    expect(c.stopped.map(lostError)).toEqual([{ code: 'CONNECTION_LOST', message: 'ended' }]);
    expect(socket.closedWith).toEqual([1000]);
    vi.advanceTimersByTime(60_000);
    expect(c.sockets).toHaveLength(1);
  });

  it('a lost link without reconnection ends disconnected, failing with CONNECTION_LOST "the connection was lost", even after a long session', async () => {
    const c = setup({ backoff: undefined, minUptime: 1000 });
    const socket = await c.connectUp();
    vi.advanceTimersByTime(5000);
    expect(() => socket.fire('close', { code: 1006 })).not.toThrow();
    expect(c.conn.state).toBe('disconnected');
    expect(c.lost()).toBe(1);
    expect(c.stopped.map(lostError)).toEqual([{ code: 'CONNECTION_LOST', message: 'the connection was lost' }]);
    expect(c.conn.hadSession).toBe(false);
  });

  it('a socket the constructor refuses is reported, and fails connect() with CONNECTION_LOST caused by the refusal', async () => {
    const refusal = new SyntaxError('bad url');
    class Refusing {
      constructor() {
        throw refusal;
      }
    }
    const c = setup({ backoff: undefined, WebSocket: Refusing as unknown as WebSocketConstructor });
    const { promise } = c.connect();
    expect(c.errors).toStrictEqual([{ code: 'CONNECTION_LOST', message: 'cannot open the socket: bad url', cause: refusal }]);
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(SDKError);
    expect(error).toMatchObject({ code: 'CONNECTION_LOST', message: 'the connection was lost' });
    expect((error as SDKError).cause).toBe(refusal);
    expect(c.conn.state).toBe('disconnected');
    expect(() => c.conn.send('x')).toThrow('no socket');
  });

  it('a listener of the loss that disconnects is obeyed: no retry is scheduled', async () => {
    let conn: Connection | undefined;
    const c = setup({ hooks: { lost: () => conn?.stop('disconnected', () => new SDKError('CONNECTION_LOST', 'the client was disconnected')) } });
    conn = c.conn;
    const socket = await c.connectUp();
    socket.fire('close', { code: 1006 });
    expect(c.conn.state).toBe('disconnected');
    expect(c.retries).toEqual([]);
    vi.advanceTimersByTime(60_000);
    expect(c.sockets).toHaveLength(1);
  });

  it('schedules one retry only when a listener of the loss restarts the connection and that attempt fails at once', async () => {
    const fake = fakeWebSockets();
    let refuse = false;
    class Flaky extends fake.WebSocket {
      constructor(url: string) {
        if (refuse) throw new Error('offline');
        super(url);
      }
    }
    let conn: Connection | undefined;
    const c = setup({
      WebSocket: Flaky as WebSocketConstructor,
      hooks: {
        lost: () => {
          conn?.stop('disconnected', () => new SDKError('CONNECTION_LOST', 'restarting'));
          refuse = true;
          conn?.connect().catch(() => undefined);
        },
      },
    });
    conn = c.conn;
    const { promise } = c.connect();
    fake.sockets[0]!.fire('open');
    c.conn.up();
    await promise;
    fake.sockets[0]!.fire('close', { code: 1006 });
    expect(c.errors.map((event) => event.message)).toEqual(['cannot open the socket: offline']);
    expect(c.conn.state).toBe('reconnecting');
    expect(c.retries).toEqual([[100, 1]]);
    refuse = false;
    vi.advanceTimersByTime(100);
    expect(fake.sockets).toHaveLength(2);
    expect(c.retries).toEqual([[100, 1]]);
  });
});

describe('retries and their back-off', () => {
  it('grows the delay across sessions shorter than minUptimeForBackoffReset, and starts over after a long one', async () => {
    const c = setup({ minUptime: 1000 });
    await c.connectUp();
    vi.advanceTimersByTime(10);
    c.socket(0).fire('close', { code: 1006 });
    vi.advanceTimersByTime(100);
    c.socket(1).fire('open');
    c.conn.up();
    vi.advanceTimersByTime(999);
    c.socket(1).fire('close', { code: 1006 });
    vi.advanceTimersByTime(200);
    c.socket(2).fire('open');
    c.conn.up();
    vi.advanceTimersByTime(1000);
    c.socket(2).fire('close', { code: 1006 });
    expect(c.retries).toEqual([
      [100, 1],
      [200, 2],
      [100, 1],
    ]);
    expect(c.lost()).toBe(3);
  });

  it('never lets a thrown value that cannot become text escape the socket\'s close listener', () => {
    const strange = Object.create(null) as object;
    const c = setup({
      onRetryScheduled: () => {
        throw strange;
      },
    });
    c.connect();
    expect(() => c.socket(0).fire('close', { code: 1006 })).not.toThrow();
    expect(c.errors[0]).toStrictEqual({ code: 'LISTENER_ERROR', message: 'onRetryScheduled threw: a value that cannot be shown as text', cause: strange });
    vi.advanceTimersByTime(100);
    expect(c.sockets).toHaveLength(2);
  });

  it('reports an onRetryScheduled that throws as LISTENER_ERROR and still retries', () => {
    const boom = new Error('boom');
    const c = setup({
      onRetryScheduled: () => {
        throw boom;
      },
    });
    c.connect();
    c.socket(0).fire('close', { code: 1006 });
    expect(c.errors).toStrictEqual([
      { code: 'LISTENER_ERROR', message: 'onRetryScheduled threw: boom', cause: boom },
      { code: 'CONNECTION_LOST', message: 'the connection attempt failed: the socket closed (1006)' },
    ]);
    vi.advanceTimersByTime(100);
    expect(c.sockets).toHaveLength(2);
  });

  it('stop() cancels the scheduled retry: it never fires into a later reconnection', () => {
    const c = setup({ backoff: scriptedBackoff([10, 1000]) });
    c.connect().promise.catch(() => undefined);
    c.socket(0).fire('close', { code: 1006 });
    c.conn.stop('disconnected', () => new SDKError('CONNECTION_LOST', 'the client was disconnected'));
    c.connect();
    expect(c.sockets).toHaveLength(2);
    c.socket(1).fire('close', { code: 1006 });
    expect(c.conn.state).toBe('reconnecting');
    vi.advanceTimersByTime(10);
    expect(c.sockets).toHaveLength(2);
    vi.advanceTimersByTime(990);
    expect(c.sockets).toHaveLength(3);
  });
});

describe('what is left scheduled', () => {
  // A pending timer keeps a Node process alive: none may outlive its purpose.
  it('nothing once the handshake is up', async () => {
    const c = setup();
    await c.connectUp();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('nothing once stopped while connecting or while waiting to retry', () => {
    const c = setup();
    c.connect().promise.catch(() => undefined);
    expect(vi.getTimerCount()).toBe(1);
    c.conn.stop('disconnected', () => new SDKError('CONNECTION_LOST', 'the client was disconnected'));
    expect(vi.getTimerCount()).toBe(0);
    c.connect();
    c.socket(1).fire('close', { code: 1006 });
    expect(c.conn.state).toBe('reconnecting');
    expect(vi.getTimerCount()).toBe(1);
    c.conn.stop('destroyed', destroyedError);
    expect(vi.getTimerCount()).toBe(0);
  });
});
