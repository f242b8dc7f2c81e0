// The Node.js entries' default WebSocket: `ws`, as Node 20 has no global one.
import type WebSocket from 'ws';
import type { CustomerSDKOptions } from './customer-sdk.js';
import { requireWs } from './require-ws.js';

let ws: typeof WebSocket | undefined;

/**
 * `ws`, loaded when the first socket opens rather than when the SDK is imported: loading it takes
 * longer than loading the SDK itself, and a program that passes its own WebSocket never needs it.
 */
class LazyWebSocket {
  constructor(url: string) {
    ws ??= requireWs();
    return new ws(url);
  }
}

/** `options` with `ws` as the WebSocket unless one is given (an option left undefined takes the default). */
export function withNodeWebSocket(options: CustomerSDKOptions): CustomerSDKOptions {
  return { ...options, WebSocket: options.WebSocket === undefined ? (LazyWebSocket as unknown as NonNullable<CustomerSDKOptions['WebSocket']>) : options.WebSocket };
}
