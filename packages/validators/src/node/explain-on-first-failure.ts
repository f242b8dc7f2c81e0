// What `#explain` is in the root built for Node (dist/index.node.js and .cjs): the /explain entry,
// required the first time a check fails rather than read at import. The explainer and the schemas
// it walks are half the root's code, and Node compiles all of a module it imports, so a program that
// only validates valid data never pays for them. Node alone gets this (the "node" condition of the
// package's exports); bundlers take the "module" condition, the root with the explainer inside,
// whose unused parts they drop anyway.
import { createRequire } from 'node:module';
import type * as Explain from '../explain.js';

let loaded: typeof Explain | undefined;

/** The /explain entry beside this file (the build writes both to dist/), loaded once. */
function explainer(): typeof Explain {
  return (loaded ??= createRequire(import.meta.url)('./explain.cjs') as typeof Explain);
}

export function explainPayload(name: string, data: unknown): ReturnType<typeof Explain.explainPayload> {
  return explainer().explainPayload(name, data);
}

export function explainFrame(name: string, frame: unknown): ReturnType<typeof Explain.explainFrame> {
  return explainer().explainFrame(name, frame);
}
