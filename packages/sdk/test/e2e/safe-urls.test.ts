// URLs a widget renders take only https: and http: (the spec's `pattern` on a file's `url` and an
// agent's `avatar`). The SDK checks its requests with the validators, so a file event with a
// `javascript:` (or `data:`, `vbscript:`, `file:`...) URL is refused with INVALID_ARGS before
// anything is sent; and a push carrying one is dropped as INVALID_FRAME, never reaching listeners.
import { describe, expect, it } from 'vitest';
import { UNSAFE_URLS } from '@customer-chat/spec-model/testing';
import { SDKError, type ClientErrorCode, type CustomerSDK } from '../../src/node.js';
import { actionsOf, recordingWebSocket, rejectionOf, useHarness, type ConnectOptions } from './harness.js';

const h = useHarness();

const DANGEROUS = UNSAFE_URLS;

async function customerWithChat(options: ConnectOptions = {}) {
  const sent: string[] = [];
  const customer = await h.connect({ WebSocket: recordingWebSocket(sent), ...options });
  const { chat, thread } = await customer.api.startChat();
  return { ...customer, sent, chat, thread };
}

/** Rejects with INVALID_ARGS naming the field, sends nothing, and leaves the connection working. */
async function refusedBeforeSending(api: CustomerSDK, sent: string[], act: () => Promise<unknown>, pointer: string): Promise<void> {
  const before = sent.length;
  const error = await rejectionOf(act());
  expect(error).toBeInstanceOf(SDKError);
  expect(error).toMatchObject({ code: 'INVALID_ARGS' satisfies ClientErrorCode });
  expect((error as SDKError).details).toContainEqual(expect.objectContaining({ path: pointer, keyword: 'pattern' }));
  expect(actionsOf(sent.slice(before))).toEqual([]);
  await api.getChatsSummary();
  expect(actionsOf(sent.slice(before))).toEqual(['get_chats_summary']);
}

describe('a file event with a URL a widget must not render is refused before sending', () => {
  it.each(DANGEROUS.map((url) => [JSON.stringify(url), url]))('sendEvent with %s → INVALID_ARGS, nothing sent', async (_, url) => {
    const { api, sent, chat, thread } = await customerWithChat();
    await refusedBeforeSending(api, sent, () => api.sendEvent({ chat: chat.id, event: { type: 'file', url, contentType: 'text/html', name: 'cat.png' } }), '/event/url');
    // The server never saw it: the thread holds no file.
    expect(h.server.store.thread(thread.id).events.filter((e) => e.type === 'file')).toEqual([]);
  });

  it('startChat with such a file among its first events → INVALID_ARGS, nothing sent', async () => {
    const { api, sent, customerId } = await customerWithChat();
    const chats = h.server.store.chatIdsOf(customerId).length;
    await refusedBeforeSending(
      api,
      sent,
      () => api.startChat({ events: [{ type: 'message', text: 'see the file' }, { type: 'file', url: 'javascript:alert(1)', contentType: 'image/png' }] }),
      '/events/1/url',
    );
    expect(h.server.store.chatIdsOf(customerId)).toHaveLength(chats);
  });

  it('an https: or http: URL goes through and comes back as sent', async () => {
    const { api, chat } = await customerWithChat();
    for (const url of ['https://files.example.com/cat.png', 'HTTP://127.0.0.1:8788/files/a%20b.png?size=2#top']) {
      const { event } = await api.sendEvent({ chat: chat.id, event: { type: 'file', url, contentType: 'image/png' } });
      expect(event).toMatchObject({ type: 'file', url });
    }
  });
});

describe('a push carrying such a URL never reaches a listener', () => {
  it.each([
    ['a file event with a javascript: url', { action: 'new_event', type: 'push', payload: { id: 'E9', type: 'file', chat: 'C', thread: 'T', author: 'a', timestamp: 1, url: 'javascript:alert(1)', contentType: 'image/png' } }],
    ['an agent with a data: avatar', { action: 'user_data', type: 'push', payload: { id: 'a', type: 'agent', name: 'Sam', avatar: 'data:image/svg+xml,<svg onload=alert(1)>' } }],
  ] as const)('%s → error INVALID_FRAME, frame dropped', async (_, frame) => {
    const { customerId, events } = await h.connect();
    const before = events.log.length;
    const reported = events.next('error');
    expect(h.server.faults.sendRaw(customerId, JSON.stringify(frame))).toBe(1);
    expect(await reported).toMatchObject({ code: 'INVALID_FRAME' satisfies ClientErrorCode });
    expect(events.names().slice(before)).toEqual(['error']);
  });
});
