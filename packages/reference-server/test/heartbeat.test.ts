// The heartbeat (a connection that misses a pong is ended with connection_lost) and the login
// timeout (a connection not logged in in time is ended with inactivity_timeout). Short intervals
// through the options; the checks are about which connection is ended and how, never about when.
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DISCONNECT_CLOSE_CODE } from '../src/index.js';
import { TestClient, useServer } from './helpers.js';

/** A client that does not answer pings (every real client does: this one plays a dead peer). */
async function deaf(url: string): Promise<TestClient> {
  const socket = new WebSocket(url, { autoPong: false });
  const client = new TestClient(socket);
  await once(socket, 'open');
  return client;
}

describe('heartbeat', () => {
  const h = useServer({ heartbeatIntervalMs: 100 });

  it('ends a connection that missed a pong with customer_disconnected (connection_lost) and keeps the others', async () => {
    const alive = await h.customer();
    const pings: number[] = [];
    alive.client.socket.on('ping', () => pings.push(pings.length));
    const { token, customerId } = h.server.issueToken();
    const dead = await deaf(h.server.socketUrl());
    expect((await dead.login(token)).success).toBe(true);
    const anonymousDead = await deaf(h.server.socketUrl());

    for (const client of [dead, anonymousDead]) {
      expect(await client.closed).toEqual({ code: DISCONNECT_CLOSE_CODE, reason: 'connection_lost' });
      expect(client.frames.at(-1)).toEqual({ action: 'customer_disconnected', type: 'push', payload: { reason: 'connection_lost' } });
    }
    expect(h.server.connections(customerId)).toBe(0);

    // The connection that answers pings was pinged too, and is still served.
    expect(pings.length).toBeGreaterThan(0);
    expect(alive.client.pushes('customer_disconnected')).toEqual([]);
    expect((await alive.client.call('get_chats_summary', {})).totalChats).toBe(0);
    expect(h.server.connections(alive.customerId)).toBe(1);
  });
});

describe('no heartbeat', () => {
  const h = useServer({ heartbeatIntervalMs: 0, loginTimeoutMs: 0 });

  it('heartbeatIntervalMs 0 sends no pings', async () => {
    const client = await h.connect();
    let pinged = false;
    client.socket.on('ping', () => (pinged = true));
    // Requests go back and forth; no ping comes in between.
    for (let i = 0; i < 20; i++) await client.request('get_chats_summary', {});
    expect(pinged).toBe(false);
  });
});

describe('login timeout', () => {
  const h = useServer({ loginTimeoutMs: 300 });

  it('ends a connection that did not log in in time with customer_disconnected (inactivity_timeout)', async () => {
    const loggedIn = await h.customer();
    const idle = await h.connect();
    const failing = await h.connect();
    expect((await failing.login('not a token')).payload.error.type).toBe('authentication');

    for (const client of [idle, failing]) {
      expect(await client.closed).toEqual({ code: DISCONNECT_CLOSE_CODE, reason: 'inactivity_timeout' });
      expect(client.frames.at(-1)).toEqual({ action: 'customer_disconnected', type: 'push', payload: { reason: 'inactivity_timeout' } });
    }
    // `loggedIn` opened before them and logged in: its timer is past, and it is still served.
    expect(loggedIn.client.pushes('customer_disconnected')).toEqual([]);
    expect((await loggedIn.client.call('get_chats_summary', {})).totalChats).toBe(0);
    expect(h.server.connections(loggedIn.customerId)).toBe(1);
  });
});
