// @customer-chat/sdk for Node.js 20 (no global WebSocket there): `ws` is the default implementation.
import WebSocket from 'ws';
import { CustomerSDK, type CustomerSDKOptions } from './customer-sdk.js';
import { validatedProtocol } from './validated.js';

export * from './index.js';

/** Creates an SDK instance, using `ws` unless another WebSocket implementation is given. */
export function createCustomerSDK(options: CustomerSDKOptions): CustomerSDK {
  return new CustomerSDK({ WebSocket: WebSocket as unknown as NonNullable<CustomerSDKOptions['WebSocket']>, ...options }, validatedProtocol);
}
