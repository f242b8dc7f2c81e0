// Limits of the customer socket: requests in flight per connection (pending_requests_limit_reached),
// unsent bytes per connection (close 1008), fair turns between connections, connections per customer
// (too_many_connections) and connections not logged in (too_many_unauthorized_connections). Short
// limits through the options; what is checked is the order of events, never how long anything took.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createReferenceServer, DEFAULT_LIMITS, DISCONNECT_CLOSE_CODE, SLOW_CONSUMER_CLOSE_CODE, type ReferenceServer, type ReferenceServerOptions } from '../src/index.js';
import { serverWithHeldLogins, TestClient, tcpOf, until, useServer, watching, hold, rawCustomer, type Frame } from './helpers.js';


const responses = (client: TestClient, since = 0): Frame[] => client.frames.slice(since).filter((f) => f.type === 'response');


/** A server with these limits (outgoing frames checked against the spec) and one client logged in on it. */
async function loggedInWith(limits: ReferenceServerOptions): Promise<{ server: ReferenceServer; client: TestClient }> {
  const server = await createReferenceServer({ port: 0, adminPort: 0, validateOutgoing: true, ...limits });
  const client = await TestClient.open(server.socketUrl());
  expect((await client.login(server.issueToken().token)).success).toBe(true);
  return { server, client };
}

/**
 * A server that allows `maxPendingRequests`, with one logged-in client whose requests stay in
 * flight (a reply delay holds them while the next ones arrive); `since` marks where its frames start.
 */
async function inFlight(maxPendingRequests: number) {
  const { server, client } = await loggedInWith({ maxPendingRequests });
  server.faults.setReplyDelay(1000);
  return { server, client, since: client.mark() };
}

describe('requests in flight per connection', () => {
  it('answers requests over maxPendingRequests with pending_requests_limit_reached at once, and serves the others', async () => {
    const { server, client, since } = await inFlight(3);
    try {
      client.send({ requestId: 'r1', action: 'get_chats_summary', payload: {} });
      client.send({ requestId: 'r2', action: 'get_chats_summary', payload: {} });
      client.send({ requestId: 'r3', action: 'get_chats_summary', payload: {} });
      client.send({ requestId: 'r4', action: 'start_chat', payload: {} });
      client.send('not json');
      client.send({ requestId: 'r5', action: 'get_chats_summary', payload: {} });

      // Three are in flight (r1 waiting, r2 and r3 queued): the others are refused, before r1 is answered.
      await until(() => responses(client, since).length === 3, 'three refusals');
      server.faults.setReplyDelay(0);
      expect(responses(client, since).map((f) => [f.requestId, f.action, f.payload.error?.type])).toEqual([
        ['r4', 'start_chat', 'pending_requests_limit_reached'],
        [null, '', 'pending_requests_limit_reached'],
        ['r5', 'get_chats_summary', 'pending_requests_limit_reached'],
      ]);
      expect(responses(client, since)[0]?.payload.error.message).toMatch(/3 requests waiting/);

      await until(() => responses(client, since).length === 6, 'the three requests in flight answered');
      expect(responses(client, since).slice(3).map((f) => [f.requestId, f.success])).toEqual([
        ['r1', true],
        ['r2', true],
        ['r3', true],
      ]);
      // Once answered, they no longer count.
      expect((await client.request('start_chat', {})).success).toBe(true);
      expect(client.invalid).toEqual([]);
      expect(server.violations).toEqual([]);
      client.close();
    } finally {
      await server.close();
    }
  });

  it('lets a connection that has not logged in have only its login and three more frames waiting', async () => {
    // The login stays in flight until released.
    const { server, release } = await serverWithHeldLogins((token) => (token === 'good' ? 'customer-1' : undefined));
    try {
      expect(DEFAULT_LIMITS.maxPendingRequests).toBeGreaterThan(4);
      const client = await TestClient.open(server.socketUrl());
      client.send({ requestId: 'r1', action: 'login', payload: { token: 'good' } });
      client.send({ requestId: 'r2', action: 'get_chats_summary', payload: {} });
      client.send({ requestId: 'r3', action: 'start_chat', payload: {} });
      client.send({ requestId: 'r4', action: 'get_chats_summary', payload: {} });
      client.send({ requestId: 'r5', action: 'start_chat', payload: {} });
      client.send('not json');
      client.send({ requestId: 'r6', action: 'get_chats_summary', payload: { limit: 'x'.repeat(1000) } });

      // Not logged in: the login in flight and r2 to r4 queued; every frame more is refused at once, before the login is answered.
      await until(() => responses(client).length === 3, 'three refusals');
      expect(responses(client).map((f) => [f.requestId, f.action, f.payload.error?.type])).toEqual([
        ['r5', 'start_chat', 'pending_requests_limit_reached'],
        [null, '', 'pending_requests_limit_reached'],
        ['r6', 'get_chats_summary', 'pending_requests_limit_reached'],
      ]);
      expect(responses(client)[0]?.payload.error.message).toMatch(/4 requests waiting/);

      release();
      await until(() => responses(client).length === 7, 'the login and r2 to r4 answered');
      expect(responses(client).slice(3).map((f) => [f.requestId, f.success])).toEqual([
        ['r1', true],
        ['r2', true],
        ['r3', true],
        ['r4', true],
      ]);
      // Logged in, the connection has maxPendingRequests again.
      const since = client.mark();
      for (let i = 0; i < 10; i++) client.send({ requestId: `after${i}`, action: 'get_chats_summary', payload: {} });
      await until(() => responses(client, since).length === 10, 'ten requests after login answered');
      expect(responses(client, since).every((f) => f.success === true)).toBe(true);
      expect(client.invalid).toEqual([]);
      expect(server.violations).toEqual([]);
      client.close();
    } finally {
      await server.close();
    }
  });
});

