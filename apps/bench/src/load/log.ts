// The bench's progress log: each line stamped with the seconds since the bench started, so that a
// slow phase shows in the output. The entry starts the clock once every module is loaded (loading the
// SDK and the server package takes a moment that is not the bench's).
import { performance } from 'node:perf_hooks';

let benchStart = performance.now();

/** Marks the start of the bench: what `log` and `benchSeconds` count from. */
export function startBenchClock(): void {
  benchStart = performance.now();
}

/** Seconds since the bench started. */
export const benchSeconds = (): number => (performance.now() - benchStart) / 1000;
export const log = (line: string) => console.log(`[bench ${benchSeconds().toFixed(1)}s] ${line}`);
