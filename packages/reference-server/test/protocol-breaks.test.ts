// The test-only protocol breaks (`protocolBreaks`) the conformance kit is proven against: each
// breaks its one rule, and nothing else. (Pinned by mutation testing, bench/mutation.md.)
import { describe, expect, it } from 'vitest';
import { startChat, useServer } from './helpers.js';

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

describe('schemaBeforeSecondLogin', () => {
  const h = useServer({ protocolBreaks: { schemaBeforeSecondLogin: true } });

  it('a second login with an invalid payload gets the schema error; with a valid one, still /action', async () => {
    const { client, token } = await h.customer();
    const invalid = await client.request('login', {});
    expect(invalid.payload).toMatchObject({ error: { type: 'validation', pointer: '/payload/token' } });
    const valid = await client.request('login', { token });
    expect(valid.payload).toMatchObject({ error: { type: 'validation', pointer: '/action' } });
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

describe('answerTwice', () => {
  const h = useServer({ protocolBreaks: { answerTwice: 'get_chats_summary' } });

  it("sends every reply to that action twice, and the others' once", async () => {
    const { client } = await h.customer();
    const since = client.mark();
    await client.request('get_chats_summary', {}, 'twice');
    await client.request('get_chat_threads_summary', { chat: 'none' }, 'once');
    expect(client.frames.slice(since).map((f) => f.requestId)).toEqual(['twice', 'twice', 'once']);
  });
});

describe('pushAfterResponse', () => {
  const h = useServer({ protocolBreaks: { pushAfterResponse: 'thread_closed' } });

  it('sends the push to the requesting connection after the response, to the others as usual', async () => {
    const { client, token } = await h.customer();
    const other = await h.connect();
    await other.login(token);
    const { chat, thread } = await startChat(client);
    const since = client.mark();
    const otherSince = other.mark();
    expect((await client.request('close_thread', { chat })).success).toBe(true);
    await client.sync();
    expect(client.frames.slice(since).map((f) => `${String(f.type)} ${String(f.action)}`).slice(0, 2)).toEqual(['response close_thread', 'push thread_closed']);
    expect(await other.waitFor((f) => f.action === 'thread_closed', otherSince)).toMatchObject({ payload: { chat, thread } });
  });
});

describe('duplicatePush', () => {
  const h = useServer({ protocolBreaks: { duplicatePush: 'chat_properties_updated' } });

  it('sends that push twice to each connection', async () => {
    const { client } = await h.customer();
    const { chat } = await startChat(client);
    const since = client.mark();
    await client.request('update_chat_properties', { chat, properties: { rating: { score: 1 } } });
    await client.sync(since);
    expect(client.pushes('chat_properties_updated', since)).toHaveLength(2);
  });
});
