// The test-only protocol breaks (`protocolBreaks`) the conformance kit is proven against: each
// breaks its one rule, and nothing else. (Pinned by mutation testing, bench/mutation.md.)
import { describe, expect, it } from 'vitest';
import { useServer } from './helpers.js';

describe('loginNotRequired', () => {
  const h = useServer({ protocolBreaks: { loginNotRequired: true } });

  it('serves requests before login as from one fresh customer per connection', async () => {
    const client = await h.connect();
    expect((await client.request('start_chat', {})).success).toBe(true);
    expect((await client.call('get_chats_summary', {})).totalChats).toBe(1);
    expect(h.server.store.customers()).toHaveLength(1);
  });

  it('a login still logs in as the token says', async () => {
    const { token, customerId } = h.server.issueToken();
    const client = await h.connect();
    expect((await client.login(token)).payload).toEqual({ customerId });
    expect(h.server.connections(customerId)).toBe(1);
  });
});

describe('wrongTypeInResponse', () => {
  const h = useServer({ protocolBreaks: { wrongTypeInResponse: 'get_chats_summary' } });

  it("gives the first field of that action's response a value of the wrong type", async () => {
    const { client } = await h.customer();
    h.allowInvalid(client);
    const reply = await client.request('get_chats_summary', {});
    expect(reply.payload).toEqual({ chatsSummary: 12345, totalChats: 0 });
    expect(client.invalid).toHaveLength(1);
  });
});
