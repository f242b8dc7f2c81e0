// Bans hold for customers the server has not met yet: `disconnectCustomer(id, 'customer_banned')` (and
// the admin endpoint's `POST /customers/:customerId/disconnect`) before the customer's first token.
import { describe, expect, it } from 'vitest';
import { ChatStore } from '../src/index.js';
import { useServer } from './helpers.js';

// Tokens the server did not issue: `token-<id>` belongs to customer `<id>`, known to the store only from its first login on.
const h = useServer({ authenticate: (token) => (token.startsWith('token-') ? token.slice('token-'.length) : undefined) });

describe('banning a customer not seen yet', () => {
  it('disconnectCustomer(id, customer_banned) before the first login: the login answers customer_banned', async () => {
    expect(h.server.store.hasCustomer('alice')).toBe(false);
    expect(h.server.disconnectCustomer('alice', 'customer_banned')).toBe(0);
    const client = await h.connect();
    const reply = await client.login('token-alice');
    expect(reply.success).toBe(false);
    expect(reply.payload.error.type).toBe('customer_banned');
    expect(h.server.connections('alice')).toBe(0);
    // Another customer is not affected.
    expect((await (await h.connect()).login('token-bob')).payload).toEqual({ customerId: 'bob' });
  });

  it('POST /customers/:customerId/disconnect with customer_banned before the first login: the login answers customer_banned', async () => {
    const response = await fetch(`${h.server.adminUrl}/customers/carol/disconnect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'customer_banned' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ connections: 0 });
    const client = await h.connect();
    const reply = await client.login('token-carol');
    expect(reply.payload.error.type).toBe('customer_banned');
  });

  it('other reasons before the first login ban nobody', async () => {
    h.server.disconnectCustomer('dave', 'access_token_expired');
    expect((await (await h.connect()).login('token-dave')).payload).toEqual({ customerId: 'dave' });
  });
});

describe('ChatStore bans', () => {
  it('keeps a ban of an id it does not know yet, and lifts it', () => {
    const store = new ChatStore();
    store.setBanned('eve', true);
    expect(store.isBanned('eve')).toBe(true);
    store.ensureCustomer('eve');
    expect(store.isBanned('eve')).toBe(true);
    store.setBanned('eve', false);
    expect(store.isBanned('eve')).toBe(false);
    expect(store.isBanned('frank')).toBe(false);
  });
});
