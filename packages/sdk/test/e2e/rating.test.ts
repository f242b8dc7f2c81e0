// rateChat: the spec's Rating, set as the chat's `rating` properties through update_chat_properties
// against the reference server; agents see it in a typed chat_properties_updated. A rating outside
// its schema fails with INVALID_ARGS before anything is sent, with and without validation.
import { createReferenceServer } from '@customer-chat/reference-server';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Rating, StoredRating } from '../../src/node.js';
import { createCustomerSDK as createUnvalidated, type CustomerSDKOptions } from '../../src/unvalidated.js';
import { actionsOf, recordingWebSocket, useHarness } from './harness.js';

const h = useHarness();

describe('rateChat', () => {
  it('stores the rating as the chat’s rating properties; the other connections get a typed chat_properties_updated', async () => {
    const customer = await h.connect();
    const { chat } = await customer.api.startChat({});
    // A second connection of the same customer: it sees the update as a push.
    const other = await h.connect({ customerId: customer.customerId });
    const updated = other.events.next('chat_properties_updated');
    await expect(customer.api.rateChat(chat.id, { score: 4, comment: 'Quick and kind' })).resolves.toEqual({});
    const push = await updated;
    // As the server sends it: a rating merged name by name may lack its score (StoredRating).
    expectTypeOf(push.properties.rating).toEqualTypeOf<StoredRating | undefined>();
    expect(push).toEqual({ chat: chat.id, properties: { rating: { score: 4, comment: 'Quick and kind' } } });
    expect(push.properties.rating?.score).toBe(4);
    expect(h.server.store.chat(chat.id).properties).toEqual({ rating: { score: 4, comment: 'Quick and kind' } });
    // A later rating replaces the score and keeps what it leaves out, like any properties update.
    await customer.api.rateChat(chat.id, { score: 5 });
    expect(h.server.store.chat(chat.id).properties).toEqual({ rating: { score: 5, comment: 'Quick and kind' } });
  });

  it('takes a rating the server sends without a score (the seed types properties as any object; names merge one by one)', async () => {
    const customer = await h.connect();
    const { chat } = await customer.api.startChat({});
    const updated = customer.events.next('chat_properties_updated');
    const frame = { action: 'chat_properties_updated', type: 'push', payload: { chat: chat.id, properties: { rating: { comment: 'Thanks' } } } };
    expect(h.server.faults.sendRaw(customer.customerId, JSON.stringify(frame))).toBe(1);
    expect(await updated).toEqual(frame.payload);
    expect(customer.events.of('error')).toEqual([]);
  });

  it('fails with the server’s error for a chat the customer is not in, and stores nothing', async () => {
    const { api } = await h.connect();
    await expect(api.rateChat('NO_SUCH_CHAT', { score: 3 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  const invalid: Array<[string, unknown, string]> = [
    ['a score above 5', { score: 6 }, '/properties/rating/score'],
    ['a score below 1', { score: 0 }, '/properties/rating/score'],
    ['a fractional score', { score: 4.5 }, '/properties/rating/score'],
    ['no score', { comment: 'no score' }, '/properties/rating/score'],
    ['a comment over 1024 characters', { score: 3, comment: 'x'.repeat(1025) }, '/properties/rating/comment'],
    ['an object among the values', { score: 3, tags: ['a'] }, '/properties/rating/tags'],
  ];

  it.each(invalid)('refuses %s with INVALID_ARGS at its pointer, sending nothing', async (_, rating, pointer) => {
    const sent: string[] = [];
    const { api } = await h.connect({ WebSocket: recordingWebSocket(sent) });
    const { chat } = await api.startChat({});
    const before = sent.length;
    const error = await api.rateChat(chat.id, rating as Rating).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGS', message: expect.stringMatching(/^invalid rating: /) });
    expect((error as { details: Array<{ path: string }> }).details.map((issue) => issue.path)).toContain(pointer);
    expect(actionsOf(sent.slice(before))).toEqual([]);
    expect(h.server.store.chat(chat.id).properties).toEqual({});
  });

  it('refuses an invalid rating in the unvalidated entry too, before anything is sent', async () => {
    const server = await createReferenceServer({ port: 0 });
    const sent: string[] = [];
    const { token } = server.issueToken();
    const api = createUnvalidated({ url: server.url, licenseId: 'rating', getToken: () => token, WebSocket: recordingWebSocket(sent) as unknown as NonNullable<CustomerSDKOptions['WebSocket']> });
    try {
      await new Promise((resolve) => api.once('connected', resolve));
      const { chat } = await api.startChat({});
      const before = sent.length;
      await expect(api.rateChat(chat.id, { score: 9 })).rejects.toMatchObject({ code: 'INVALID_ARGS', details: [expect.objectContaining({ path: '/properties/rating/score', keyword: 'maximum' })] });
      expect(actionsOf(sent.slice(before))).toEqual([]);
      await expect(api.rateChat(chat.id, { score: 2 })).resolves.toEqual({});
      expect(server.store.chat(chat.id).properties).toEqual({ rating: { score: 2 } });
    } finally {
      api.destroy();
      await server.close();
    }
  });
});
