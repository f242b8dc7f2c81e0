// @customer-chat/sdk/unvalidated: the same SDK without payload checks, for production bundles
// that trust their server: the validators are not imported, so bundlers leave them out.
import { CustomerSDK, type CustomerSDKOptions } from './customer-sdk.js';
import { protocol } from './gen/protocol.js';

export { CustomerSDK, type CustomerSDKOptions, type FileSource, type SendFileOptions } from './customer-sdk.js';
export type { CustomerEvents, CustomerRequests } from './gen/protocol.js';
export { servers } from './gen/protocol.js';
export { SDKError, isSDKError, type SDKErrorOptions } from './errors.js';

/** Creates an SDK instance without incoming or outgoing payload checks. */
export function createCustomerSDK(options: CustomerSDKOptions): CustomerSDK {
  return new CustomerSDK(options, protocol);
}
