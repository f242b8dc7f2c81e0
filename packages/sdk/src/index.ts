// @customer-chat/sdk for browsers and any runtime with a global WebSocket.
import { CustomerSDK, type CustomerSDKOptions } from './customer-sdk.js';
import { validatedProtocol } from './validated.js';

export { CustomerSDK, type CustomerSDKOptions, type FileSource, type SendFileOptions } from './customer-sdk.js';
export type { CustomerEvents, CustomerRequests } from './gen/protocol.js';
export { servers } from './gen/protocol.js';
export { SDKError, isSDKError, type SDKErrorOptions } from './errors.js';
export type * from '@customer-chat/validators';

/** Creates an SDK instance that checks every incoming payload against the spec; it connects right away unless `autoConnect: false`. */
export function createCustomerSDK(options: CustomerSDKOptions): CustomerSDK {
  return new CustomerSDK(options, validatedProtocol);
}
