// Login is all or nothing: a connection logs in once (a second `login` is refused with validation
// and changes nothing), and a login that fails leaves the connection as it was, never with a mixed
// identity.
import { describe, expect, it } from 'vitest';
import { createReferenceServer } from '../src/index.js';
import { startChat, TestClient, useServer, type Frame } from './helpers.js';

const h = useServer();

function expectRefusal(reply: Frame, type: string): void {
  expect(reply.success, JSON.stringify(reply.payload)).toBe(false);
  expect(reply.payload.error.type).toBe(type);
}

describe('a second login on a logged-in connection', () => {
  it('is refused with validation at /action, and the connection stays logged in as before', async () => {
    const a = await h.customer();
    const { chat } = await startChat(a.client);
    const b = h.server.issueToken();
    const since = a.client.mark();

    const reply = await a.client.request('login', { token: b.token, customer: { name: 'Mallory' } });
    expectRefusal(reply, 'validation');
    expect(reply.payload.error.pointer).toBe('/action');
    expect(reply.payload.error.message).toMatch(new RegExp(`already logged in as ${a.customerId}`));
    // Nothing happened: no customer_id or user_data of B, no change to anybody's details.
    expect(a.client.frames.slice(since)).toEqual([reply]);
    expect(h.server.store.customer(b.customerId)).toEqual({ id: b.customerId, type: 'customer', fields: {} });
    expect(h.server.store.customer(a.customerId).name).toBeUndefined();

    // Still A: A's chats, A's connection count, none for B.
    const page = await a.client.call('get_chats_summary', {});
    expect(page.chatsSummary.map((c: { id: string }) => c.id)).toEqual([chat]);
    expect(h.server.connections(a.customerId)).toBe(1);
    expect(h.server.connections(b.customerId)).toBe(0);
    const sent = await a.client.call('send_event', { chat, event: { type: 'message', text: 'still me' } });
    expect(sent.event.author).toBe(a.customerId);
  });

  it('is refused at /action whatever its payload: the spec reads the login before the payload ("Reading a frame")', async () => {
    const a = await h.customer();
    const since = a.client.mark();
    const payloads = [{}, { token: 'x', extra: 1 }, { token: 5 }, null, undefined];
    for (const payload of payloads) {
      const reply = await a.client.request('login', payload);
      expectRefusal(reply, 'validation');
      expect([payload, reply.payload.error.pointer]).toEqual([payload, '/action']);
      expect(reply.payload.error.message).toMatch(new RegExp(`already logged in as ${a.customerId}`));
    }
    expect(a.client.frames.slice(since)).toHaveLength(payloads.length);
    expect(h.server.connections(a.customerId)).toBe(1);
    expect((await a.client.call('get_chats_summary', {})).totalChats).toBe(0);
  });

  it('is refused with the same token too', async () => {
    const a = await h.customer();
    expectRefusal(await a.client.login(a.token), 'validation');
    expect(h.server.connections(a.customerId)).toBe(1);
  });

  it('B on its own connection is not affected', async () => {
    const a = await h.customer();
    const b = h.server.issueToken();
    expectRefusal(await a.client.login(b.token), 'validation');
    const other = await h.connect();
    expect((await other.login(b.token)).payload).toEqual({ customerId: b.customerId });
    expect(h.server.connections(b.customerId)).toBe(1);
  });
});

