// @customer-chat/sdk for Node.js 20 (no global WebSocket there): `ws` is the default implementation.
import { createRequire } from 'node:module';
import type WebSocket from 'ws';
import { CustomerSDK, type CustomerSDKOptions } from './customer-sdk.js';
import { validatedProtocol } from './validated.js';

export * from './index.js';

let ws: typeof WebSocket | undefined;

/**
 * `ws`, loaded when the first socket opens rather than when the SDK is imported: loading it takes
 * longer than loading the SDK itself, and a program that passes its own WebSocket never needs it.
 */
class LazyWebSocket {
  constructor(url: string) {
    ws ??= createRequire(import.meta.url)('ws') as typeof WebSocket;
    return new ws(url);
  }
}

/** Creates an SDK instance, using `ws` unless another WebSocket implementation is given. */
export function createCustomerSDK(options: CustomerSDKOptions): CustomerSDK {
  return new CustomerSDK({ WebSocket: LazyWebSocket as unknown as NonNullable<CustomerSDKOptions['WebSocket']>, ...options }, validatedProtocol);
}
