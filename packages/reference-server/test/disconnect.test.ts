// customer_disconnected: the last frame of a session the server ends, followed by a close with code
// 4000 whose reason text is the disconnection reason. Checked for every reason of the spec, which
// covers every client reaction (reconnect, stay_disconnected, destroy).
import { describe, expect, it } from 'vitest';
import { createReferenceServer, DISCONNECT_CLOSE_CODE, disconnectionReasons } from '../src/index.js';
import { TestClient, useServer } from './helpers.js';

const h = useServer();

describe('customer_disconnected', () => {
  it.each(disconnectionReasons.map((reason) => [reason]))('%s: push, then close 4000 on every connection of the customer only', async (reason) => {
    const { client, token, customerId } = await h.customer();
    const second = await h.connect();
    await second.login(token);
    const bystander = await h.customer();

    expect(h.server.disconnectCustomer(customerId, reason)).toBe(2);
    for (const c of [client, second]) {
      const closed = await c.closed;
      expect(closed).toEqual({ code: DISCONNECT_CLOSE_CODE, reason });
      expect(c.frames.at(-1)).toEqual({ action: 'customer_disconnected', type: 'push', payload: { reason } });
    }
    expect(h.server.connections(customerId)).toBe(0);
    expect((await bystander.client.call('get_chats_summary', {})).totalChats).toBe(0);
  });

  it('customer_banned bans: the next login answers customer_banned', async () => {
    const { customerId, token } = await h.customer();
    h.server.agent('sam').disconnectCustomer(customerId, 'customer_banned');
    const again = await h.connect();
    expect((await again.login(token)).payload.error.type).toBe('customer_banned');
  });

  it('other reasons do not: the customer can log in again', async () => {
    const { customerId, token } = await h.customer();
    h.server.disconnectCustomer(customerId, 'access_token_expired');
    const again = await h.connect();
    expect((await again.login(token)).payload).toEqual({ customerId });
  });

  it('an unknown license is ended with license_not_found when licenseIds are given', async () => {
    const server = await createReferenceServer({ port: 0, adminPort: 0, validateOutgoing: true, licenseIds: ['acme'] });
    try {
      const stranger = await TestClient.open(server.socketUrl('other'));
      expect(await stranger.closed).toEqual({ code: DISCONNECT_CLOSE_CODE, reason: 'license_not_found' });
      expect(stranger.frames).toEqual([{ action: 'customer_disconnected', type: 'push', payload: { reason: 'license_not_found' } }]);
      const welcome = await TestClient.open(server.socketUrl('acme'));
      expect((await welcome.login(server.issueToken().token)).success).toBe(true);
      welcome.close();
    } finally {
      await server.close();
    }
  });
});
