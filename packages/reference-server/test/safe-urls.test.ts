// URLs a widget renders take only https: and http: (the spec's `pattern` on a file's `url` and an
// agent's `avatar`), email addresses only what the `email` pattern takes. The server validates
// every incoming frame: a request carrying a `javascript:` (or `data:`, `vbscript:`, `file:`...)
// URL is answered with a validation error pointing at the field, and nothing is stored or pushed.
// The agent API refuses such URLs as well, so no customer ever receives one.
import { describe, expect, it } from 'vitest';
import { UNSAFE_URLS } from '@customer-chat/spec-model/testing';
import { ProtocolError } from '../src/index.js';
import { useServer, type Frame } from './helpers.js';

const h = useServer();

const DANGEROUS = UNSAFE_URLS;

function expectValidationAt(reply: Frame, pointer: string): void {
  expect(reply).toMatchObject({ type: 'response', success: false });
  expect(reply.payload.error).toMatchObject({ type: 'validation', pointer });
  expect(reply.payload.error.message).toContain(pointer);
}

describe('requests carrying a URL a widget must not render', () => {
  it.each(DANGEROUS.map((url) => [JSON.stringify(url), url]))('send_event with a file at %s: validation at /payload/event/url, nothing stored', async (_, url) => {
    const { client } = await h.customer();
    const { chat, thread } = await client.call('start_chat', {});
    const since = client.mark();
    const reply = await client.request('send_event', { chat: chat.id, event: { type: 'file', url, contentType: 'image/png', name: 'cat.png' } });
    expectValidationAt(reply, '/payload/event/url');
    expect(h.server.store.thread(thread.id).events).toEqual([]);
    // No new_event went out, and the connection still works.
    expect((await client.sync(since)).filter((f) => f.type === 'push')).toEqual([]);
    const ok = await client.call('send_event', { chat: chat.id, event: { type: 'file', url: 'https://files.example.com/cat.png', contentType: 'image/png' } });
    expect(ok.event).toMatchObject({ type: 'file', url: 'https://files.example.com/cat.png' });
  });

  it('start_chat with such a file among its events: validation at /payload/events/1/url, no chat started', async () => {
    const { client, customerId } = await h.customer();
    const events = [{ type: 'message', text: 'see the file' }, { type: 'file', url: 'javascript:alert(1)', contentType: 'image/png' }];
    expectValidationAt(await client.request('start_chat', { events }), '/payload/events/1/url');
    expect(h.server.store.chatIdsOf(customerId)).toEqual([]);
  });

  it('an email address with a trailing newline (which `$` in some regex engines lets through): validation at the field', async () => {
    const { client } = await h.customer();
    expectValidationAt(await client.request('update_customer', { email: 'jane@example.com\n' }), '/payload/email');
    expectValidationAt(await client.request('update_customer', { email: 'javascript:alert(1)//@example.com' }), '/payload/email');
    expect((await client.call('update_customer', { email: 'jane@example.com' })).customer).toMatchObject({ email: 'jane@example.com' });
  });
});

describe('the agent API refuses such URLs too, so no customer receives one', () => {
  it('a file with a javascript: url, an avatar with a data: url', async () => {
    const { client } = await h.customer();
    const { chat } = await client.call('start_chat', {});
    const agent = h.server.agent('sam@example.com');
    agent.joinChat(chat.id);
    await client.sync();
    const since = client.mark();
    expect(() => agent.sendFile(chat.id, { url: 'javascript:alert(1)', contentType: 'image/png' })).toThrow(ProtocolError);
    expect(() => h.server.agent('sam@example.com', { avatar: 'data:image/svg+xml,<svg onload=alert(1)>' })).toThrow(/avatar/);
    expect(() => h.server.agent('eve@example.com', { avatar: 'javascript:alert(1)' })).toThrow(ProtocolError);
    expect((await client.sync(since)).filter((f) => f.type === 'push')).toEqual([]);
    // https avatars and files still go through.
    const file = agent.sendFile(chat.id, { url: 'https://files.example.com/invoice.pdf', contentType: 'application/pdf' });
    expect(file).toMatchObject({ type: 'file', url: 'https://files.example.com/invoice.pdf' });
  });
});
