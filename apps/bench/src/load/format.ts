// How figures read in the report and the targets: a distribution as p50 / p95 / p99 / max, the
// server's pauses, counts by code.
import type { Memory } from './server.js';
import type { Distribution } from './stats.js';

export function fmt(d: Distribution): string {
  return `${d.p50} / ${d.p95} / ${d.p99} / ${d.max} ms`;
}
export function pausesText(p: { loopDelayMs: Memory['loopDelayMs']; gc: Memory['gc'] }): string {
  const ms = (n: number) => +n.toFixed(1);
  return `${ms(p.loopDelayMs.p50)} / ${ms(p.loopDelayMs.p99)} / ${ms(p.loopDelayMs.max)} ms; ${p.gc.count} GCs, ${ms(p.gc.totalMs)} ms in all, longest ${ms(p.gc.maxMs)} ms, longest major ${ms(p.gc.majorMaxMs)} ms`;
}
export function codes(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k}: ${v}`).join(', ');
}