describe('a failed login', () => {
  it('leaves the connection logged out; a good login afterwards works', async () => {
    const client = await h.connect();
    const banned = h.server.issueToken();
    h.server.disconnectCustomer(banned.customerId, 'customer_banned');
    expectRefusal(await client.login('forged'), 'authentication');
    expectRefusal(await client.login(banned.token), 'customer_banned');
    expectRefusal(await client.request('login', { token: h.server.issueToken().token, customer: { email: 'not an email' } }), 'validation');
    expect(h.server.connections(banned.customerId)).toBe(0);
    // Still not logged in.
    expectRefusal(await client.request('get_chats_summary', {}), 'authorization');
    expect(client.pushes()).toEqual([]);

    const good = h.server.issueToken();
    expect((await client.login(good.token)).payload).toEqual({ customerId: good.customerId });
    expect(client.pushes().map((f) => f.action)).toEqual(['customer_id', 'user_data']);
    expect(h.server.connections(good.customerId)).toBe(1);
    expect((await client.call('get_chats_summary', {})).totalChats).toBe(0);
  });

  it('that failed after binding the connection (a frame broke the spec) unbinds it', async () => {
    const logs: string[] = [];
    const server = await createReferenceServer({ port: 0, adminPort: 0, validateOutgoing: true, log: (message) => logs.push(message) });
    try {
      // A stored customer the spec cannot describe: its user_data push fails validation after binding.
      server.store.ensureCustomer('broken');
      server.store.updateCustomer('broken', { email: 42 } as never);
      const client = await TestClient.open(server.socketUrl());
      const reply = await client.login(server.issueToken('broken').token);
      expectRefusal(reply, 'internal');
      expect(server.connections('broken')).toBe(0);
      expectRefusal(await client.request('get_chats_summary', {}), 'authorization');
      expect(server.violations.map((v) => v.validator)).toEqual(['push_user_data']);

      const good = server.issueToken();
      expect((await client.login(good.token)).payload).toEqual({ customerId: good.customerId });
      expect(server.connections(good.customerId)).toBe(1);
      expect((await client.call('get_chats_summary', {})).totalChats).toBe(0);
      client.close();
    } finally {
      await server.close();
    }
  });
});

// Pinned by mutation testing (bench/mutation.md).
describe('login details', () => {
  it("refuses a token that authenticate maps to an agent's id with authentication", async () => {
    const server = await createReferenceServer({ port: 0, adminPort: 0, validateOutgoing: true, authenticate: (token) => token });
    try {
      server.agent('sam');
      const client = await TestClient.open(server.socketUrl());
      const reply = await client.login('sam');
      expectRefusal(reply, 'authentication');
      expect(reply.payload.error.message).toMatch(/token is not valid/);
      expect(server.connections('sam')).toBe(0);
      client.close();
    } finally {
      await server.close();
    }
  });

  it('a banned customer is told so in the message', async () => {
    const banned = h.server.issueToken();
    h.server.disconnectCustomer(banned.customerId, 'customer_banned');
    const client = await h.connect();
    expect((await client.login(banned.token)).payload.error.message).toMatch(/banned/);
  });

  it('a connection that closes while its token is checked is not answered, not logged in, and nothing fails', async () => {
    const logs: string[] = [];
    let release: ((id: string) => void) | undefined;
    const server = await createReferenceServer({
      port: 0,
      adminPort: 0,
      validateOutgoing: true,
      log: (message) => logs.push(message),
      authenticate: () => new Promise<string>((resolve) => (release = resolve)),
    });
    try {
      const client = await TestClient.open(server.socketUrl());
      client.send({ requestId: 'r1', action: 'login', payload: { token: 't' } });
      // Once the server is checking the token, the connection goes.
      for (let i = 0; i < 100 && release === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(release).toBeDefined();
      client.close();
      await client.closed;
      for (let i = 0; i < 100 && server.connections() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      release?.('late');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(logs).toEqual([]);
      expect(server.connections('late')).toBe(0);
      expect(server.store.hasCustomer('late')).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('customer details given at login reach the customer’s other connections', async () => {
    const first = await h.customer();
    const since = first.client.mark();
    const second = await h.connect();
    expect((await second.request('login', { token: first.token, customer: { name: 'Jane' } })).success).toBe(true);
    expect((await first.client.sync(since)).map((f) => f.payload)).toEqual([{ id: first.customerId, type: 'customer', name: 'Jane', fields: {} }]);
  });
});
