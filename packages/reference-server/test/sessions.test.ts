// The session layer (src/sessions.ts) in detail: how connections that are not logged in are counted
// when a login fails half-way, what is written to a connection that is closing, the exact bound of
// maxUnsentBytes, what a connection ended while it does not read still gets, and the sockets the
// server closed that still hold bytes under the output budget. Real sockets on 127.0.0.1; a client
// that "does not read" has its TCP socket paused. (Pinned by mutation testing, bench/mutation.md.)
import { once } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createReferenceServer, DISCONNECT_CLOSE_CODE, SLOW_CONSUMER_CLOSE_CODE, type ReferenceServer } from '../src/index.js';
import { serverWithHeldLogins, TestClient, tcpOf, until, useServer, watchServerSockets, watching, hold, rawCustomer, type Frame } from './helpers.js';



const count = (client: TestClient, text: string): number => client.texts.filter((t) => t === text).length;

/** Opens one more connection (kept in `clients`, to close) and says whether it is served (its request answered) or ended at once (how). */
async function admit(server: ReferenceServer, clients: TestClient[]): Promise<string> {
  const client = await TestClient.open(server.socketUrl());
  clients.push(client);
  return Promise.race([
    client.closed.then(({ code, reason }) => `closed ${code} ${reason}`),
    client.request('get_chats_summary', {}).then(
      (reply) => `served ${String(reply.payload.error?.type ?? 'ok')}`,
      () => 'no answer',
    ),
  ]);
}

/** With maxUnauthenticatedConnections 1 and that place free: one more connection is served, the next is refused. */
async function expectOnePlaceFree(server: ReferenceServer, clients: TestClient[]): Promise<void> {
  expect(await admit(server, clients)).toBe('served authorization');
  expect(await admit(server, clients)).toBe(`closed ${DISCONNECT_CLOSE_CODE} too_many_unauthorized_connections`);
}

/** A stored customer the spec cannot describe: its user_data push fails validation after the login bound the connection. */
function brokenCustomer(server: ReferenceServer): string {
  server.store.ensureCustomer('broken');
  server.store.updateCustomer('broken', { email: 42 } as never);
  return server.issueToken('broken').token;
}

describe('a login that fails after binding the connection', () => {
  it('leaves the connection counted as not logged in: with maxUnauthenticatedConnections 1, one more is one too many', async () => {
    const logs: string[] = [];
    const server = await createReferenceServer({ port: 0, adminPort: 0, validateOutgoing: true, maxUnauthenticatedConnections: 1, log: (message) => logs.push(message) });
    const clients: TestClient[] = [];
    try {
      const token = brokenCustomer(server);
      const client = await TestClient.open(server.socketUrl());
      clients.push(client);
      expect((await client.login(token)).payload.error.type).toBe('internal');

      // Logged out again, it takes the one place there is for a connection not logged in.
      expect(await admit(server, clients)).toBe(`closed ${DISCONNECT_CLOSE_CODE} too_many_unauthorized_connections`);

      // Logged in, it makes room for exactly one more.
      expect((await client.login(server.issueToken().token)).success).toBe(true);
      await expectOnePlaceFree(server, clients);
      expect(logs).toHaveLength(2);
    } finally {
      for (const client of clients) client.close();
      await server.close();
    }
  });

  it('on a connection dropped meanwhile counts nothing for it, and fails nothing', async () => {
    const logs: string[] = [];
    let server: ReferenceServer | undefined;
    const clients: TestClient[] = [];
    server = await createReferenceServer({
      port: 0,
      adminPort: 0,
      validateOutgoing: true,
      maxUnauthenticatedConnections: 1,
      log: (message) => {
        logs.push(message);
        // The connection is dropped right when its login breaks the spec, before the login gives up.
        if (message.startsWith('OUTGOING FRAME BREAKS THE SPEC')) server?.faults.dropConnections('broken');
      },
    });
    try {
      const token = brokenCustomer(server);
      const client = await TestClient.open(server.socketUrl());
      clients.push(client);
      client.send({ requestId: 'r1', action: 'login', payload: { token } });
      expect((await client.closed).code).toBe(1006);
      await until(() => server?.connections() === 0, 'the dropped connection gone');
      expect(server.connections('broken')).toBe(0);
      // The violation and the failed login are reported; nothing else went wrong.
      expect(logs).toHaveLength(2);
      expect(logs[0]).toMatch(/^OUTGOING FRAME BREAKS THE SPEC \(push_user_data\)/);
      expect(logs[1]).toMatch(/^the server built an invalid push_user_data frame/);

      // Nothing is left counted for the dropped connection: the one place is free.
      await expectOnePlaceFree(server, clients);
      expect(logs).toHaveLength(2);
    } finally {
      for (const client of clients) client.close();
      await server.close();
    }
  });
});

