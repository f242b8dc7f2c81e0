import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../src/runtime/backoff.js';

describe('createBackoff', () => {
  it('grows exponentially from initialDelay, without jitter when random gives 0', () => {
    const backoff = createBackoff({ initialDelay: 100, factor: 2, maxDelay: 10_000, random: () => 0 });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([100, 200, 400, 800]);
    expect(backoff.attempts).toBe(4);
  });

  it('scales each delay by a factor in [1 - jitter, 1]', () => {
    const values = [0.5, 1, 0.25];
    const backoff = createBackoff({ initialDelay: 1000, factor: 3, jitter: 0.4, random: () => values.shift() ?? 0 });
    expect(backoff.next()).toBe(800); // 1000 * (1 - 0.4 * 0.5)
    expect(backoff.next()).toBe(1800); // 3000 * (1 - 0.4)
    expect(backoff.next()).toBe(8100); // 9000 * (1 - 0.1)
  });

  it('is capped at maxDelay, even after very many attempts', () => {
    const backoff = createBackoff({ initialDelay: 500, maxDelay: 3000, random: () => 0 });
    const delays = Array.from({ length: 2000 }, () => backoff.next());
    expect(delays.slice(0, 5)).toEqual([500, 1000, 2000, 3000, 3000]);
    expect(delays.at(-1)).toBe(3000);
    const jittered = createBackoff({ initialDelay: 500, maxDelay: 3000, jitter: 0.5, random: Math.random });
    const late = Array.from({ length: 60 }, () => jittered.next()).slice(10);
    for (const delay of late) {
      expect(delay).toBeGreaterThanOrEqual(1500);
      expect(delay).toBeLessThanOrEqual(3000);
    }
  });

  it('uses the documented defaults (500 ms, x2, cap 30 s, jitter 0.5)', () => {
    const noJitter = createBackoff({ random: () => 0 });
    const delays = Array.from({ length: 9 }, () => noJitter.next());
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    const fullJitter = createBackoff({ random: () => 1 });
    expect(fullJitter.next()).toBe(250);
  });

  it('reset() starts over', () => {
    const backoff = createBackoff({ initialDelay: 10, random: () => 0 });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(10);
  });

  it('rejects nonsensical options', () => {
    expect(() => createBackoff({ jitter: 2 })).toThrow(RangeError);
    expect(() => createBackoff({ factor: 0.5 })).toThrow(RangeError);
    expect(() => createBackoff({ initialDelay: -1 })).toThrow(RangeError);
    expect(() => createBackoff({ maxDelay: Number.NaN })).toThrow(RangeError);
  });

  it('takes the limits themselves: no delay, factor 1, jitter 0 and 1', () => {
    expect(createBackoff({ initialDelay: 0, random: () => 1 }).next()).toBe(0);
    expect(createBackoff({ maxDelay: 0, random: () => 0 }).next()).toBe(0);
    const flat = createBackoff({ initialDelay: 100, factor: 1, jitter: 0, random: () => 1 });
    expect([flat.next(), flat.next(), flat.next()]).toEqual([100, 100, 100]);
    expect(createBackoff({ initialDelay: 100, jitter: 1, random: () => 1 }).next()).toBe(0);
  });

  it('a random that gives NaN, something not a number, or throws, counts as 0: the whole delay, never a storm', () => {
    for (const random of [() => Number.NaN, () => '0.5' as unknown as number, () => 1n as unknown as number, () => { throw new Error('boom'); }]) {
      const backoff = createBackoff({ initialDelay: 100, factor: 2, jitter: 0.5, random });
      expect([backoff.next(), backoff.next()], String(random)).toEqual([100, 200]);
    }
    // Out of range: clamped to [0, 1].
    expect(createBackoff({ initialDelay: 100, jitter: 0.5, random: () => -3 }).next()).toBe(100);
    expect(createBackoff({ initialDelay: 100, jitter: 0.5, random: () => 7 }).next()).toBe(50);
  });

  it('says which option is wrong and its value', () => {
    expect(() => createBackoff({ random: 'x' as unknown as () => number })).toThrow(new RangeError('invalid back-off random: x (not a function)'));
    expect(() => createBackoff({ initialDelay: -1 })).toThrow('invalid back-off initialDelay: -1');
    // Only undefined takes the default: null is a value, and not a function.
    expect(() => createBackoff({ random: null as unknown as () => number })).toThrow(new RangeError('invalid back-off random: null (not a function)'));
    // Values a template literal cannot turn into text are still named, with a RangeError, never a TypeError.
    expect(() => createBackoff({ initialDelay: Symbol('x') as unknown as number })).toThrow(new RangeError('invalid back-off initialDelay: Symbol(x)'));
    expect(() => createBackoff({ factor: Object.create(null) as number })).toThrow(new RangeError('invalid back-off factor: a value that cannot be shown as text'));
    expect(() => createBackoff({ maxDelay: -1 })).toThrow('invalid back-off maxDelay: -1');
    // Longer than setTimeout takes: it would fire at once, a reconnection storm.
    expect(() => createBackoff({ maxDelay: 2 ** 31 })).toThrow('invalid back-off maxDelay: 2147483648');
    expect(createBackoff({ maxDelay: 2 ** 31 - 1, initialDelay: 2 ** 31 - 1, jitter: 0 }).next()).toBe(2 ** 31 - 1);
    expect(() => createBackoff({ factor: 0.99 })).toThrow('invalid back-off factor: 0.99');
    expect(() => createBackoff({ jitter: -0.1 })).toThrow('invalid back-off jitter: -0.1');
    expect(() => createBackoff({ jitter: 1.01 })).toThrow('invalid back-off jitter: 1.01');
    expect(() => createBackoff({ initialDelay: Number.POSITIVE_INFINITY })).toThrow('invalid back-off initialDelay: Infinity');
  });
});
