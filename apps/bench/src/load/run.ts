// One run's lifetime: a fresh server process, and every client the run opens on it destroyed when the
// run ends, whether it succeeded or failed.
import type { CustomerSDK } from '@customer-chat/sdk';
import type { RawWebSocket } from '../raw-ws.js';
import { ServerProcess } from './server.js';

// Everything a run opens, closed at its end whatever happens (a failed run must not leave clients
// reconnecting in the background of the next one).
const openSdks = new Set<CustomerSDK>();
const openRaw = new Set<RawWebSocket>();

/** An SDK client opened by the current run, destroyed when it ends. */
export function trackSdk(api: CustomerSDK): void {
  openSdks.add(api);
}

/** A raw socket opened by the current run, destroyed when it ends. */
export function trackRaw(raw: RawWebSocket): void {
  openRaw.add(raw);
}

/** Runs `run` on a fresh server process; whatever happens, closes what it opened and stops the server. */
export async function withServer<T>(run: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await ServerProcess.start();
  try {
    return await run(server);
  } finally {
    for (const api of openSdks) api.destroy();
    for (const raw of openRaw) raw.destroy();
    openSdks.clear();
    openRaw.clear();
    await server.stop();
  }
}