describe('fair turns', () => {
  const h = useServer({ maxPendingRequests: 5000 });

  it("a flooding connection does not hold up another connection's request", async () => {
    // Two connections of one customer: every start_chat of the flooder creates a chat, so the
    // victim's get_chats_summary tells how many of the flooder's requests were handled before it.
    const flooder = await h.customer();
    const victim = await h.connect();
    await victim.login(flooder.token);
    const FLOOD = 2000;
    const since = victim.mark();
    for (let i = 0; i < FLOOD; i++) flooder.client.send({ requestId: `f${i}`, action: 'start_chat', payload: {} });
    // The server is working through the flood: the victim hears about the first chat, then asks.
    await victim.waitFor((f) => f.action === 'thread_metada', since);
    const { totalChats } = await victim.call('get_chats_summary', { limit: 1 });
    // Taking turns, the victim waited for a few of the flooder's requests, not for the flood.
    expect(totalChats).toBeGreaterThanOrEqual(1);
    expect(totalChats).toBeLessThan(50);
    // And the flood is served in full, in order.
    await until(() => responses(flooder.client).length >= FLOOD + 1, 'the whole flood answered', 3000);
    expect(responses(flooder.client).slice(1).map((f) => f.requestId)).toEqual(Array.from({ length: FLOOD }, (_, i) => `f${i}`));
    expect(h.server.store.chatIdsOf(flooder.customerId)).toHaveLength(FLOOD);
  });
});

