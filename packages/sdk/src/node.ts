// @customer-chat/sdk for Node.js 20 (no global WebSocket there): `ws` is the default implementation.
import { CustomerSDK, type CustomerSDKOptions } from './customer-sdk.js';
import { withNodeWebSocket } from './node-websocket.js';
import { validatedProtocol } from './validated.js';

export * from './index.js';

/** Creates an SDK instance, using `ws` unless another WebSocket implementation is given. */
export function createCustomerSDK(options: CustomerSDKOptions): CustomerSDK {
  return new CustomerSDK(withNodeWebSocket(options), validatedProtocol);
}
