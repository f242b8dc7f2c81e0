/** A module to time: a specifier (a path ending in `.cjs` is loaded with `require()`, anything else with `import()`), or `{ require }` to load a package name with `require()`. */
export type ImportEntry = string | { require: string };

/** Medians in ms of an empty module (`module`), an empty `.cjs` file (`commonJs`) and an empty package imported (`package`) and required (`packageRequired`) by name. */
export interface ImportBaselines {
  module: number;
  commonJs: number;
  package: number;
  packageRequired: number;
}

/** The median of `values[round] - baselines[round]`; a RangeError when the two differ in length. */
export declare function medianDifference(values: number[], baselines: number[]): number;

/** The quartiles of `values[round] - baselines[round]`: the figure (median) and its spread (p25, p75). */
export declare function differenceQuartiles(values: number[], baselines: number[]): { p25: number; median: number; p75: number };

/** Processes per module unless `rounds` says otherwise: 30. */
export declare const IMPORT_ROUNDS: number;

/**
 * The load time in ms of each entry in a fresh Node process, over `rounds` (default IMPORT_ROUNDS)
 * rounds in rotated order: the median over the rounds of its load minus, in the same round, the
 * baseline of its kind (an empty module for a file path, an empty package for a package name);
 * `spreads` gives the quartiles of those differences. Package names resolve from a scratch folder whose
 * node_modules links each of `packages` (name to folder).
 */
export declare function importTimes(entries: ImportEntry[], options?: { packages?: Record<string, string>; rounds?: number }): { baselines: ImportBaselines; times: number[]; spreads: { p25: number; p75: number }[] };
