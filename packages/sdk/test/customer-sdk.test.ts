// CustomerSDK's own options and URLs, without a server where none is needed: the options it checks
// at creation, an option given as undefined taking its default, and where sendFile uploads for a
// base URL with a path.
import { loadModel } from '@customer-chat/spec-model';
import { createReferenceServer, type ReferenceServer } from '@customer-chat/reference-server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_HISTORY_PAGE_SIZE } from '../src/customer-sdk.js';
import { createCustomerSDK, isSDKError, type CustomerSDK, type CustomerSDKOptions } from '../src/node.js';
import { createCustomerSDK as createUnvalidatedSDK } from '../src/node-unvalidated.js';
import { fakeWebSockets } from './runtime/fixtures.js';

const clients: CustomerSDK[] = [];
let server: ReferenceServer | undefined;
afterEach(async () => {
  for (const api of clients.splice(0)) api.destroy();
  vi.unstubAllGlobals();
  await server?.close();
  server = undefined;
});

function make(options: Partial<CustomerSDKOptions>, create = createCustomerSDK): CustomerSDK {
  const api = create({ licenseId: 'unit', getToken: () => 'token', autoConnect: false, ...options });
  clients.push(api);
  return api;
}

function constructionError(options: Partial<CustomerSDKOptions>): unknown {
  try {
    make(options);
  } catch (error) {
    return error;
  }
  throw new Error(`created with ${JSON.stringify(options)}`);
}

describe('options checked at creation', () => {
  it('historyPageSize is at most what one get_chat_threads request takes (the spec’s maxItems)', async () => {
    const model = await loadModel();
    const args = model.schemas.find((schema) => schema.name === 'GetChatThreadsArguments')?.schema as { properties: { threads: { maxItems: number } } };
    expect(MAX_HISTORY_PAGE_SIZE).toBe(args.properties.threads.maxItems);
  });

  it.each([
    [{ historyPageSize: MAX_HISTORY_PAGE_SIZE + 1 }, 'invalid historyPageSize: 26'],
    [{ historyPageSize: 0 }, 'invalid historyPageSize: 0'],
    [{ historyPageSize: 2.5 }, 'invalid historyPageSize: 2.5'],
    [{ historyPageSize: NaN }, 'invalid historyPageSize: NaN'],
    [{ sneakPeekInterval: -1 }, 'invalid sneakPeekInterval: -1'],
    [{ sneakPeekInterval: NaN }, 'invalid sneakPeekInterval: NaN'],
    [{ sneakPeekInterval: Infinity }, 'invalid sneakPeekInterval: Infinity'],
    [{ sneakPeekInterval: 2 ** 31 }, 'invalid sneakPeekInterval: 2147483648'],
    // Only undefined takes the default: null is refused, not read as "the local server" or "2000".
    [{ historyPageSize: null }, 'invalid historyPageSize: null'],
    [{ sneakPeekInterval: null }, 'invalid sneakPeekInterval: null'],
    [{ url: null }, 'invalid url null: not a string'],
  ] as const)('refuses %o: "%s"', (options, message) => {
    const { WebSocket, sockets } = fakeWebSockets();
    const error = constructionError({ ...(options as Partial<CustomerSDKOptions>), WebSocket, autoConnect: true });
    expect(isSDKError(error, 'INVALID_ARGS')).toBe(true);
    expect(error).toMatchObject({ message });
    // Refused before anything starts: no connection is attempted.
    return Promise.resolve().then(() => expect(sockets).toEqual([]));
  });

  it.each([
    ['@customer-chat/sdk', createCustomerSDK],
    ['@customer-chat/sdk/unvalidated', createUnvalidatedSDK],
  ] as const)('%s refuses a WebSocket option given as null, rather than taking `ws` for it', (_, create) => {
    let error: unknown;
    try {
      make({ WebSocket: null as unknown as CustomerSDKOptions['WebSocket'] }, create);
    } catch (caught) {
      error = caught;
    }
    expect(isSDKError(error, 'INVALID_ARGS')).toBe(true);
    expect(error).toMatchObject({ message: 'invalid WebSocket: null' });
  });

  it('takes every limit itself, and undefined as the default', () => {
    for (const options of [{ historyPageSize: 1 }, { historyPageSize: MAX_HISTORY_PAGE_SIZE }, { sneakPeekInterval: 0 }, { sneakPeekInterval: 2 ** 31 - 1 }, { historyPageSize: undefined, sneakPeekInterval: undefined, url: undefined }]) {
      expect(() => make(options), JSON.stringify(options)).not.toThrow();
    }
  });
});

