// The admin HTTP endpoint: listing, tokens, agent actions, faults, and JSON 4xx answers to bad input.
// (Its gate: Host, Origin and CORS, the bearer token and the content type, is admin-security.test.ts.)
import { isAgent } from '@customer-chat/validators';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../src/index.js';
import { startChat, useServer } from './helpers.js';

const h = useServer();

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; type: string | null }> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const response = await fetch(`${h.server.adminUrl}${path}`, init);
  return { status: response.status, json: await response.json(), type: response.headers.get('content-type') };
}

describe('admin endpoint', () => {
  it('GET / lists every endpoint', async () => {
    const { status, json } = await call('GET', '/');
    expect(status).toBe(200);
    expect(json.endpoints.length).toBeGreaterThanOrEqual(20);
    for (const endpoint of json.endpoints) expect(endpoint).toEqual({ method: expect.any(String), path: expect.stringMatching(/^\//), description: expect.any(String), ...(endpoint.body === undefined ? {} : { body: expect.any(String) }) });
    expect(json.endpoints.map((e: { method: string; path: string }) => `${e.method} ${e.path}`)).toEqual(
      expect.arrayContaining(['POST /tokens', 'POST /agents/:agentId/chats/:chatId/messages', 'POST /customers/:customerId/disconnect', 'POST /faults/drop', 'POST /faults/delay', 'POST /faults/raw']),
    );
  });

  it('POST /tokens issues tokens that log in', async () => {
    const fresh = await call('POST', '/tokens');
    expect(fresh.status).toBe(201);
    expect(fresh.json).toEqual({ token: expect.any(String), customerId: expect.any(String) });
    const named = await call('POST', '/tokens', { customerId: 'customer-42' });
    expect(named.json.customerId).toBe('customer-42');
    const client = await h.connect();
    expect((await client.login(named.json.token)).payload).toEqual({ customerId: 'customer-42' });
    const { json } = await call('GET', '/customers');
    expect(json.customers).toEqual(expect.arrayContaining([{ id: 'customer-42', type: 'customer', fields: {}, connections: 1, chats: [] }]));
  });

  it('drives an agent: every action answers 2xx and pushes to the customer', async () => {
    const { client, customerId } = await h.customer();
    const { chat, thread } = await startChat(client);
    const since = client.mark();
    const agent = `/agents/${encodeURIComponent('sam@example.com')}`;
    const at = `${agent}/chats/${chat}`;
    expect((await call('PUT', agent, { name: 'Sam Agent' })).json.agent).toMatchObject({ id: 'sam@example.com', name: 'Sam Agent' });
    expect((await call('POST', `${at}/join`)).json).toEqual({ joined: true });
    const message = await call('POST', `${at}/messages`, { text: 'Hello!', customId: 'm1' });
    expect(message.status).toBe(201);
    expect(message.json.event).toMatchObject({ type: 'message', text: 'Hello!', author: 'sam@example.com', customId: 'm1' });
    expect((await call('POST', `${at}/files`, { url: 'https://files.example.com/a.png', contentType: 'image/png', width: 1, height: 2 })).status).toBe(201);
    expect((await call('POST', `${at}/events`, { type: 'rich_message', template: 'cards' })).status).toBe(201);
    expect((await call('POST', `${at}/typing/start`)).status).toBe(200);
    expect((await call('POST', `${at}/typing/stop`)).status).toBe(200);
    expect((await call('POST', `${at}/properties`, { properties: { rating: { score: 5 } } })).status).toBe(200);
    expect((await call('POST', `${at}/threads/${thread}/properties`, { properties: { tags: { vip: true } } })).status).toBe(200);
    expect((await call('POST', `${at}/read`, { timestamp: 1_700_000_000_000 })).json).toEqual({ timestamp: 1_700_000_000_000 });
    expect((await call('POST', `${at}/close`)).json).toEqual({ thread });
    const started = await call('POST', `${at}/threads`, { events: [{ type: 'message', text: 'Back' }] });
    expect(started.json.thread).toMatchObject({ chat, order: 2, active: true });
    expect((await call('POST', `${at}/leave`)).json).toEqual({ left: true });

    const frames = await client.sync(since);
    expect(frames.map((f) => f.action)).toEqual([
      'user_data',
      'user_joined_chat',
      'new_event',
      'new_event',
      'new_event',
      'user_is_typing',
      'user_stopped_typing',
      'chat_properties_updated',
      'chat_thread_properties_updated',
      'last_seen_timestamp_updated',
      'thread_closed',
      'thread_metada',
      'new_event',
      'user_left_chat',
    ]);
    const { json } = await call('GET', `/chats/${chat}`);
    expect(json.chat.users).toEqual([{ id: customerId, lastSeenTimestamp: null }]);
    expect(json.threads).toHaveLength(2);
  });

  it('ends a session and injects faults', async () => {
    const alice = await h.customer();
    const bob = await h.customer();
    const carol = await h.customer();
    h.allowInvalid(bob.client);

    expect((await call('POST', `/customers/${alice.customerId}/disconnect`, { reason: 'inactivity_timeout' })).json).toEqual({ connections: 1 });
    expect(await alice.client.closed).toEqual({ code: 4000, reason: 'inactivity_timeout' });

    expect((await call('POST', '/faults/raw', { customerId: bob.customerId, text: 'not json' })).json).toEqual({ sent: 1 });
    await bob.client.waitFor(() => true, 0);
    expect(bob.client.texts).toContain('not json');

    expect((await call('POST', '/faults/delay', { ms: 100 })).json).toEqual({ replyDelayMs: 100 });
    const started = Date.now();
    await carol.client.call('get_chats_summary', {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await call('POST', '/faults/delay', { ms: 0 });

    expect((await call('POST', '/faults/drop', { customerId: carol.customerId })).json).toEqual({ dropped: 1 });
    expect((await carol.client.closed).code).toBe(1006);
  });

  it('answers bad input with JSON { error } and a 4xx status', async () => {
    const { client } = await h.customer();
    const { chat } = await startChat(client);
    const cases: [string, string, unknown, number][] = [
      ['GET', '/nope', undefined, 404],
      ['DELETE', '/tokens', undefined, 405],
      ['POST', '/tokens', 'not json', 400],
      ['POST', '/tokens', '[1]', 400],
      ['POST', '/tokens', { customerId: 5 }, 400],
      ['POST', '/tokens', { customerId: '' }, 400],
      ['POST', '/tokens', `{"customerId":"${'x'.repeat(1_100_000)}"}`, 413],
      ['POST', '/agents/sam/chats/NOPE/join', undefined, 404],
      ['POST', `/agents/sam/chats/${chat}/messages`, { text: 'not a member yet' }, 403],
      ['POST', `/agents/sam/chats/${chat}/join`, undefined, 200],
      ['POST', `/agents/sam/chats/${chat}/messages`, {}, 400],
      ['POST', `/agents/sam/chats/${chat}/files`, { url: 'nope', contentType: 'a/b' }, 400],
      ['POST', `/agents/sam/chats/${chat}/events`, { text: 'no type' }, 400],
      ['POST', `/agents/sam/chats/${chat}/properties`, { properties: 'x' }, 400],
      ['POST', `/agents/sam/chats/${chat}/threads/NOPE/properties`, { properties: {} }, 404],
      ['POST', `/agents/sam/chats/${chat}/read`, { timestamp: 'now' }, 400],
      ['POST', `/agents/sam/chats/${chat}/close`, undefined, 200],
      ['POST', `/agents/sam/chats/${chat}/close`, undefined, 409],
      ['POST', `/agents/sam/chats/${chat}/messages`, { text: 'inactive' }, 409],
      ['PUT', '/agents/sam', { email: 'not an email' }, 400],
      ['POST', '/customers/x/disconnect', { reason: 'bored' }, 400],
      ['POST', '/faults/delay', { ms: 'slow' }, 400],
      ['POST', '/faults/delay', { ms: -5 }, 400],
      ['POST', '/faults/raw', { customerId: 'x' }, 400],
      ['GET', '/chats/%E0%A4%A', undefined, 400],
      ['GET', '/chats/NOPE', undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const reply = await call(method, path, body);
      expect([method, path, reply.status]).toEqual([method, path, status]);
      expect(reply.type).toMatch(/^application\/json/);
      if (status >= 400) expect(reply.json).toEqual({ error: expect.objectContaining({ message: expect.any(String) }) });
    }
  });
});

describe('the default email of an agent', () => {
  it('is the id when the spec takes it as an email address, else one made of its letters: every action on the agent works', async () => {
    const { client } = await h.customer();
    const { chat } = await startChat(client);
    expect(h.server.agent('sam@example.com').user.email).toBe('sam@example.com');
    // They look like email addresses, but the spec's pattern refuses them.
    for (const id of ['sam..x@example.com', 'sam@example.c_m', 'sam@-bad.com', '.sam@example.com', 'a b@c.d', '.x.', '@']) {
      const agent = `/agents/${encodeURIComponent(id)}`;
      const put = await call('PUT', agent, { name: 'Sam' });
      expect([id, put.status]).toEqual([id, 200]);
      expect(isAgent(put.json.agent)).toBe(true);
      expect(put.json.agent.email).toMatch(/@agents\.example\.com$/);
      expect([id, (await call('POST', `${agent}/chats/${chat}/join`)).status]).toEqual([id, 200]);
    }
  });

  it('passes the spec for any id', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }), (id) => {
        expect(isAgent(h.server.agent(id).user)).toBe(true);
      }),
    );
  });
});

describe('a pointer into a nested body', () => {
  it('POST .../threads names the bad event where it is in the body: /events/1/text', async () => {
    const { client } = await h.customer();
    const { chat } = await startChat(client);
    h.server.agent('sam').joinChat(chat);
    const events = [{ type: 'message', text: 'ok' }, { type: 'message', text: 5 }];
    const reply = await call('POST', `/agents/sam/chats/${chat}/threads`, { events });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toEqual({ type: 'validation', pointer: '/events/1/text', message: expect.stringContaining('/events/1/text ') });
    // The same from code: the pointer is into the options given to startThread.
    let thrown: unknown;
    try {
      h.server.agent('sam').startThread(chat, { events: events as never });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProtocolError);
    expect((thrown as ProtocolError).pointer).toBe('/events/1/text');
    // The other bodies are the checked value itself: their pointers were right already.
    expect((await call('POST', `/agents/sam/chats/${chat}/events`, { type: 'message', text: 5 })).json.error.pointer).toBe('/text');
  });
});
