// The heartbeat: every `intervalMs` the server pings every connection, and a connection that has
// not answered the previous ping with a pong is ended (`customer_disconnected { connection_lost }`,
// close 4000, and the socket destroyed at once). Every WebSocket client answers pings by itself
// (browsers, ws, undici), so only a dead or stuck peer misses one.
//
// A pong may be sitting unread in a socket when a tick comes (this process was busy, or paused in a
// debugger): a connection is judged only a few turns of the event loop after the tick, once Node
// has read what arrived (and, for a client in this very process, once that client has read the
// ping and answered it). A tick that comes much later than planned judges nobody; the next does.
import { performance } from 'node:perf_hooks';
import type { Session, SessionRegistry } from './sessions.js';

/** Turns of the event loop (each one reads the sockets) between a tick and its judgement. */
const JUDGE_AFTER_TURNS = 3;

function afterTurns(turns: number, run: () => void): void {
  if (turns === 0) run();
  else setImmediate(() => afterTurns(turns - 1, run));
}

/** Starts the heartbeat; returns the function that stops it. `intervalMs` 0: no heartbeat. */
export function startHeartbeat(sessions: SessionRegistry, intervalMs: number, missed: (session: Session) => void): () => void {
  if (intervalMs === 0) return () => {};
  let last = performance.now();
  let stopped = false;
  const timer = setInterval(() => {
    const now = performance.now();
    const stalled = now - last > intervalMs * 1.5;
    last = now;
    const suspects: Session[] = [];
    for (const session of sessions.all()) {
      if (session.awaitingPong) {
        if (!stalled) suspects.push(session);
        continue;
      }
      session.awaitingPong = true;
      try {
        session.socket.ping();
      } catch {
        // The socket is closing; its close handler forgets it.
      }
    }
    if (suspects.length > 0) {
      afterTurns(JUDGE_AFTER_TURNS, () => {
        if (stopped) return;
        for (const session of suspects) if (session.open && session.awaitingPong) missed(session);
      });
    }
  }, intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
