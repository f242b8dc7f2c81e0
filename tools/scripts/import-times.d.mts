/**
 * The median import time in ms of each specifier in a fresh Node process, minus an empty module's
 * (`baseline`: how fast the machine starts an import today), over `rounds` (default 10) rounds in
 * rotated order; specifiers resolve from `cwd`.
 */
export declare function importTimes(specifiers: string[], options?: { cwd?: string; rounds?: number }): { baseline: number; times: number[] };
