// The public pieces of the runtime, for the generated layer and for applications.

export { createBackoff, type Backoff, type BackoffOptions } from './backoff.js';
export {
  ClientCore,
  type ClientErrorEvent,
  type ClientEvents,
  type ClientOptions,
  type ConnectionState,
  type ReconnectOptions,
  type RequestMap,
} from './client-core.js';
export {
  Emitter,
  type EmitterOptions,
  type EventTuple,
  type Handler,
  type Unsubscribe,
  type WildcardHandler,
} from './emitter.js';
export { RuntimeErrorCodes, SDKError, isSDKError, type RuntimeErrorCode, type SDKErrorOptions } from './errors.js';
export { readPointer } from './json-pointer.js';
export { observableKey, type InteropObservable, type Observer, type Subscription } from './observable.js';
export { PendingRequests, type PendingRequestsOptions } from './pending-requests.js';
export type * from './protocol.js';
export type { WebSocketConstructor, WebSocketLike } from './socket.js';
