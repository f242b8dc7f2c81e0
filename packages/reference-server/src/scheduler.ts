// Fair turns between connections. Every connection has an inbox of frames; the frames of one
// connection are handled one after another (its replies keep the order of its requests), and the
// connections with work take turns: each round handles at most one frame per connection, in the
// order they became ready, and the next round starts on a later turn of the event loop, after
// Node has read what arrived on the other sockets meanwhile. A connection with a deep queue
// therefore delays another connection's request by at most one of its own frames per round, and
// never holds the event loop: reading sockets, timers (heartbeats) and the admin endpoint go on.
import type { Inbound, Session } from './sessions.js';

export type FrameHandler = (session: Session, inbound: Inbound) => Promise<void>;

export class FairScheduler {
  readonly #handle: FrameHandler;
  /** Connections with a frame to handle and none being handled, in turn order. */
  #ready: Session[] = [];
  readonly #queued = new Set<Session>();
  #scheduled = false;
  #stopped = false;

  /** `handle` must not reject (dispatch answers every failure on the connection itself). */
  constructor(handle: FrameHandler) {
    this.#handle = handle;
  }

  /** Queues a frame of a connection. */
  enqueue(session: Session, inbound: Inbound): void {
    if (!session.open || this.#stopped) return;
    session.inbox.push(inbound);
    this.#makeReady(session);
  }

  /** Stops handling frames (the server is closing). */
  stop(): void {
    this.#stopped = true;
    this.#ready = [];
    this.#queued.clear();
  }

  #makeReady(session: Session): void {
    if (this.#stopped || !session.open || session.busy || session.inbox.length === 0 || this.#queued.has(session)) return;
    this.#queued.add(session);
    this.#ready.push(session);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#round());
    }
  }

  /** One turn for every ready connection: its oldest frame. */
  #round(): void {
    this.#scheduled = false;
    const turn = this.#ready;
    this.#ready = [];
    for (const session of turn) {
      this.#queued.delete(session);
      const inbound = session.open ? session.inbox.shift() : undefined;
      if (inbound === undefined) continue;
      session.busy = true;
      const done = (): void => {
        session.busy = false;
        this.#makeReady(session);
      };
      this.#handle(session, inbound).then(done, done);
    }
  }
}
