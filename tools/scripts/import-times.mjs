// Import times for the benches (`pnpm bench`): each module loaded in a fresh Node process as its
// users load it (`import()` for an ES module, `require()` for a `.cjs` file), in rounds in rotated
// order (a busy spell on a shared machine hits every module alike), with an empty module of each
// kind among them whose median is subtracted (the cost of starting that loader).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function loadMs(specifier, cwd) {
  const quoted = JSON.stringify(specifier);
  const [args, script] = specifier.endsWith('.cjs')
    ? [[], `const t = performance.now(); require(${quoted}); console.log(performance.now() - t);`]
    : [['--input-type=module'], `const t = performance.now(); await import(${quoted}); console.log(performance.now() - t);`];
  return Number(execFileSync(process.execPath, [...args, '-e', script], { cwd, encoding: 'utf8' }));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function importTimes(specifiers, { cwd = process.cwd(), rounds = 10 } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'import-times-'));
  try {
    const emptyEsm = join(scratch, 'empty.mjs');
    const emptyCjs = join(scratch, 'empty.cjs');
    writeFileSync(emptyEsm, 'export {};\n');
    writeFileSync(emptyCjs, '\n');
    const all = [emptyEsm, emptyCjs, ...specifiers];
    const runs = all.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < all.length; k++) {
        const index = (round + k) % all.length;
        runs[index].push(loadMs(all[index], cwd));
      }
    }
    const [baseline, baselineCjs, ...medians] = runs.map(median);
    return { baseline, baselineCjs, times: medians.map((ms, i) => ms - (specifiers[i].endsWith('.cjs') ? baselineCjs : baseline)) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
