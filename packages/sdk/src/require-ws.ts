// How the ES module build requires `ws`. Node 20.16 and later hand out node:module without an
// import: an import of a built-in costs the SDK's import a few tenths of a millisecond
// (bench/size.md). Older Node imports it. The CommonJS build uses ./require-ws-commonjs.ts instead.
import type WebSocket from 'ws';

const { createRequire } = process.getBuiltinModule?.('node:module') ?? (await import('node:module'));

export function requireWs(): typeof WebSocket {
  return createRequire(import.meta.url)('ws') as typeof WebSocket;
}
