// Fault injection: dropped connections, slow replies, malformed frames.
import { describe, expect, it } from 'vitest';
import { createReferenceServer } from '../src/index.js';
import { TestClient, useServer, type Frame } from './helpers.js';

const h = useServer();

describe('faults', () => {
  it("dropConnections(customer) cuts that customer's connections without a close frame", async () => {
    const alice = await h.customer();
    const bob = await h.customer();
    expect(h.server.faults.dropConnections(alice.customerId)).toBe(1);
    expect((await alice.client.closed).code).toBe(1006);
    expect(h.server.connections(alice.customerId)).toBe(0);
    expect((await bob.client.call('get_chats_summary', {})).totalChats).toBe(0);
  });

  it('dropConnections() cuts everybody, logged in or not', async () => {
    const alice = await h.customer();
    const anonymous = await h.connect();
    expect(h.server.faults.dropConnections()).toBe(2);
    expect((await alice.client.closed).code).toBe(1006);
    expect((await anonymous.closed).code).toBe(1006);
    expect(h.server.connections()).toBe(0);
  });

  it('setReplyDelay delays replies until turned off', async () => {
    const { client } = await h.customer();
    h.server.faults.setReplyDelay(150);
    expect(h.server.faults.replyDelayMs).toBe(150);
    let started = Date.now();
    await client.call('get_chats_summary', {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    h.server.faults.setReplyDelay(0);
    started = Date.now();
    await client.call('get_chats_summary', {});
    expect(Date.now() - started).toBeLessThan(100);
    expect(() => h.server.faults.setReplyDelay(-1)).toThrow(/whole number/);
  });

  it('setReplyDelay holds every reply, errors found before any handler included', async () => {
    const { client } = await h.customer();
    const fresh = await h.connect();
    const DELAY = 300;
    h.server.faults.setReplyDelay(DELAY);
    // Each frame alone, so the first reply after it is its own (some have no request id to echo).
    const replyTo = async (to: TestClient, frame: unknown): Promise<{ ms: number; reply: Frame }> => {
      const since = to.mark();
      const started = Date.now();
      to.send(frame);
      const reply = await to.waitFor((f) => f.type === 'response', since, 5000);
      return { ms: Date.now() - started, reply };
    };
    const cases: [string, TestClient, unknown, string, string | undefined][] = [
      ['not JSON', client, 'not json', 'validation', undefined],
      ['an unknown action', client, { requestId: 'a', action: 'no_such_action', payload: {} }, 'validation', '/action'],
      ['no request id', client, { action: 'get_chats_summary', payload: {} }, 'validation', '/requestId'],
      ['a request before login', fresh, { requestId: 'b', action: 'get_chats_summary', payload: {} }, 'authorization', undefined],
      ['a second login', client, { requestId: 'c', action: 'login', payload: { token: 'x' } }, 'validation', '/action'],
      ['a payload failing its schema', client, { requestId: 'd', action: 'get_chats_summary', payload: { limit: 99 } }, 'validation', '/payload/limit'],
      ['a request of a handler that fails', client, { requestId: 'e', action: 'close_thread', payload: { chat: 'nope' } }, 'not_found', undefined],
    ];
    for (const [label, to, frame, type, pointer] of cases) {
      const { ms, reply } = await replyTo(to, frame);
      expect([label, reply.success, reply.payload.error.type, reply.payload.error.pointer]).toEqual([label, false, type, pointer]);
      expect(ms, label).toBeGreaterThanOrEqual(DELAY - 10);
    }
    h.server.faults.setReplyDelay(0);
  });

  it('the replyDelayMs option delays from the start', async () => {
    const server = await createReferenceServer({ port: 0, adminPort: 0, replyDelayMs: 120 });
    try {
      const client = await TestClient.open(server.socketUrl());
      const started = Date.now();
      await client.login(server.issueToken().token);
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
      client.close();
    } finally {
      await server.close();
    }
  });

  it('sendRaw delivers text unchanged, and the connection goes on', async () => {
    const { client, customerId } = await h.customer();
    h.allowInvalid(client);
    expect(h.server.faults.sendRaw(customerId, '{"action":"new_event","type":"push"')).toBe(1);
    expect(h.server.faults.sendRaw(customerId, '{"action":"no_such_push","type":"push","payload":{}}')).toBe(1);
    expect(await client.call('get_chats_summary', {})).toEqual({ chatsSummary: [], totalChats: 0 });
    expect(client.texts).toContain('{"action":"new_event","type":"push"');
    expect(client.invalid.map((i) => i.text)).toEqual(['{"action":"new_event","type":"push"', '{"action":"no_such_push","type":"push","payload":{}}']);
    expect(h.server.faults.sendRaw('nobody', 'x')).toBe(0);
  });
});
