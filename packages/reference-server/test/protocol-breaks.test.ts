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
    const other = await h.loggedIn(token);
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

// The breaks the session layer applies (src/sessions.ts): each changes only the frames it names.
describe('answerTwice, on errors', () => {
  const h = useServer({ protocolBreaks: { answerTwice: 'get_chat_threads_summary' } });

  it('sends an error reply to that action twice too', async () => {
    const { client } = await h.customer();
    const since = client.mark();
    await client.request('get_chat_threads_summary', { chat: 'none' }, 'twice');
    expect((await client.sync(since)).map((f) => [f.requestId, f.success])).toEqual([
      ['twice', false],
      ['twice', false],
    ]);
  });
});

describe('noResponse', () => {
  const h = useServer({ protocolBreaks: { noResponse: 'get_chats_summary' } });

  it('withholds the success response to that action only; its errors still go', async () => {
    const { client } = await h.customer();
    const since = client.mark();
    client.send({ requestId: 'withheld', action: 'get_chats_summary', payload: {} });
    // sync's own get_chats_summary fails validation: answered.
    expect(await client.sync(since)).toEqual([]);
    expect((await client.request('get_chat_threads_summary', { chat: 'none' })).success).toBe(false);
  });
});

describe('closeInsteadOfResponse', () => {
  const h = useServer({ protocolBreaks: { closeInsteadOfResponse: 'get_chats_summary' } });

  it('closes the connection with 1011 instead of the success response', async () => {
    const { client, customerId } = await h.customer();
    const since = client.mark();
    client.send({ requestId: 'closed', action: 'get_chats_summary', payload: {} });
    const reply = client.waitFor((f) => f.requestId === 'closed', since).catch(() => 'no reply');
    expect(await Promise.race([client.closed, reply])).toEqual({ code: 1011, reason: 'protocolBreaks.closeInsteadOfResponse' });
    expect(client.frames.slice(since)).toEqual([]);
    expect(h.server.connections(customerId)).toBe(0);
  });
});

describe('extraPushBeforeResponse', () => {
  const h = useServer({ protocolBreaks: { extraPushBeforeResponse: 'get_chats_summary' } });

  it('sends the requester a customer_id push before the success response', async () => {
    const { client, customerId, token } = await h.customer();
    const since = client.mark();
    await client.request('get_chats_summary', {}, 'extra');
    // Other actions' responses come alone: a login gets its usual pushes only.
    const other = await h.loggedIn(token);
    expect(other.pushes().map((f) => f.action)).toEqual(['customer_id', 'user_data']);
    expect(client.frames.slice(since).map((f) => [f.type, f.action, f.requestId ?? f.payload])).toEqual([
      ['push', 'customer_id', customerId],
      ['response', 'get_chats_summary', 'extra'],
    ]);
  });
});

describe('nonJsonResponse and invalidPushAfterResponse', () => {
  const h = useServer({ protocolBreaks: { nonJsonResponse: 'get_chats_summary', invalidPushAfterResponse: 'get_chat_threads_summary' } });

  it('sends "nope" instead of the success response, or an invalid user_is_typing right after it', async () => {
    const { client } = await h.customer();
    h.allowInvalid(client);
    const chat = (await client.call('start_chat', {})).chat.id as string;
    const texts = client.texts.length;
    client.send({ requestId: 'nope', action: 'get_chats_summary', payload: {} });
    await client.request('get_chat_threads_summary', { chat }, 'invalid-push');
    await client.sync();
    const sent = client.texts.slice(texts, -1);
    expect(sent[0]).toBe('nope');
    expect(JSON.parse(sent[1] ?? 'null')).toMatchObject({ requestId: 'invalid-push', success: true });
    expect(JSON.parse(sent[2] ?? 'null')).toEqual({ action: 'user_is_typing', type: 'push', payload: {} });
    expect(sent).toHaveLength(3);
  });
});

describe('dropPush and leakPush', () => {
  const h = useServer({ protocolBreaks: { dropPush: 'chat_properties_updated', leakPush: 'customer_id' } });

  it('never sends the dropped push; sends the leaked one to the other connections of the customer too', async () => {
    const { client, token, customerId } = await h.customer();
    const { chat } = await startChat(client);
    const since = client.mark();
    await client.request('update_chat_properties', { chat, properties: { rating: { score: 1 } } });
    expect(client.pushes('chat_properties_updated', since)).toEqual([]);

    // A login on a second connection: its customer_id goes to the first connection too.
    const other = await h.loggedIn(token);
    expect((await client.sync(since)).map((f) => [f.action, f.payload])).toEqual([
      ['update_chat_properties', {}],
      ['customer_id', customerId],
    ]);
    expect(other.pushes('customer_id')).toHaveLength(1);
    // Other pushes to one connection do not leak: start_chat's thread_metada goes to the other connection only.
    const otherSince = other.mark();
    const started = await startChat(other);
    await client.waitFor((f) => f.action === 'thread_metada' && f.payload.id === started.thread);
    expect((await other.sync(otherSince)).filter((f) => f.type === 'push')).toEqual([]);
  });
});

describe('disconnectCloseCode', () => {
  const h = useServer({ protocolBreaks: { disconnectCloseCode: 4999 } });

  it('closes with that code after customer_disconnected', async () => {
    const { client, customerId } = await h.customer();
    h.server.disconnectCustomer(customerId, 'access_token_expired');
    expect(await client.closed).toEqual({ code: 4999, reason: 'access_token_expired' });
    expect(client.frames.at(-1)).toEqual({ action: 'customer_disconnected', type: 'push', payload: { reason: 'access_token_expired' } });
  });
});

describe('duplicatePush of user_data', () => {
  const h = useServer({ protocolBreaks: { duplicatePush: 'user_data' } });

  it('doubles the user_data that tells other connections about changed details too', async () => {
    const { client, token } = await h.customer();
    const other = await h.loggedIn(token);
    const since = client.mark();
    await other.call('update_customer', { name: 'Jane' });
    expect((await client.sync(since)).map((f) => [f.action, f.payload.name])).toEqual([
      ['user_data', 'Jane'],
      ['user_data', 'Jane'],
    ]);
  });
});
