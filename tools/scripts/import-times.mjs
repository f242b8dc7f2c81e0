// Import times for the benches (`pnpm bench`): each module loaded in a fresh Node process as its
// users load it (`import()` for an ES module, `require()` for a `.cjs` file or a `{ require }`
// entry), in rounds in rotated order (a busy spell on a shared machine hits every module alike),
// with a baseline of each kind among them, subtracted round by round (the median of the differences):
// - a file path: an empty module (`.mjs` or `.cjs`), the cost of starting that loader;
// - a package name: an empty package with an `exports` map, installed beside it. Node's first
//   resolution of a package name pays a one-time start-up (its `exports` resolver, ~2-3 ms here)
//   that any program importing a package pays, whatever the package holds; with this baseline the
//   figure is what the package itself adds to a program that imports it by name.
// Package names resolve from a scratch folder whose node_modules links to the given packages, as
// an application's does; a linked package's own dependencies resolve from its real folder.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

const EMPTY_PACKAGE = 'empty-package-for-import-times';

function loadMs({ specifier, require }, cwd) {
  const quoted = JSON.stringify(specifier);
  const [args, script] = require
    ? [[], `const t = performance.now(); require(${quoted}); console.log(performance.now() - t);`]
    : [['--input-type=module'], `const t = performance.now(); await import(${quoted}); console.log(performance.now() - t);`];
  return Number(execFileSync(process.execPath, [...args, '-e', script], { cwd, encoding: 'utf8' }));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The median of `values[round] - baselines[round]`: each round's load against its baseline's in the
 * same round, so a busy spell that slows both cancels out (a difference of two medians carries it).
 */
export function medianDifference(values, baselines) {
  return differenceQuartiles(values, baselines).median;
}

/** The quartiles (p25, median, p75) of `values[round] - baselines[round]`: a figure and its spread. */
export function differenceQuartiles(values, baselines) {
  if (values.length !== baselines.length) throw new RangeError(`import-times: ${values.length} values against ${baselines.length} baselines`);
  const sorted = values.map((ms, round) => ms - baselines[round]).sort((a, b) => a - b);
  const at = (p) => sorted[Math.round((sorted.length - 1) * p)];
  return { p25: at(0.25), median: median(sorted), p75: at(0.75) };
}

const isPath = (specifier) => isAbsolute(specifier) || specifier.startsWith('.');

/** An entry as `{ specifier, require }`: a path ending in `.cjs` is required, anything else imported. */
function normalize(entry) {
  if (typeof entry === 'string') return { specifier: entry, require: isPath(entry) && entry.endsWith('.cjs') };
  if (typeof entry === 'object' && entry !== null && typeof entry.require === 'string') return { specifier: entry.require, require: true };
  throw new TypeError(`import-times: an entry is a specifier or { require: specifier }, not ${JSON.stringify(entry)}`);
}

function linkPackages(app, packages) {
  const link = (name, target) => {
    const path = join(app, 'node_modules', ...name.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    symlinkSync(target, path, 'dir');
  };
  for (const [name, dir] of Object.entries(packages)) link(name, dir);
  const empty = join(app, 'empty-package');
  mkdirSync(empty);
  writeFileSync(join(empty, 'package.json'), `${JSON.stringify({ name: EMPTY_PACKAGE, version: '1.0.0', exports: { '.': { import: './index.mjs', require: './index.cjs' } } })}\n`);
  writeFileSync(join(empty, 'index.mjs'), 'export {};\n');
  writeFileSync(join(empty, 'index.cjs'), '\n');
  link(EMPTY_PACKAGE, empty);
}

/**
 * Processes per module: a median of 30 rather than the 10 the targets name, since on a shared
 * machine a median of 10 moves by a millisecond from one run to the next.
 */
export const IMPORT_ROUNDS = 30;

export function importTimes(entries, { packages = {}, rounds = IMPORT_ROUNDS } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'import-times-'));
  try {
    const app = join(scratch, 'app');
    mkdirSync(app);
    linkPackages(app, packages);
    const emptyModule = join(scratch, 'empty.mjs');
    const emptyCommonJs = join(scratch, 'empty.cjs');
    writeFileSync(emptyModule, 'export {};\n');
    writeFileSync(emptyCommonJs, '\n');
    const baselines = {
      module: { specifier: emptyModule, require: false },
      commonJs: { specifier: emptyCommonJs, require: true },
      package: { specifier: EMPTY_PACKAGE, require: false },
      packageRequired: { specifier: EMPTY_PACKAGE, require: true },
    };
    const measured = entries.map(normalize);
    const baselineOf = ({ specifier, require }) =>
      isPath(specifier) ? (require ? 'commonJs' : 'module') : require ? 'packageRequired' : 'package';
    const all = [...Object.values(baselines), ...measured];
    const runs = all.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < all.length; k++) {
        const index = (round + k) % all.length;
        runs[index].push(loadMs(all[index], app));
      }
    }
    const kinds = Object.keys(baselines);
    const baselineMs = Object.fromEntries(kinds.map((kind, i) => [kind, median(runs[i])]));
    const offset = kinds.length;
    const quartiles = measured.map((entry, i) => differenceQuartiles(runs[offset + i], runs[kinds.indexOf(baselineOf(entry))]));
    return { baselines: baselineMs, times: quartiles.map((q) => q.median), spreads: quartiles.map(({ p25, p75 }) => ({ p25, p75 })) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
