// What a case runs against: the variant of the reference server (the real one, or one behind a tap
// that drops pushes), the SDK, the spec-example responder, and the cleanups of everything it started.
import { createReferenceServer, type ReferenceServer } from '@customer-chat/reference-server';
import { createCustomerSDK, type CustomerSDK } from '@customer-chat/sdk';
import { expect } from 'vitest';
import type { Contract } from './contract.js';
import { startResponder } from './responder.js';
import { startTap, type Tap } from './tap.js';

export interface Variant {
  /** Shown in failures. */
  name: string;
  /** Pushes the server variant never delivers: the tap in front of the reference server drops them. */
  dropPushes?: readonly string[];
  /** How long a case waits for an event or a frame. */
  timeoutMs: number;
}

/** The reference server as it is. */
export const referenceVariant: Variant = { name: 'the reference server', timeoutMs: 5000 };

export interface ServerUnderTest {
  /** The reference server itself: tokens, agents, faults, state. */
  server: ReferenceServer;
  /** Where clients connect: the tap in front of the server. */
  url: string;
  /** Every frame between the clients and the server. */
  tap: Tap;
}

export class CaseContext {
  readonly #cleanups: Array<() => unknown> = [];
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(
    /** The assertion helpers, which earn the coverage. */
    readonly contract: Contract,
    readonly variant: Variant,
  ) {}

  /** A reference server (checking its outgoing frames) behind a tap; at cleanup it must have sent nothing against the spec. */
  async referenceServer(): Promise<ServerUnderTest> {
    const server = await createReferenceServer({ port: 0, validateOutgoing: true });
    const tap = await startTap(server.url, { dropPushes: this.variant.dropPushes, timeoutMs: this.variant.timeoutMs });
    this.#cleanups.push(async () => {
      try {
        expect(server.violations).toEqual([]);
      } finally {
        await tap.close();
        await server.close();
      }
    });
    return { server, url: tap.url, tap };
  }

  /** The server that answers every request with its response's example from the spec. */
  async responder(): ReturnType<typeof startResponder> {
    const responder = await startResponder();
    this.#cleanups.push(() => responder.close());
    return responder;
  }

  sdk(url: string, token: string, options: { reconnect?: { initialDelay: number; maxDelay: number }; unstableAfter?: number } = {}): CustomerSDK {
    const api = createCustomerSDK({ url, licenseId: 'contract', getToken: () => token, reconnect: options.reconnect ?? { initialDelay: 20, maxDelay: 100 }, unstableAfter: options.unstableAfter });
    this.#cleanups.unshift(() => api.destroy());
    return api;
  }

  /** Resolves with the next payload of an SDK event (or rejects after the variant's timeout, naming it). */
  next(api: CustomerSDK, name: string): Promise<unknown> {
    const timeoutMs = this.variant.timeoutMs;
    const promise = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        reject(new Error(`no ${name} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#timers.add(timer);
      (api.once as (name: string, handler: (payload: unknown) => void) => void)(name, (payload) => {
        clearTimeout(timer);
        this.#timers.delete(timer);
        resolve(payload);
      });
    });
    // A case that fails before awaiting this must not leave an unhandled rejection behind.
    promise.catch(() => {});
    return promise;
  }

  /** Runs every cleanup (SDKs first, then servers); rethrows the first failure. */
  async cleanup(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    let failure: { error: unknown } | undefined;
    for (const cleanup of this.#cleanups.splice(0)) {
      try {
        await cleanup();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
