/** A module to time: a specifier (a path ending in `.cjs` is loaded with `require()`, anything else with `import()`), or `{ require }` to load a package name with `require()`. */
export type ImportEntry = string | { require: string };

/** Medians in ms of an empty module (`module`), an empty `.cjs` file (`commonJs`) and an empty package imported (`package`) and required (`packageRequired`) by name. */
export interface ImportBaselines {
  module: number;
  commonJs: number;
  package: number;
  packageRequired: number;
}

/** Processes per module unless `rounds` says otherwise: 30. */
export declare const IMPORT_ROUNDS: number;

/**
 * The median load time in ms of each entry in a fresh Node process over `rounds` (default IMPORT_ROUNDS)
 * rounds in rotated order, minus the baseline of its kind: an empty module for a file path, an
 * empty package for a package name. Package names resolve from a scratch folder whose
 * node_modules links each of `packages` (name to folder).
 */
export declare function importTimes(entries: ImportEntry[], options?: { packages?: Record<string, string>; rounds?: number }): { baselines: ImportBaselines; times: number[] };
