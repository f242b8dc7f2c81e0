// When the link fails, end to end: the reference server restarted under a client with a static
// token, a ban during an outage, requests made while the link is down or on the wire when it
// drops, the offline queue, the handshake deadline (all against the reference server), and a
// scripted server that accepts, completes the handshake and drops at once (the back-off).
import { createReferenceServer, type ReferenceServer, type ReferenceServerOptions } from '@customer-chat/reference-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createCustomerSDK, type ClientErrorCode, type CustomerSDK, type CustomerSDKOptions } from '../../src/node.js';
import {
  LICENSE_ID,
  Recorder,
  actionsOf,
  recordingWebSocket,
  rejectionOf,
  sleep,
  specReactions,
  summaryPage,
  until,
  useHarness,
  useScriptedServer,
} from './harness.js';

/** Longer than several back-off periods of the restart tests' clients (100 ms doubling up to 200 ms). */
const SEVERAL_BACKOFFS = 600;

describe('the reference server restarts on the same port with a new token store', () => {
  const servers: ReferenceServer[] = [];
  const clients: CustomerSDK[] = [];
  afterEach(async () => {
    for (const api of clients.splice(0)) api.destroy();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function start(options: Partial<ReferenceServerOptions> = {}): Promise<ReferenceServer> {
    const server = await createReferenceServer({ port: 0, adminPort: 0, validateOutgoing: true, log: () => undefined, ...options });
    servers.push(server);
    return server;
  }

  /** Closes `server` and starts a new one (forgetting every token) on its port. */
  async function restart(server: ReferenceServer): Promise<ReferenceServer> {
    const { port } = server;
    servers.splice(servers.indexOf(server), 1);
    await server.close();
    return start({ port });
  }

  function sdk(server: ReferenceServer, getToken: () => string, options: Partial<CustomerSDKOptions> = {}) {
    // A first retry after 50 to 100 ms: the old server is gone by then (it closes in a few ms).
    const reconnect = { initialDelay: 100, maxDelay: 200 };
    const api = createCustomerSDK({ url: server.url, licenseId: LICENSE_ID, getToken, reconnect, requestTimeout: 3_000, ...options });
    clients.push(api);
    return { api, events: new Recorder(api) };
  }

  it('a static token: connection_lost, the refused login as error, then disconnected(access_token_expired), and no loop', async () => {
    const first = await start();
    const { token } = first.issueToken();
    let calls = 0;
    const { api, events } = sdk(first, () => {
      calls += 1;
      return token;
    });
    await events.next('connected');
    let stateAtEvent: string | undefined;
    api.once('disconnected', () => (stateAtEvent = api.state));
    const disconnected = events.next('disconnected');
    const second = await restart(first);

    expect(await disconnected).toBe('access_token_expired');
    expect(stateAtEvent).toBe('disconnected');
    expect(api.state).toBe('disconnected');
    const lifecycle = events.names().filter((name) => name !== 'customer_id' && name !== 'user_data');
    expect(lifecycle).toEqual(['connected', 'connection_lost', 'error', 'disconnected']);
    expect(events.of('error')).toEqual([
      expect.objectContaining({ code: 'AUTHENTICATION' satisfies ClientErrorCode, message: expect.stringMatching(/^the connection handshake failed: /) }),
    ]);
    // The login, then on the new server the login and its one retry with a fresh token.
    expect(calls).toBe(3);
    await sleep(SEVERAL_BACKOFFS);
    expect(calls).toBe(3);
    expect(api.state).toBe('disconnected');
    expect(second.connections()).toBe(0);

    // A request now fails at once, unsent.
    expect(await rejectionOf(api.getChatsSummary())).toMatchObject({
      code: 'CONNECTION_LOST' satisfies ClientErrorCode,
      message: 'not sent: the client is not connected (disconnected)',
      details: { sent: false },
    });
    // connect() tries again and says why it fails; the reason is announced again.
    const again = events.next('disconnected');
    expect(await rejectionOf(api.connect())).toMatchObject({ code: 'AUTHENTICATION', type: 'authentication' });
    expect(await again).toBe('access_token_expired');
    expect(calls).toBe(5);
  });

  it('a getToken that asks the server for a token (as in the README): the same restart ends in connection_restored', async () => {
    let current = await start();
    const { api, events } = sdk(current, () => current.issueToken().token);
    await events.next('connected');
    const restored = events.next('connection_restored');
    current = await restart(current);
    expect(await restored).toEqual({ chatsSummary: [], totalChats: 0 });
    expect(api.state).toBe('connected');
    expect(events.of('disconnected')).toEqual([]);
  });

  it('a refused autoConnect is not silent either: disconnected(access_token_expired), state disconnected', async () => {
    const server = await start();
    const { api, events } = sdk(server, () => 'a-token-this-server-never-issued');
    expect(await events.next('disconnected')).toBe('access_token_expired');
    expect(api.state).toBe('disconnected');
    expect(events.names()).toEqual(['error', 'disconnected']);
  });
});

describe('with the reference server', () => {
  const h = useHarness();

  it('the spec gives the reactions this relies on', () => {
    // A refused token stands for access_token_expired (reconnect: done once, by the fresh-token retry), a ban for customer_banned.
    expect(specReactions()).toMatchObject({ access_token_expired: 'reconnect', customer_banned: 'destroy' });
  });

  it('a ban during an outage: the reconnection is refused, disconnected(customer_banned), then destroyed', async () => {
    const { api, customerId, events, tokenCalls } = await h.connect();
    h.server.store.setBanned(customerId, true);
    let stateAtEvent: string | undefined;
    api.once('disconnected', () => (stateAtEvent = api.state));
    const disconnected = events.next('disconnected');
    h.server.faults.dropConnections(customerId);
    expect(await disconnected).toBe('customer_banned');
    expect(stateAtEvent).toBe('destroyed');
    expect(api.state).toBe('destroyed');
    const tail = events.names().slice(events.indexOf('connection_lost'));
    expect(tail).toEqual(['connection_lost', 'error', 'disconnected']);
    expect(events.of('error')[0]).toMatchObject({ code: 'CUSTOMER_BANNED' satisfies ClientErrorCode });
    // A ban is not a token problem: no retry with a fresh token.
    expect(tokenCalls()).toBe(2);
    expect(await api.events().next()).toEqual({ value: undefined, done: true });
  });

  it('a request made while the link is down fails at once, unsent, and nothing of it goes on the wire', async () => {
    const sent: string[] = [];
    const { api, customerId, events } = await h.connect({ WebSocket: recordingWebSocket(sent) });
    // Held back so the client stays in `reconnecting` while the request is made.
    h.server.faults.setReplyDelay(200);
    const lost = events.next('connection_lost');
    const restored = events.next('connection_restored');
    const before = sent.length;
    h.server.faults.dropConnections(customerId);
    await lost;
    expect(api.state).toBe('reconnecting');
    const error = await rejectionOf(api.startChat());
    expect(error).toMatchObject({
      code: 'CONNECTION_LOST' satisfies ClientErrorCode,
      message: 'not sent: the client is not connected (reconnecting)',
      details: { sent: false },
    });
    expect(api.state).toBe('reconnecting');
    h.server.faults.setReplyDelay(0);
    await restored;
    expect(await api.getChatsSummary()).toEqual(summaryPage(h.server, customerId));
    expect(actionsOf(sent.slice(before))).toEqual(['login', 'get_chats_summary', 'get_chats_summary']);
  });

  it('a request on the wire when the link drops fails with CONNECTION_LOST and is not resent after the reconnection', async () => {
    const sent: string[] = [];
    const { api, customerId, events } = await h.connect({ WebSocket: recordingWebSocket(sent), offlineQueue: { max: 10 } });
    const { chat } = await api.startChat();
    h.server.faults.setReplyDelay(2_000);
    const pending = api.sendMessage(chat.id, 'once');
    await until('send_event on the wire', () => actionsOf(sent).includes('send_event'));
    const restored = events.next('connection_restored');
    h.server.faults.dropConnections(customerId);
    h.server.faults.setReplyDelay(0);
    const error = await rejectionOf(pending);
    expect(error).toMatchObject({ code: 'CONNECTION_LOST' satisfies ClientErrorCode, message: 'the connection was lost' });
    await restored;
    await api.getChatsSummary();
    expect(actionsOf(sent).filter((action) => action === 'send_event')).toHaveLength(1);
  });

  it('offlineQueue: requests made during the outage go out in order on the next session; over the bound they fail at once', async () => {
    const { api, customerId, events } = await h.connect({ offlineQueue: { max: 2 } });
    const { chat, thread } = await api.startChat({ events: [{ type: 'message', text: 'before' }] });
    const made: Promise<unknown>[] = [];
    // Made as the outage is announced, so certainly while reconnecting.
    api.once('connection_lost', () => {
      made.push(api.sendMessage(chat.id, 'first'), api.sendMessage(chat.id, 'second'), rejectionOf(api.sendMessage(chat.id, 'third')));
    });
    const restored = events.next('connection_restored');
    h.server.faults.dropConnections(customerId);
    await restored;
    const [first, second, third] = made;
    expect(await third).toMatchObject({
      code: 'CONNECTION_LOST' satisfies ClientErrorCode,
      message: 'not sent: the client is not connected (reconnecting) and the offline queue is full (2)',
    });
    await Promise.all([first, second]);
    const texts = h.server.store.thread(thread.id).events.map((event) => (event as { text?: string }).text);
    expect(texts).toEqual(['before', 'first', 'second']);
  });

  it('offlineQueue: a queued request still times out, unsent, and is never sent', async () => {
    const sent: string[] = [];
    const { api, customerId, events } = await h.connect({ WebSocket: recordingWebSocket(sent), offlineQueue: { max: 5 }, requestTimeout: 100 });
    // The new session's handshake takes longer than the queued request may wait.
    h.server.faults.setReplyDelay(400);
    let queued: Promise<unknown> | undefined;
    api.once('connection_lost', () => (queued = rejectionOf(api.startChat())));
    const lost = events.next('connection_lost');
    const restored = events.next('connection_restored');
    h.server.faults.dropConnections(customerId);
    await lost;
    expect(await queued).toMatchObject({
      code: 'REQUEST_TIMEOUT' satisfies ClientErrorCode,
      message: 'not sent: not connected within 100 ms',
      details: { sent: false },
    });
    h.server.faults.setReplyDelay(0);
    await restored;
    expect(actionsOf(sent)).not.toContain('start_chat');
  });

  it('a handshake that does not complete within handshakeTimeout is abandoned, reported and retried with back-off', async () => {
    const { api, customerId, events } = await h.connect({ handshakeTimeout: 150 });
    h.server.faults.setReplyDelay(1_000);
    const restored = events.next('connection_restored', undefined, 6_000);
    h.server.faults.dropConnections(customerId);
    await until('two abandoned handshakes', () => events.of('error').length >= 2);
    expect(events.of('error').slice(0, 2)).toEqual([
      { code: 'CONNECTION_LOST', message: 'the connection handshake did not complete within 150 ms' },
      { code: 'CONNECTION_LOST', message: 'the connection handshake did not complete within 150 ms' },
    ]);
    expect(api.state).toBe('reconnecting');
    h.server.faults.setReplyDelay(0);
    expect(await restored).toEqual(summaryPage(h.server, customerId));
    // The abandoned sockets were closed by the client: one connection is left.
    await until('one connection', () => h.server.connections(customerId) === 1);
    expect(events.of('connection_lost')).toHaveLength(1);
  });
});

describe('a server that accepts, completes the handshake and drops at once', () => {
  const scripted = useScriptedServer();

  /** Scripted: answers `login` and `get_chats_summary` with valid frames, then closes. */
  async function flappingServer(): Promise<{ url: string; sessions: () => number }> {
    let sessions = 0;
    const url = await scripted.start((socket) => {
      socket.on('message', (data) => {
        const { requestId, action } = JSON.parse(String(data)) as { requestId: string; action: string };
        const respond = (payload: unknown) => socket.send(JSON.stringify({ requestId, action, type: 'response', success: true, payload }));
        if (action === 'login') respond({ customerId: 'flapping-customer' });
        if (action === 'get_chats_summary') {
          sessions += 1;
          respond({ chatsSummary: [], totalChats: 0 });
          socket.close();
        }
      });
    });
    return { url, sessions: () => sessions };
  }

  /** The first `count` reconnection delays the client scheduled, with their attempt numbers. */
  async function scheduledDelays(count: number, options: Partial<CustomerSDKOptions> = {}) {
    const server = await flappingServer();
    const scheduled: [delay: number, attempt: number][] = [];
    const client = scripted.track(createCustomerSDK({
      url: server.url,
      licenseId: LICENSE_ID,
      getToken: () => 'any',
      reconnect: { initialDelay: 5, factor: 2, maxDelay: 10_000, random: () => 0, onRetryScheduled: (ms, attempt) => scheduled.push([ms, attempt]) },
      ...options,
    }));
    const events = new Recorder(client);
    await until(`${count} scheduled reconnections`, () => scheduled.length >= count, 8_000);
    client.destroy();
    return { scheduled: scheduled.slice(0, count), events, sessions: server.sessions() };
  }

  it('gets growing delays: the back-off starts over only after minUptimeForBackoffReset (5 s by default)', async () => {
    const { scheduled, events, sessions } = await scheduledDelays(6);
    expect(scheduled).toEqual([[5, 1], [10, 2], [20, 3], [40, 4], [80, 5], [160, 6]]);
    // Every attempt was a full session: accepted, logged in, summary sent, then dropped.
    expect(sessions).toBeGreaterThanOrEqual(6);
    expect(events.of('connected')).toHaveLength(1);
    expect(events.of('connection_restored').length).toBeGreaterThanOrEqual(5);
    expect(events.of('connection_lost').length).toBeGreaterThanOrEqual(6);
    expect(events.of('error')).toEqual([]);
  });

  it('would get a reconnect storm with minUptimeForBackoffReset: 0 (every session resets the back-off)', async () => {
    const { scheduled } = await scheduledDelays(6, { minUptimeForBackoffReset: 0 });
    expect(scheduled).toEqual([[5, 1], [5, 1], [5, 1], [5, 1], [5, 1], [5, 1]]);
  });
});
