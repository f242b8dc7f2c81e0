// How the CommonJS build requires `ws`: with its own `require` (the build keeps `ws` external).
import type WebSocket from 'ws';

export function requireWs(): typeof WebSocket {
  return require('ws') as typeof WebSocket;
}