describe('requests waiting for their answer', () => {
  it('count the one being handled: with the login in flight, three more frames wait and the next ones are refused', async () => {
    // The login is held while it is handled, until released.
    const { server, entered: handling, release } = await serverWithHeldLogins(() => 'customer-1');
    const client = await TestClient.open(server.socketUrl());
    try {
      client.send({ requestId: 'login', action: 'login', payload: { token: 't' } });
      await handling;
      // Sent while the login is handled (not beside it in one read): the login counts as waiting too.
      for (const id of ['r2', 'r3', 'r4', 'r5', 'r6']) client.send({ requestId: id, action: 'get_chats_summary', payload: {} });
      const responses = (): Frame[] => client.frames.filter((f) => f.type === 'response');
      await until(() => responses().length === 2, 'two refusals');
      expect(responses().map((f) => [f.requestId, f.payload.error?.type])).toEqual([
        ['r5', 'pending_requests_limit_reached'],
        ['r6', 'pending_requests_limit_reached'],
      ]);
      release();
      await until(() => responses().length === 6, 'the login and r2 to r4 answered');
      expect(responses().slice(2).map((f) => [f.requestId, f.success])).toEqual([
        ['login', true],
        ['r2', true],
        ['r3', true],
        ['r4', true],
      ]);
      expect(client.invalid).toEqual([]);
      expect(server.violations).toEqual([]);
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('a connection whose closing handshake is under way', () => {
  const h = useServer();

  it('is written nothing more: sendRaw does not count it, though it is still connected', async () => {
    const { client, customerId } = await h.customer();
    h.allowInvalid(client);
    // The client starts the closing handshake and stops reading: the server answers its close frame
    // and waits for the TCP connection to end (up to its close timeout, seconds).
    client.socket.close(1000, 'bye');
    tcpOf(client).pause();
    await until(() => h.server.faults.sendRaw(customerId, 'still there?') === 0, 'the close frame read by the server');
    expect(h.server.connections(customerId)).toBe(1);
    expect(h.server.faults.sendRaw(customerId, 'still there?')).toBe(0);
    tcpOf(client).resume();
    expect(await client.closed).toEqual({ code: 1000, reason: 'bye' });
    await until(() => h.server.connections(customerId) === 0, 'the connection gone');
  });
});

describe('maxUnsentBytes, to the byte', () => {
  const MAX = 64 * 1024;
  const chunk = 'm'.repeat(8 * 1024);
  const h = useServer({ maxUnsentBytes: MAX, maxTotalUnsentBytes: 1024 * 1024 * 1024 });

  it('a frame that brings what waits for a connection to exactly maxUnsentBytes goes; one byte more closes the connection (1008)', () =>
    watching(async (watch) => {
      const fits = await rawCustomer(h, true);
      const over = await rawCustomer(h, true);
      const fitsSent = await hold(h, watch, fits, 1, chunk);
      const overSent = await hold(h, watch, over, 1, chunk);

      // Exactly up to the limit: it goes, and the connection stays.
      const exact = 'e'.repeat(MAX - watch.held(fits.client));
      expect(exact.length).toBeGreaterThan(chunk.length);
      expect(h.server.faults.sendRaw(fits.customerId, exact)).toBe(1);
      expect(h.server.connections(fits.customerId)).toBe(1);

      // One byte past the limit: the connection is closed instead, and the frame never goes.
      const tooMuch = 'o'.repeat(MAX - watch.held(over.client) + 1);
      expect(h.server.faults.sendRaw(over.customerId, tooMuch)).toBe(0);
      expect(h.server.connections(over.customerId)).toBe(0);

      tcpOf(fits.client).resume();
      await until(() => fits.client.texts.includes(exact), 'the frame that fits');
      expect(count(fits.client, chunk)).toBe(fitsSent);
      expect((await fits.client.call('get_chats_summary', {})).totalChats).toBe(0);

      tcpOf(over.client).resume();
      expect(await over.client.closed).toEqual({ code: SLOW_CONSUMER_CLOSE_CODE, reason: `too slow: more than ${MAX} bytes waiting to be sent` });
      expect(count(over.client, chunk)).toBe(overSent);
      expect(over.client.texts.includes(tooMuch)).toBe(false);
    }));
});

describe('ending a connection that does not read', () => {
  // Limits the test never comes near: the kernel takes a few MiB, the server holds the rest.
  const limits = { maxUnsentBytes: 256 * 1024 * 1024, maxTotalUnsentBytes: 1024 * 1024 * 1024 };
  const big = 'q'.repeat(16 * 1024 * 1024);

  describe('by disconnectCustomer', () => {
    const h = useServer(limits);

    it('is graceful: reading again, it gets what was queued, then customer_disconnected and the close (4000)', () =>
      watching(async (watch) => {
        const { client, customerId } = await rawCustomer(h, true);
        expect(h.server.faults.sendRaw(customerId, big)).toBe(1);
        expect(watch.held(client)).toBeGreaterThan(0);
        expect(h.server.disconnectCustomer(customerId, 'access_token_expired')).toBe(1);
        expect(h.server.connections(customerId)).toBe(0);

        tcpOf(client).resume();
        expect(await client.closed).toEqual({ code: DISCONNECT_CLOSE_CODE, reason: 'access_token_expired' });
        expect(client.texts.includes(big)).toBe(true);
        expect(client.frames.at(-1)).toEqual({ action: 'customer_disconnected', type: 'push', payload: { reason: 'access_token_expired' } });
      }));
  });

  describe('by the heartbeat', () => {
    const h = useServer({ ...limits, heartbeatIntervalMs: 100 });

    it('cuts it off at once: the server does not hold what it did not read, nor wait for its closing handshake', () =>
      watching(async (watch) => {
        // A client that does not answer pings, and then stops reading.
        const { token, customerId } = h.server.issueToken();
        const socket = new WebSocket(h.server.socketUrl(), { autoPong: false });
        const client = new TestClient(socket);
        h.allowInvalid(client);
        await once(socket, 'open');
        expect((await client.login(token)).success).toBe(true);
        tcpOf(client).pause();
        expect(h.server.faults.sendRaw(customerId, big)).toBe(1);
        expect(watch.held(client)).toBeGreaterThan(0);
        await until(() => h.server.connections(customerId) === 0, 'the heartbeat ending the connection');

        tcpOf(client).resume();
        expect((await client.closed).code).toBe(1006);
        expect(client.texts.includes(big)).toBe(false);
        expect(client.pushes('customer_disconnected')).toEqual([]);
      }));
  });
});

describe('maxTotalUnsentBytes, in detail', () => {
  const BUDGET = 256 * 1024;
  const chunk = 'b'.repeat(8 * 1024);
  const h = useServer({ maxUnsentBytes: 64 * 1024 * 1024, maxTotalUnsentBytes: BUDGET });

  it('sockets the server closed that still hold bytes count against the budget, and are cut off first, oldest first, only as many as needed', () =>
    watching(async (watch) => {
      const first = await rawCustomer(h, true);
      const second = await rawCustomer(h, true);
      const live = await rawCustomer(h, true);
      const firstSent = await hold(h, watch, first, 64 * 1024, chunk);
      const secondSent = await hold(h, watch, second, 64 * 1024, chunk);
      const closingHeld = watch.held(first.client) + watch.held(second.client);
      expect(closingHeld).toBeLessThan(BUDGET * 0.6);

      // Both are ended gracefully: customer_disconnected and the close frame wait behind what they have not read.
      h.server.disconnectCustomer(first.customerId, 'access_token_expired');
      h.server.disconnectCustomer(second.customerId, 'access_token_expired');

      // The live connection fills up until, with the closing ones, everything is past the budget:
      // cutting the first closing socket makes it fit again.
      const liveSent = await hold(h, watch, live, BUDGET - closingHeld + 16 * 1024, chunk);
      expect(watch.held(live.client) + watch.held(second.client)).toBeLessThan(BUDGET);
      expect(h.server.connections(live.customerId)).toBe(1);

      // Reading again: the first was cut off (no close handshake), the second closes as the server said.
      tcpOf(first.client).resume();
      expect((await first.client.closed).code).toBe(1006);
      expect(first.client.pushes('customer_disconnected')).toEqual([]);
      tcpOf(second.client).resume();
      expect(await second.client.closed).toEqual({ code: DISCONNECT_CLOSE_CODE, reason: 'access_token_expired' });
      expect(count(second.client, chunk)).toBe(secondSent);
      expect(second.client.frames.at(-1)).toEqual({ action: 'customer_disconnected', type: 'push', payload: { reason: 'access_token_expired' } });
      expect(firstSent).toBeGreaterThan(0);

      // The live connection kept everything and goes on.
      tcpOf(live.client).resume();
      await until(() => count(live.client, chunk) === liveSent, 'every chunk at the live connection');
      expect((await live.client.call('get_chats_summary', {})).totalChats).toBe(0);
      expect(h.server.connections(live.customerId)).toBe(1);
    }));

  it('a frame of exactly the budget counts: the connection holding bytes beside it is cut off, then it fits', () =>
    watching(async (watch) => {
      const holder = await rawCustomer(h, true);
      const reader = await rawCustomer(h, false);
      await hold(h, watch, holder, 1, chunk);
      const frame = 'x'.repeat(BUDGET);
      expect(h.server.faults.sendRaw(reader.customerId, frame)).toBe(1);
      expect(h.server.connections(holder.customerId)).toBe(0);
      await until(() => reader.client.texts.includes(frame), 'the frame');
      expect(h.server.connections(reader.customerId)).toBe(1);
    }));

  it('what waits may come to exactly the budget: cut off is only what must go for the rest to fit', () =>
    watching(async (watch) => {
      const most = await rawCustomer(h, true);
      const less = await rawCustomer(h, true);
      const reader = await rawCustomer(h, false);
      await hold(h, watch, most, 96 * 1024, chunk);
      const lessSent = await hold(h, watch, less, 16 * 1024, chunk);
      expect(watch.held(most.client)).toBeGreaterThan(watch.held(less.client));
      // With this frame, everything comes to the budget plus what the one holding the most holds.
      const frame = 'y'.repeat(BUDGET - watch.held(less.client) - watch.held(reader.client));
      expect(h.server.faults.sendRaw(reader.customerId, frame)).toBe(1);
      expect(h.server.connections(most.customerId)).toBe(0);
      expect(h.server.connections(less.customerId)).toBe(1);
      await until(() => reader.client.texts.includes(frame), 'the frame');
      tcpOf(less.client).resume();
      await until(() => count(less.client, chunk) === lessSent, 'every chunk at the connection holding less');
      expect((await less.client.call('get_chats_summary', {})).totalChats).toBe(0);
    }));

  it('cuts off as many as it takes for a frame to fit beside the rest', () =>
    watching(async (watch) => {
      const first = await rawCustomer(h, true);
      const second = await rawCustomer(h, true);
      const reader = await rawCustomer(h, false);
      await hold(h, watch, first, 96 * 1024, chunk);
      await hold(h, watch, second, 80 * 1024, chunk);
      // Either one's bytes beside it are too many: both go.
      const frame = 'z'.repeat(200 * 1024);
      expect(frame.length + watch.held(second.client)).toBeGreaterThan(BUDGET);
      expect(h.server.faults.sendRaw(reader.customerId, frame)).toBe(1);
      expect(h.server.connections(first.customerId)).toBe(0);
      expect(h.server.connections(second.customerId)).toBe(0);
      await until(() => reader.client.texts.includes(frame), 'the frame');
    }));

  it('after a frame larger than the budget, the next frame that takes what waits past it still cuts', () =>
    watching(async (watch) => {
      const slow = await rawCustomer(h, true);
      const reader = await rawCustomer(h, false);
      await hold(h, watch, slow, 96 * 1024, chunk);
      const big = 'w'.repeat(BUDGET * 2);
      expect(h.server.faults.sendRaw(reader.customerId, big)).toBe(1);
      expect(h.server.connections(slow.customerId)).toBe(1);
      await until(() => reader.client.texts.includes(big), 'the large frame');
      // This one does not fit beside what the slow connection holds: it is cut off, and the frame not sent.
      const next = 'n'.repeat(BUDGET - 64 * 1024);
      expect(watch.held(slow.client) + next.length).toBeGreaterThan(BUDGET);
      expect(h.server.faults.sendRaw(slow.customerId, next)).toBe(0);
      expect(h.server.connections(slow.customerId)).toBe(0);
      expect(h.server.connections(reader.customerId)).toBe(1);
    }));
});

describe('the heartbeat ending a connection whose customer_disconnected does not fit under maxUnsentBytes', () => {
  it('still cuts it off at once (1006), as any connection that missed a pong', async () => {
    // The heartbeat's clock is the test's: each tick comes when the test says, never in the middle of filling up.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const MAX = 64 * 1024;
    const server = await createReferenceServer({ port: 0, adminPort: 0, validateOutgoing: true, heartbeatIntervalMs: 10_000, maxUnsentBytes: MAX, maxTotalUnsentBytes: 1024 * 1024 * 1024 });
    const watch = watchServerSockets();
    const { token, customerId } = server.issueToken();
    const client = await TestClient.open(server.socketUrl());
    try {
      expect((await client.login(token)).success).toBe(true);
      // The client stops reading (and so answering pings). The server comes to hold a few bytes short
      // of the limit: the ping fits, customer_disconnected does not.
      tcpOf(client).pause();
      const chunk = 'h'.repeat(8 * 1024);
      for (let i = 0; i < 20_000 && watch.held(client) === 0; i++) {
        expect(server.faults.sendRaw(customerId, chunk)).toBe(1);
        if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
      }
      expect(server.faults.sendRaw(customerId, 'h'.repeat(MAX - watch.held(client) - 16))).toBe(1);
      expect(server.connections(customerId)).toBe(1);

      vi.advanceTimersByTime(10_000); // a ping
      vi.advanceTimersByTime(10_000); // no pong: the connection is ended
      await until(() => server.connections(customerId) === 0, 'the heartbeat ending the connection');

      tcpOf(client).resume();
      expect((await client.closed).code).toBe(1006);
      expect(client.pushes('customer_disconnected')).toEqual([]);
      expect(server.violations).toEqual([]);
    } finally {
      watch.restore();
      client.close();
      await server.close();
      vi.useRealTimers();
    }
  });
});
