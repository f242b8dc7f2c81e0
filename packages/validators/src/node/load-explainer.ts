// How the ES module root built for Node requires the /explain entry beside it. Node 20.16 and later
// hand out node:module without an import: an import of a built-in, even one never used, costs the
// root about 1 ms at load (bench/footprint.md), a fifth of it. Older Node imports it.
import type * as Explain from '../explain.js';

const { createRequire } = process.getBuiltinModule?.('node:module') ?? (await import('node:module'));

export function loadExplainer(): typeof Explain {
  return createRequire(import.meta.url)('./explain.cjs') as typeof Explain;
}
