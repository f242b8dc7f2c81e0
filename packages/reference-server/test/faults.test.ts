// Fault injection: dropped connections, slow replies, malformed frames.
import { describe, expect, it } from 'vitest';
import { createReferenceServer } from '../src/index.js';
import { TestClient, useServer } from './helpers.js';

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
