// Tells a poor link before it drops, from how long sent requests wait for their responses: once
// one has waited `threshold` ms the link is unstable; once an answer came and none waits that long
// any more it has recovered. A request that timed out is no sign of recovery: the link stays
// unstable until the server answers again. Pings cannot tell this from a browser (its WebSocket
// answers pings out of sight), and a request that waits is what the user notices anyway.

export interface LinkWatchHooks {
  unstable(): void;
  recovered(): void;
}

export class LinkWatch {
  readonly #threshold: number;
  readonly #hooks: LinkWatchHooks;
  /** When each request still waiting was sent, in the order they were sent (the oldest first). */
  readonly #sentAt = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #unstable = false;

  constructor(threshold: number, hooks: LinkWatchHooks) {
    this.#threshold = threshold;
    this.#hooks = hooks;
  }

  /** Whether the link counts as unstable now. */
  get unstable(): boolean {
    return this.#unstable;
  }

  /** A request went out on the session. */
  sent(id: string): void {
    this.#sentAt.set(id, Date.now());
    if (this.#timer === undefined && !this.#unstable) this.#arm();
  }

  /** A request is settled: answered, or `timedOut` (an id never sent is ignored). */
  settled(id: string, timedOut = false): void {
    if (!this.#sentAt.delete(id) || !this.#unstable || timedOut || this.#overdue()) return;
    this.#unstable = false;
    this.#arm();
    this.#hooks.recovered();
  }

  /** The session ended: nothing waits any more and the next one starts stable, silently (`connection_lost` says enough). */
  reset(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#sentAt.clear();
    this.#unstable = false;
  }

  /** Whether the oldest waiting request has waited `threshold` ms. */
  #overdue(): boolean {
    for (const sentAt of this.#sentAt.values()) return Date.now() - sentAt >= this.#threshold;
    return false;
  }

  /** Checks again when the oldest waiting request reaches the threshold. */
  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const sentAt of this.#sentAt.values()) {
      this.#timer = setTimeout(() => this.#check(), Math.max(0, sentAt + this.#threshold - Date.now()));
      return;
    }
  }

  #check(): void {
    this.#timer = undefined;
    if (!this.#overdue()) {
      this.#arm();
      return;
    }
    this.#unstable = true;
    this.#hooks.unstable();
  }
}
