// How the CommonJS root built for Node requires the /explain entry beside it (left to Node: the
// build keeps `./explain.cjs` external).
import type * as Explain from '../explain.js';

export function loadExplainer(): typeof Explain {
  return require('./explain.cjs') as typeof Explain;
}