describe('setSneakPeek once the client stops', () => {
  /** A client connected over a fake socket (fake timers on), with a sneak peek waiting for its interval. */
  async function withWaitingSneakPeek() {
    vi.useFakeTimers();
    const { WebSocket, sockets } = fakeWebSockets();
    const api = make({ WebSocket, validate: false, sneakPeekInterval: 60_000 });
    const socket = () => sockets[0]!;
    const answer = async (action: string, payload: unknown) => {
      await vi.waitFor(() => expect(socket().sent.some((text) => JSON.parse(text).action === action)).toBe(true));
      const { requestId } = JSON.parse([...socket().sent].reverse().find((text) => JSON.parse(text).action === action)!) as { requestId: string };
      socket().fire('message', { data: JSON.stringify({ type: 'response', success: true, requestId, action, payload }) });
    };
    const up = api.connect();
    socket().fire('open');
    await answer('login', { customerId: 'c' });
    await answer('get_chats_summary', { chatsSummary: [], totalChats: 0 });
    await up;
    const timers = vi.getTimerCount();
    api.setSneakPeek('C1', 'a');
    api.setSneakPeek('C1', 'ab');
    // The first went out (its request has a timeout); the second waits out the interval.
    expect(socket().sent.filter((text) => JSON.parse(text).action === 'send_sneak_peek')).toHaveLength(1);
    expect(vi.getTimerCount()).toBeGreaterThan(timers);
    return { api, socket: socket() };
  }
  afterEach(() => vi.useRealTimers());

  it('leaves no timer behind when the server ends the session for good (a ban): the client is destroyed without destroy()', async () => {
    const { api, socket } = await withWaitingSneakPeek();
    socket.fire('message', { data: JSON.stringify({ type: 'push', action: 'customer_disconnected', payload: { reason: 'customer_banned' } }) });
    expect(api.state).toBe('destroyed');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops the waiting one at disconnect(): one due while not connected would be dropped anyway', async () => {
    const { api, socket } = await withWaitingSneakPeek();
    api.disconnect();
    expect(vi.getTimerCount()).toBe(0);
    expect(socket.sent.filter((text) => JSON.parse(text).action === 'send_sneak_peek')).toHaveLength(1);
  });
});

describe('the Node.js entries', () => {
  it.each([
    ['@customer-chat/sdk', createCustomerSDK],
    ['@customer-chat/sdk/unvalidated', createUnvalidatedSDK],
  ] as const)('%s connects with `ws` when the WebSocket option is undefined', async (_, create) => {
    // Whatever the Node.js version: the global WebSocket of Node 22+ would hide a missing default.
    vi.stubGlobal('WebSocket', undefined);
    server = await createReferenceServer({ port: 0 });
    const { token } = server.issueToken();
    const api = make({ url: server.url, getToken: () => token, WebSocket: undefined }, create);
    await api.connect();
    expect(api.state).toBe('connected');
  });
});

describe('sendFile on a base URL with a path', () => {
  it('uploads under the same path as the socket', async () => {
    const { WebSocket, sockets } = fakeWebSockets();
    const uploads: string[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      uploads.push(url);
      return Promise.reject(new Error('no network in this test'));
    });
    const api = make({ url: 'wss://example.test/chat', licenseId: 'L1', WebSocket });
    api.connect().catch(() => undefined);
    const failure = await api.sendFile('C1', Buffer.from('x'), { contentType: 'text/plain' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'UPLOAD_FAILED' });
    expect(sockets.map((socket) => socket.url)).toEqual(['wss://example.test/chat/v1/customer?licenseId=L1']);
    expect(uploads).toEqual(['https://example.test/chat/v1/files?licenseId=L1']);
  });
});
