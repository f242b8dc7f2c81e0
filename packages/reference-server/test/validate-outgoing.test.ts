// validateOutgoing: a frame that breaks the spec is never sent; it is recorded, logged and thrown
// (a request that hits it gets `internal`). Provoked here by corrupting the store behind the API.
import { describe, expect, it } from 'vitest';
import { createReferenceServer, OutgoingFrameError } from '../src/index.js';
import { TestClient } from './helpers.js';

describe('validateOutgoing', () => {
  it('records, logs and throws instead of sending a bad frame', async () => {
    const logs: string[] = [];
    const server = await createReferenceServer({ port: 0, adminPort: 0, validateOutgoing: true, log: (message) => logs.push(message) });
    try {
      const { token } = server.issueToken();
      const client = await TestClient.open(server.socketUrl());
      await client.login(token);
      const { chat } = await client.call('start_chat', {});
      const agent = server.agent('broken');
      agent.joinChat(chat.id);
      // Details the agent API would refuse (a bad email), written straight into the store.
      server.store.upsertAgent({ id: 'broken', type: 'agent', name: 'Broken', email: 'not an email', avatar: '' });

      // A push: the agent action throws (for the connection that has not met the agent yet).
      const late = await TestClient.open(server.socketUrl());
      await late.login(token);
      expect(() => agent.sendMessage(chat.id, 'hi')).toThrow(OutgoingFrameError);

      // A response: the request is answered with `internal`.
      const reply = await late.request('get_chats_summary', {});
      expect(reply.payload.error).toEqual({ type: 'internal', message: expect.stringMatching(/breaks the spec/) });

      expect(server.violations.length).toBeGreaterThanOrEqual(2);
      expect(server.violations[0]).toMatchObject({ validator: 'push_user_data', errors: expect.arrayContaining([expect.objectContaining({ path: '/payload/email' })]) });
      expect(logs.some((line) => /OUTGOING FRAME BREAKS THE SPEC/.test(line))).toBe(true);
      // Nothing invalid ever reached the clients.
      expect([...client.invalid, ...late.invalid]).toEqual([]);
      client.close();
      late.close();
    } finally {
      await server.close();
    }
  });

  it('is off by default: frames are sent unchecked', async () => {
    const server = await createReferenceServer({ port: 0, adminPort: 0 });
    try {
      const { token } = server.issueToken();
      const client = await TestClient.open(server.socketUrl());
      await client.login(token);
      const { chat } = await client.call('start_chat', {});
      server.store.upsertAgent({ id: 'broken', type: 'agent', name: 'Broken', email: 'not an email', avatar: '' });
      server.store.addUser(chat.id, 'broken');
      await client.request('get_chats_summary', {});
      expect(server.violations).toEqual([]);
      expect(client.invalid.map((i) => JSON.parse(i.text).action)).toEqual(['user_data']);
      client.close();
    } finally {
      await server.close();
    }
  });
});
