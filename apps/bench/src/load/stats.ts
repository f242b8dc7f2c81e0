// The figures' arithmetic: latency distributions (nearest-rank percentiles), counts by key, and
// bytes to MiB as the report shows them (one decimal).
export interface Distribution {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
export function distribution(values: number[]): Distribution {
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!);
  const round = (n: number) => (Number.isNaN(n) ? NaN : +n.toFixed(2));
  return { count: sorted.length, p50: round(rank(50)), p95: round(rank(95)), p99: round(rank(99)), max: round(sorted.length === 0 ? NaN : sorted[sorted.length - 1]!) };
}
export const tally = (counts: Record<string, number>, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};
export const MiB = (bytes: number) => +(bytes / 1024 / 1024).toFixed(1);
