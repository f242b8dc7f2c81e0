/**
 * The median load time in ms of each specifier in a fresh Node process (`require()` for a `.cjs`
 * file, `import()` otherwise), minus an empty module's of the same kind (`baseline` for ES modules,
 * `baselineCjs` for CommonJS: how fast the machine starts that loader today), over `rounds`
 * (default 10) rounds in rotated order; specifiers resolve from `cwd`.
 */
export declare function importTimes(specifiers: string[], options?: { cwd?: string; rounds?: number }): { baseline: number; baselineCjs: number; times: number[] };
