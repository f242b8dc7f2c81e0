// Exponential back-off with jitter for reconnection: quick first retries, a cap so a long outage
// still retries regularly, and jitter so many clients dropped together do not reconnect in step.

import { describe } from './helpers.js';

export interface BackoffOptions {
  /** The first delay, in ms. */
  initialDelay?: number | undefined;
  /** The cap of the delay, in ms. */
  maxDelay?: number | undefined;
  /** The growth of the delay per attempt. */
  factor?: number | undefined;
  /** How much of the delay is random: the delay is scaled by a factor in [1 - jitter, 1]. */
  jitter?: number | undefined;
  /**
   * The source of randomness, in [0, 1); injectable for deterministic tests. Its values are
   * clamped to [0, 1]; NaN, a value that is not a number, or a throw counts as 0 (the whole delay).
   */
  random?: (() => number) | undefined;
}

export interface Backoff {
  /** The delay before the next attempt, in ms; counts the attempt. */
  next(): number;
  /** Starts over from `initialDelay` (after a success). */
  reset(): void;
  /** How many delays `next()` handed out since the last reset. */
  readonly attempts: number;
}

/** `ok` runs only on a finite number: comparing a symbol or an object without valueOf would throw a TypeError. */
function check(name: string, value: number, ok: (value: number) => boolean): void {
  if (!Number.isFinite(value) || !ok(value)) throw new RangeError(`invalid back-off ${name}: ${describe(value)}`);
}

export function createBackoff(options: BackoffOptions = {}): Backoff {
  const { initialDelay = 500, maxDelay = 30_000, factor = 2, jitter = 0.5 } = options;
  check('initialDelay', initialDelay, (value) => value >= 0);
  // At most 2^31 - 1 ms, the longest delay setTimeout takes (a longer one fires at once: a storm).
  check('maxDelay', maxDelay, (value) => value >= 0 && value < 2 ** 31);
  check('factor', factor, (value) => value >= 1);
  check('jitter', jitter, (value) => value >= 0 && value <= 1);
  const random = options.random === undefined ? Math.random : options.random;
  if (typeof random !== 'function') throw new RangeError(`invalid back-off random: ${describe(random)} (not a function)`);
  let attempts = 0;

  return {
    next() {
      // Math.min first: factor ** n overflows to Infinity after enough attempts, which min caps.
      const base = Math.min(maxDelay, initialDelay * factor ** attempts);
      attempts += 1;
      let r: unknown = 0;
      try {
        r = random();
      } catch {
        // A failing source of jitter: no jitter.
      }
      // NaN or not a number: no jitter, rather than a delay of NaN (a 1 ms storm).
      return Math.round(base * (1 - jitter * (typeof r === 'number' && r > 0 ? Math.min(r, 1) : 0)));
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
