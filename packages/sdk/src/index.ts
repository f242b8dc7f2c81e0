// @customer-chat/sdk for browsers and any runtime with a global WebSocket.
export { createCustomerSDK, CustomerSDK, type CustomerSDKOptions } from './customer-sdk.js';
export type { CustomerEvents, CustomerRequests } from './gen/protocol.js';
export { servers } from './gen/protocol.js';
export { SDKError } from './runtime/errors.js';
export type * from '@customer-chat/validators';
