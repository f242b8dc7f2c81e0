// A server that sends exactly the fields of the seed's payload tables conforms: the validators
// accept each such payload, and the SDK, talking to a scripted server on 127.0.0.1 that sends
// nothing more, emits every one of the 14 seed events with exactly that payload.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { validate, type MessageName } from '@customer-chat/validators';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createCustomerSDK, type CustomerSDK } from '../../src/node.js';
import { facts } from '../../../../spec/test/seed-facts.js';
import { seedPayloads, type SeedPayload } from '../../../../spec/test/seed-payloads.js';
import { Recorder, specModel, until } from './harness.js';

const payloads = seedPayloads(specModel, facts.events);
const first = (event: string): unknown => payloads.find((p) => p.event === event)!.payload;
const label = (p: SeedPayload): string => `${p.event}${p.branch ? ` (${p.branch})` : ''}`;
const pushed = new Set(specModel.messages.filter((m) => m.kind === 'push').map((m) => m.name));

describe('validators accept payloads with exactly the seed fields', () => {
  it.each(payloads.map((p) => [label(p), p] as const))('%s', (_, { event, payload }) => {
    const result = validate(event as MessageName, payload);
    expect(result.ok ? [] : result.errors, JSON.stringify(payload)).toEqual([]);
  });
});

/** A server that speaks just enough of the protocol, with seed-exact payloads only. */
async function startSeedServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const sockets: WebSocket[] = [];
  wss.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { requestId: string; action: string };
      const reply = (payload: unknown) => socket.send(JSON.stringify({ requestId: frame.requestId, action: frame.action, type: 'response', success: true, payload }));
      if (frame.action === 'login') {
        socket.send(JSON.stringify({ action: 'customer_id', type: 'push', payload: first('customer_id') }));
        reply({ customerId: first('customer_id') });
      } else if (frame.action === 'get_chats_summary') {
        reply(first('connected'));
      }
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    current: () => sockets.at(-1)!,
    push: (action: string, payload: unknown) => sockets.at(-1)!.send(JSON.stringify({ action, type: 'push', payload })),
    close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
    connections: () => sockets.length,
  };
}

describe('the SDK emits every seed event from a server that sends exactly the seed fields', () => {
  let api: CustomerSDK | undefined;
  let server: Awaited<ReturnType<typeof startSeedServer>> | undefined;
  afterEach(async () => {
    api?.destroy();
    await server?.close();
  });

  it('emits all 14 with the seed payloads, and no error', async () => {
    server = await startSeedServer();
    api = createCustomerSDK({ url: server.url, licenseId: 'seed', getToken: () => 'token', autoConnect: false, reconnect: { initialDelay: 10, maxDelay: 20 } });
    const events = new Recorder(api);
    await api.connect();
    await until('connected', () => events.names().includes('connected'));

    const pushes = payloads.filter((p) => pushed.has(p.event) && p.event !== 'customer_id');
    for (const { event, payload } of pushes) server.push(event, payload);
    await until('every push', () => pushes.every((p) => events.of(p.event as never).some((got) => JSON.stringify(got) === JSON.stringify(p.payload))));

    // A dropped link, then a session the server ends with the seed's reason.
    server.current().terminate();
    await until('connection_restored', () => events.names().includes('connection_restored'));
    server.push('customer_disconnected', { reason: first('disconnected') });
    await until('disconnected', () => events.names().includes('disconnected'));

    expect(events.of('error')).toEqual([]);
    expect(events.of('customer_id')[0]).toEqual(first('customer_id'));
    expect(events.of('connected')[0]).toEqual(first('connected'));
    expect(events.of('connection_lost')).toHaveLength(1);
    expect(events.of('connection_restored')[0]).toEqual(first('connection_restored'));
    expect(events.of('disconnected')[0]).toEqual(first('disconnected'));
    for (const p of pushes) expect(events.of(p.event as never), label(p)).toContainEqual(p.payload);
    expect(new Set(events.names().filter((name) => facts.events.some((f) => f.event === name))).size).toBe(14);
  });

  it('a session the server ends without a reason (the seed makes it optional): disconnected with nothing, and no reconnection', async () => {
    server = await startSeedServer();
    api = createCustomerSDK({ url: server.url, licenseId: 'seed', getToken: () => 'token', autoConnect: false, reconnect: { initialDelay: 10, maxDelay: 20 } });
    const events = new Recorder(api);
    await api.connect();
    server.push('customer_disconnected', {});
    await until('disconnected', () => events.names().includes('disconnected'));
    expect(events.of('disconnected')).toEqual([undefined]);
    expect(events.of('error')).toEqual([]);
    expect(api.state).toBe('disconnected');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.connections()).toBe(1);
  });

  it('would report a payload the SDK cannot accept (not vacuous)', async () => {
    server = await startSeedServer();
    api = createCustomerSDK({ url: server.url, licenseId: 'seed', getToken: () => 'token', autoConnect: false, reconnect: false });
    const events = new Recorder(api);
    await api.connect();
    server.push('thread_metada', { order: 1, totalEvents: 0 });
    await until('an error', () => events.of('error').length > 0);
    expect(events.of('thread_metada')).toEqual([]);
  });
});
