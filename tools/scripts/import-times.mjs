// Import times for the benches (`pnpm bench`): each module imported in a fresh Node process, in
// rounds in rotated order (a busy spell on a shared machine hits every module alike), with an empty
// module among them whose median is subtracted (the cost of starting the import machinery).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function importMs(specifier, cwd) {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' }));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function importTimes(specifiers, { cwd = process.cwd(), rounds = 10 } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'import-times-'));
  try {
    const empty = join(scratch, 'empty.mjs');
    writeFileSync(empty, 'export {};\n');
    const all = [empty, ...specifiers];
    const runs = all.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < all.length; k++) {
        const index = (round + k) % all.length;
        runs[index].push(importMs(all[index], cwd));
      }
    }
    const [baseline, ...medians] = runs.map(median);
    return { baseline, times: medians.map((ms) => ms - baseline) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