describe('unsent bytes per connection', () => {
  const MAX = 64 * 1024;
  const h = useServer({ maxUnsentBytes: MAX });

  it('closes a connection that does not read (1008, with a reason) before holding more than maxUnsentBytes for it', async () => {
    const slow = await h.customer();
    const bystander = await h.customer();
    h.allowInvalid(slow.client);
    // The client stops reading: the kernel buffers fill, then the server's.
    const tcp = (slow.client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    const chunk = 'x'.repeat(16 * 1024);
    let sent = 0;
    for (let i = 0; i < 5000 && h.server.connections(slow.customerId) === 1; i++) {
      sent += h.server.faults.sendRaw(slow.customerId, chunk);
      // Let the socket hand what it can to the kernel between writes.
      if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(h.server.connections(slow.customerId)).toBe(0);
    expect(h.server.faults.sendRaw(slow.customerId, chunk)).toBe(0);
    expect(sent).toBeGreaterThan(0);

    // The other connections go on.
    expect((await bystander.client.call('get_chats_summary', {})).totalChats).toBe(0);

    // Reading again, the client gets what was queued, then the close frame with its reason.
    tcp.resume();
    const closed = await slow.client.closed;
    expect(closed).toEqual({ code: SLOW_CONSUMER_CLOSE_CODE, reason: `too slow: more than ${MAX} bytes waiting to be sent` });
    expect(slow.client.texts.filter((text) => text === chunk).length).toBe(sent);
  });

  it('sends a frame larger than the limit to a connection that keeps up', async () => {
    const { client, customerId } = await h.customer();
    h.allowInvalid(client);
    const big = 'y'.repeat(MAX * 2);
    expect(h.server.faults.sendRaw(customerId, big)).toBe(1);
    await until(() => client.texts.includes(big), 'the large frame');
    expect((await client.call('get_chats_summary', {})).totalChats).toBe(0);
  });
});

describe('unsent bytes over all connections', () => {
  const BUDGET = 256 * 1024;
  // A per-connection cap the test never comes near: what cuts the slow readers off is the budget.
  const h = useServer({ maxUnsentBytes: 64 * 1024 * 1024, maxTotalUnsentBytes: BUDGET });

  it('cuts off the connections holding the most once all of them together pass maxTotalUnsentBytes; readers go on', async () => {
    const slow = [await h.customer(), await h.customer(), await h.customer()];
    const reader = await h.customer();
    for (const { client } of slow) h.allowInvalid(client);
    h.allowInvalid(reader.client);
    for (const { client } of slow) (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const chunk = 'z'.repeat(8 * 1024);
    let rounds = 0;
    // Each slow reader in turn, then the reader (the kernel takes a few MiB per socket first).
    for (; rounds < 4000 && slow.some(({ customerId }) => h.server.connections(customerId) === 1); rounds++) {
      for (const { customerId } of slow) h.server.faults.sendRaw(customerId, chunk);
      h.server.faults.sendRaw(reader.customerId, chunk);
      if (rounds % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
    }
    // Every slow reader was cut off, far below its own cap; the reader kept up and stays.
    for (const { customerId } of slow) expect(h.server.connections(customerId)).toBe(0);
    expect(rounds * chunk.length).toBeLessThan(32 * 1024 * 1024);
    expect(h.server.connections(reader.customerId)).toBe(1);
    await until(() => reader.client.texts.filter((text) => text === chunk).length === rounds, 'every chunk at the reader');
    expect((await reader.client.call('get_chats_summary', {})).totalChats).toBe(0);
    // Cut off at once: reading again, a slow reader finds its socket gone without a close handshake.
    for (const { client } of slow) (client.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    for (const { client } of slow) expect((await client.closed).code).toBe(1006);
  });

  it('lets one frame larger than the budget go to a connection that keeps up', async () => {
    const { client, customerId } = await h.customer();
    h.allowInvalid(client);
    const big = 'w'.repeat(BUDGET * 2);
    expect(h.server.faults.sendRaw(customerId, big)).toBe(1);
    await until(() => client.texts.includes(big), 'the large frame');
    expect(h.server.connections(customerId)).toBe(1);
  });

  describe('cuts only while a cut can make the rest fit', () => {
    const chunk = 'i'.repeat(8 * 1024);

    it('a frame alone larger than the budget cuts off nobody: another connection holding a little goes on', () =>
      watching(async (watch) => {
        const innocent = await rawCustomer(h, true);
        const reader = await rawCustomer(h, false);
        const sent = await hold(h, watch, innocent, 16 * 1024, chunk);
        expect(watch.held(innocent.client)).toBeLessThan(BUDGET / 4);

        // No cut can make this frame fit: it goes, and the innocent connection, far within the budget, stays.
        const big = 'w'.repeat(BUDGET * 2);
        expect(h.server.faults.sendRaw(reader.customerId, big)).toBe(1);
        expect(h.server.connections(innocent.customerId)).toBe(1);
        await until(() => reader.client.texts.includes(big), 'the large frame');

        // Reading again, the innocent connection gets everything, and both connections go on.
        tcpOf(innocent.client).resume();
        await until(() => innocent.client.texts.filter((text) => text === chunk).length === sent, 'every chunk at the innocent connection');
        expect((await innocent.client.call('get_chats_summary', {})).totalChats).toBe(0);
        expect((await reader.client.call('get_chats_summary', {})).totalChats).toBe(0);
        expect(h.server.connections(innocent.customerId)).toBe(1);
        expect(h.server.connections(reader.customerId)).toBe(1);
      }));

    it('once the connection a frame is for is cut off, the frame no longer counts: nobody else is cut for it', () =>
      watching(async (watch) => {
        const innocent = await rawCustomer(h, true);
        const target = await rawCustomer(h, true);
        await hold(h, watch, innocent, 16 * 1024, chunk);
        await hold(h, watch, target, 1, chunk);
        // The target holds the most by far, and everything together still fits.
        expect(h.server.faults.sendRaw(target.customerId, 't'.repeat(160 * 1024))).toBe(1);
        expect(h.server.connections(target.customerId)).toBe(1);
        expect(watch.held(target.client)).toBeGreaterThan(watch.held(innocent.client));

        // A frame within the budget that does not fit beside what waits: its own connection, holding
        // the most, is cut and the frame is not sent; what is left (the innocent's bytes) fits.
        expect(h.server.faults.sendRaw(target.customerId, 'u'.repeat(BUDGET - 8 * 1024))).toBe(0);
        expect(h.server.connections(target.customerId)).toBe(0);
        expect(h.server.connections(innocent.customerId)).toBe(1);
        tcpOf(innocent.client).resume();
        expect((await innocent.client.call('get_chats_summary', {})).totalChats).toBe(0);
        tcpOf(target.client).resume();
        expect((await target.client.closed).code).toBe(1006);
      }));
  });
});

describe('connections per customer', () => {
  const h = useServer({ maxConnectionsPerCustomer: 2 });

  it('ends one connection too many with customer_disconnected (too_many_connections), and keeps the others', async () => {
    const first = await h.customer();
    const second = await h.connect();
    expect((await second.login(first.token)).success).toBe(true);
    const third = await h.connect();
    third.send({ requestId: 'login-3', action: 'login', payload: { token: first.token } });
    expect(await third.closed).toEqual({ code: DISCONNECT_CLOSE_CODE, reason: 'too_many_connections' });
    // The session ends: the push is the last frame, and the login is not answered.
    expect(third.frames).toEqual([{ action: 'customer_disconnected', type: 'push', payload: { reason: 'too_many_connections' } }]);
    expect(h.server.connections(first.customerId)).toBe(2);
    for (const client of [first.client, second]) expect((await client.call('get_chats_summary', {})).totalChats).toBe(0);

    // A connection that closes makes room.
    second.close();
    await until(() => h.server.connections(first.customerId) === 1, 'the second connection gone');
    const fourth = await h.connect();
    expect((await fourth.login(first.token)).success).toBe(true);
  });

  it('counts per customer', async () => {
    const alice = await h.customer();
    await (await h.connect()).login(alice.token);
    const bob = await h.customer();
    const again = await h.connect();
    expect((await again.login(bob.token)).success).toBe(true);
  });
});

describe('connections not logged in', () => {
  const h = useServer({ maxUnauthenticatedConnections: 2 });

  it('ends one too many with customer_disconnected (too_many_unauthorized_connections); a login makes room', async () => {
    const first = await h.connect();
    const second = await h.connect();
    const third = await h.connect();
    expect(await third.closed).toEqual({ code: DISCONNECT_CLOSE_CODE, reason: 'too_many_unauthorized_connections' });
    expect(third.frames).toEqual([{ action: 'customer_disconnected', type: 'push', payload: { reason: 'too_many_unauthorized_connections' } }]);

    // Logged-in connections do not count.
    expect((await first.login(h.server.issueToken().token)).success).toBe(true);
    const fourth = await h.connect();
    expect((await fourth.login(h.server.issueToken().token)).success).toBe(true);
    expect((await second.login(h.server.issueToken().token)).success).toBe(true);
    for (const client of [first, second, fourth]) expect((await client.call('get_chats_summary', {})).totalChats).toBe(0);
  });
});

describe('what the server keeps of chats', () => {
  it('refuses a request that would store past maxStoredChatBytes with service_unavailable, stores nothing, and still answers reads; an admin action gets 503', async () => {
    const { server, client } = await loggedInWith({ maxStoredChatBytes: 30_000 });
    try {
      const { chat } = (await client.call('start_chat', {})) as { chat: { id: string } };
      expect((await fetch(`${server.adminUrl}/agents/sam/chats/${chat.id}/join`, { method: 'POST' })).status).toBe(200);
      const text = 'x'.repeat(2_000);
      let refused: Frame | undefined;
      for (let sent = 0; refused === undefined && sent < 100; sent++) {
        const reply = await client.request('send_event', { chat: chat.id, event: { type: 'message', text } });
        if (!reply.success) refused = reply;
      }
      expect(refused?.payload.error.type).toBe('service_unavailable');
      expect(refused?.payload.error.message).toMatch(/^the server stores no more chat content now: it keeps \d+ of its 30000 bytes \(maxStoredChatBytes\)/);
      expect(server.store.storedBytes).toBeLessThanOrEqual(30_000);
      const stored = server.store.threads(chat.id, server.store.chat(chat.id).threads)[0]!.events.length;
      // Nothing of the refused request was kept; reads go on.
      expect((await client.call('get_chat_threads', { chat: chat.id, threads: server.store.chat(chat.id).threads })) as unknown).toMatchObject({ threads: [{ events: expect.any(Array) }] });
      expect(server.store.threads(chat.id, server.store.chat(chat.id).threads)[0]!.events).toHaveLength(stored);
      expect((await client.request('start_chat', { events: [{ type: 'message', text }] })).payload.error.type).toBe('service_unavailable');
      // The admin endpoint answers the same refusal with 503.
      const agentSays = await fetch(`${server.adminUrl}/agents/sam/chats/${chat.id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
      expect(agentSays.status).toBe(503);
      expect(((await agentSays.json()) as { error: { type: string } }).error.type).toBe('service_unavailable');
      expect(server.violations).toEqual([]);
      client.close();
    } finally {
      await server.close();
    }
  });
});

describe('limit options', () => {
  it('have the documented defaults', () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxFrameBytes: 65_536,
      maxUnsentBytes: 4_194_304,
      maxTotalUnsentBytes: 16_777_216,
      maxPendingRequests: 100,
      maxConnectionsPerCustomer: 16,
      maxUnauthenticatedConnections: 1000,
      heartbeatIntervalMs: 30_000,
      loginTimeoutMs: 30_000,
      adminMaxBodyBytes: 1_048_576,
      maxStoredFileBytes: 268_435_456,
      maxStoredChatBytes: 268_435_456,
      uploadIdleTimeoutMs: 30_000,
    });
  });

  it('the TSDoc of each option and the README state the defaults of DEFAULT_LIMITS', () => {
    const source = readFileSync(new URL('../src/server.ts', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const unit: Record<string, number> = { '': 1, KiB: 1024, MiB: 1024 * 1024 };
    const documented = Object.keys(DEFAULT_LIMITS).map((name) => {
      const doc = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*${name}\\?:`).exec(source)?.[1] ?? '';
      const inDoc = /Default ([\d_]+)(?: (KiB|MiB))?\./.exec(doc);
      const inReadme = new RegExp(`^\\| \`${name}\` \\| [^|]+ \\| \`(\\d+)\``, 'm').exec(readme);
      return [name, inDoc === null ? 'no "Default <n>." in its TSDoc' : Number(inDoc[1]?.replace(/_/g, '')) * (unit[inDoc[2] ?? ''] ?? Number.NaN), inReadme === null ? 'not in the README' : Number(inReadme[1])];
    });
    expect(documented).toEqual(Object.entries(DEFAULT_LIMITS).map(([name, value]) => [name, value, value]));
  });

  it('port options are ports; the default adminPort, port + 1, must be one too', async () => {
    await expect(createReferenceServer({ port: 65_535 })).rejects.toThrow(new RangeError('adminPort defaults to port + 1 = 65536, which is not a port; pass adminPort'));
    await expect(createReferenceServer({ port: 70_000, adminPort: 0 })).rejects.toThrow(new RangeError('port must be a whole number from 0 to 65535, not 70000'));
    await expect(createReferenceServer({ port: 0, adminPort: -1 })).rejects.toThrow(new RangeError('adminPort must be a whole number from 0 to 65535, not -1'));
  });

  it.each([
    [{ maxPendingRequests: 0 }],
    [{ maxStoredFileBytes: 0 }],
    [{ maxUnsentBytes: -1 }],
    [{ maxTotalUnsentBytes: 0 }],
    [{ maxConnectionsPerCustomer: 1.5 }],
    [{ maxUnauthenticatedConnections: Number.NaN }],
    [{ heartbeatIntervalMs: -1 }],
    [{ heartbeatIntervalMs: 1 }],
    [{ heartbeatIntervalMs: 99 }],
    [{ loginTimeoutMs: 2 ** 31 }],
    [{ maxFrameBytes: 0 }],
    [{ adminMaxBodyBytes: 0 }],
    [{ uploadIdleTimeoutMs: -1 }],
    [{ uploadIdleTimeoutMs: 2 ** 31 }],
  ])('rejects %j with a RangeError', async (limits) => {
    await expect(createReferenceServer({ port: 0, adminPort: 0, ...limits })).rejects.toThrow(RangeError);
  });

  it('heartbeatIntervalMs is 0 (off) or at least 100 ms: shorter cuts off healthy clients whose pong is on its way', async () => {
    await expect(createReferenceServer({ port: 0, adminPort: 0, heartbeatIntervalMs: 5 })).rejects.toThrow(
      new RangeError('heartbeatIntervalMs must be 0 (no heartbeat) or from 100 to 2147483647, not 5: a shorter interval cuts off healthy clients whose pong is still on its way'),
    );
    for (const heartbeatIntervalMs of [0, 100]) await (await createReferenceServer({ port: 0, adminPort: 0, heartbeatIntervalMs })).close();
  });

  it('a connection that closed before logging in no longer counts', async () => {
    const server = await createReferenceServer({ port: 0, adminPort: 0, maxUnauthenticatedConnections: 1 });
    try {
      const quiet = new WebSocket(server.socketUrl());
      await once(quiet, 'open');
      quiet.terminate();
      await until(() => server.connections() === 0, 'the quiet connection gone');
      const next = await TestClient.open(server.socketUrl());
      expect((await next.login(server.issueToken().token)).success).toBe(true);
      next.close();
    } finally {
      await server.close();
    }
  });
});

// Pinned by mutation testing (bench/mutation.md).
describe('limits in detail', () => {
  it('a logged-in connection that closes does not make room for one more connection not logged in', async () => {
    const { server, client: customer } = await loggedInWith({ maxUnauthenticatedConnections: 1 });
    try {
      customer.close();
      await until(() => server.connections() === 0, 'the customer gone');
      const first = await TestClient.open(server.socketUrl());
      const second = await TestClient.open(server.socketUrl());
      expect(await second.closed).toEqual({ code: DISCONNECT_CLOSE_CODE, reason: 'too_many_unauthorized_connections' });
      first.close();
    } finally {
      await server.close();
    }
  });

  it('a refused frame echoes a string action only, and a binary one is not read', async () => {
    const { server, client, since } = await inFlight(1);
    try {
      client.send({ requestId: 'r1', action: 'get_chats_summary', payload: {} });
      client.send({ requestId: 'r2', action: 5, payload: {} });
      client.socket.send(Buffer.from(JSON.stringify({ requestId: 'r3', action: 'get_chats_summary', payload: {} })));
      await until(() => responses(client, since).length === 2, 'two refusals');
      server.faults.setReplyDelay(0);
      expect(responses(client, since).map((f) => [f.requestId, f.action, f.payload.error?.type])).toEqual([
        ['r2', '', 'pending_requests_limit_reached'],
        [null, '', 'pending_requests_limit_reached'],
      ]);
      await until(() => responses(client, since).length === 3, 'r1 answered');
      expect(client.invalid).toEqual([]);
      expect(server.violations).toEqual([]);
      client.close();
    } finally {
      await server.close();
    }
  });
});
