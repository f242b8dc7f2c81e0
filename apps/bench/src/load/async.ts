// Waiting, bounded: a sleep, a poll with a deadline and a pool of concurrent tasks. Every loop of the
// bench is bounded in count and time; these are the pieces it is bounded with.
import { performance } from 'node:perf_hooks';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `task` over `items`, `concurrency` at a time. */
export async function eachLimited<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index]!, index);
      }
    }),
  );
}

/** Waits until `done()` or `timeoutMs`, checking every `everyMs`; returns whether it is done. */
export async function waitFor(done: () => boolean, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() >= until) return false;
    await sleep(everyMs);
  }
  return true;
}
