// Payload checks: a guard per message decides (fast, on every frame); a failure is explained by the
// protocol's explainer, which is loaded on first need (or ahead, when the client connects), so the
// code that says why never weighs on a bundle or on the valid path.

import { describe, own } from './helpers.js';
import type { Explain, Guard, ProtocolDescription, ValidationIssue } from './protocol.js';

export class Checks {
  readonly #guards: Readonly<Record<string, Guard>> | undefined;
  readonly #load: (() => Promise<Explain>) | undefined;
  #explain: Explain | undefined;
  #loading: Promise<Explain> | undefined;

  /** `enabled` false (the `validate: false` option) or a protocol without guards: nothing is checked. */
  constructor(protocol: ProtocolDescription, enabled: boolean) {
    this.#guards = enabled ? protocol.guards : undefined;
    this.#load = protocol.loadExplainer;
  }

  /** The guard of a message; undefined when nothing is checked (or the message has none). */
  guard(message: string): Guard | undefined {
    return this.#guards === undefined ? undefined : own(this.#guards, message);
  }

  /**
   * Whether `data` passes the guard of `message` (true when nothing is checked). Arguments come
   * from the application: one that makes the guard throw (a getter that throws) does not pass.
   */
  passes(message: string, data: unknown): boolean {
    const guard = this.guard(message);
    if (guard === undefined) return true;
    try {
      return guard(data);
    } catch {
      return false;
    }
  }

  /** Starts loading the explainer, if there are checks to explain; a failure shows when one is needed. */
  preload(): void {
    if (this.#guards !== undefined && this.#explain === undefined) this.#loader().catch(() => undefined);
  }

  /**
   * Calls `then` with why `data` failed the guard of `message`: at once when the explainer is
   * loaded, else once it is. A failure to load still calls `then`, with an issue saying so.
   */
  explain(message: string, data: unknown, then: (issues: ValidationIssue[]) => void): void {
    if (this.#explain !== undefined) {
      then(this.#issues(this.#explain, message, data));
      return;
    }
    this.#loader().then(
      (explain) => then(this.#issues(explain, message, data)),
      (error: unknown) => then([{ path: '', message: `is invalid (the explanation could not be loaded: ${describe(error)})`, keyword: 'type' }]),
    );
  }

  #issues(explain: Explain, message: string, data: unknown): ValidationIssue[] {
    const issues = explain(message, data);
    return issues.length > 0 ? issues : [{ path: '', message: 'is invalid', keyword: 'type' }];
  }

  #loader(): Promise<Explain> {
    if (this.#load === undefined) return Promise.resolve(() => []);
    if (this.#loading === undefined) {
      const loading = this.#load().then((explain) => (this.#explain = explain));
      // A failed load may be retried on the next need.
      loading.catch(() => (this.#loading = undefined));
      this.#loading = loading;
    }
    return this.#loading;
  }
}
