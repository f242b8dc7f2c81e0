// The bench's knobs and fixed parameters, in one place: the BENCH_* environment variables (read once,
// at start; a missing, empty, negative or non-numeric value falls back to the default) and the constants of
// the runs, so that what a run does and what the report says about it come from the same numbers.
const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  // Number('') is 0: an empty BENCH_X= is "not set", not zero.
  const value = raw === undefined || raw.trim() === '' ? fallback : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
};
export const CLIENTS = num('BENCH_CLIENTS', 1000);
export const RUN_MS = num('BENCH_RUN_SECONDS', 60) * 1000;
export const AGENT_EVERY_MS = num('BENCH_AGENT_EVERY_MS', 1000);
export const CUSTOMER_EVERY_MS = num('BENCH_CUSTOMER_EVERY_MS', 1000);
export const DROP_EVERY_MS = num('BENCH_DROP_EVERY_MS', 3000);
export const DROP_COUNT = num('BENCH_DROP_COUNT', 20);
export const OFFLINE_QUEUE = num('BENCH_OFFLINE_QUEUE', 8); // 0: no offline queue
export const CHATS_PER_AGENT = 50;
export const SLOW_READERS = num('BENCH_SLOW_READERS', 100);
export const SLOW_NORMAL_CLIENTS = num('BENCH_SLOW_NORMAL_CLIENTS', 100);
export const SLOW_FILL_MAX_MS = num('BENCH_SLOW_FILL_SECONDS', 30) * 1000;
export const PROPERTY_BYTES = 32 * 1024;
export const PROPERTY_EVERY_MS = num('BENCH_PROPERTY_EVERY_MS', 50);
/** Run C: the same slow-reader set-up, small, once with 1-byte and once with 3-byte characters. */
export const MULTIBYTE_READERS = 10;
export const MULTIBYTE_CHAR = '漢';
export const CONTROL_MS = 5000;
export const SENDER_TEXT_BYTES = 1024;
export const SENDER_EVERY_MS = 500;
export const MEMORY_TARGET_BYTES = 64 * 1024 * 1024;
export const OUT_DIR = new URL('../../../../packages/reference-server/bench/', import.meta.url);
export const LICENSE = 'bench';
