// The unvalidated entry: the same SDK and lifecycle, with no payload checks (for production
// bundles), so a push the spec does not allow reaches the listeners instead of an `error` event.
import { createReferenceServer, type ReferenceServer } from '@customer-chat/reference-server';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCustomerSDK, type CustomerSDK, type CustomerSDKOptions } from '../../src/unvalidated.js';

let server: ReferenceServer | undefined;
let api: CustomerSDK | undefined;
afterEach(async () => {
  api?.destroy();
  await server?.close();
});

it('connects, requests and emits pushes without checking them', async () => {
  server = await createReferenceServer({ port: 0 });
  const { token, customerId } = server.issueToken();
  const sdk = createCustomerSDK({
    url: server.url,
    licenseId: 'unvalidated',
    getToken: () => token,
    WebSocket: WebSocket as unknown as NonNullable<CustomerSDKOptions['WebSocket']>,
  });
  api = sdk;
  const errors: unknown[] = [];
  sdk.on('error', (error) => errors.push(error));
  await new Promise((resolve) => sdk.once('connected', resolve));
  const { chat } = await sdk.startChat({});
  expect(chat.id).toEqual(expect.any(String));
  const typing = new Promise((resolve) => sdk.once('user_is_typing', resolve));
  // `user` missing: the validated SDK drops this as INVALID_FRAME; this one passes it on.
  server.faults.sendRaw(customerId, JSON.stringify({ action: 'user_is_typing', type: 'push', payload: { chat: chat.id } }));
  expect(await typing).toEqual({ chat: chat.id });
  expect(errors).toEqual([]);
});

it('the generated protocol reads an error whose message is not a string as one without a message (String() of it would throw)', async () => {
  const { protocol } = await import('../../src/gen/protocol.js');
  const hostile = { toString: 1 };
  expect(() => String(hostile)).toThrow(TypeError);
  expect(protocol.readError({ error: { type: 'internal', message: hostile } })).toEqual({ type: 'internal', message: '' });
  expect(protocol.readError({ error: { type: 'internal', message: 'down' } })).toEqual({ type: 'internal', message: 'down' });
  expect(protocol.readError({ error: { message: 'no type' } })).toBeUndefined();
});
