// @customer-chat/sdk/unvalidated for Node.js 20: the same SDK without payload checks, with `ws` as
// the default WebSocket as in the main entry.
import { CustomerSDK, type CustomerSDKOptions } from './customer-sdk.js';
import { protocol } from './gen/protocol.js';
import { withNodeWebSocket } from './node-websocket.js';

export * from './unvalidated.js';

/** Creates an SDK instance without payload checks, using `ws` unless another WebSocket implementation is given. */
export function createCustomerSDK(options: CustomerSDKOptions): CustomerSDK {
  return new CustomerSDK(withNodeWebSocket(options), protocol);
}
