// What `#explain` is in the root built for Node (dist/index.node.js and .cjs): the /explain entry,
// required the first time a check fails rather than read at import. The explainer and the schemas
// it walks are half the root's code, and Node compiles all of a module it imports, so a program that
// only validates valid data never pays for them. Node alone gets this (the "node" condition of the
// package's exports); bundlers take the "module" condition, the root with the explainer inside,
// whose unused parts they drop anyway. How it is required differs between the ES module and the
// CommonJS file: the build takes ./load-explainer.ts for one, ./load-explainer-commonjs.ts for the other.
import type * as Explain from '../explain.js';
import { loadExplainer } from './load-explainer.js';

let loaded: typeof Explain | undefined;

export function explainPayload(name: string, data: unknown): ReturnType<typeof Explain.explainPayload> {
  return (loaded ??= loadExplainer()).explainPayload(name, data);
}

export function explainFrame(name: string, frame: unknown): ReturnType<typeof Explain.explainFrame> {
  return (loaded ??= loadExplainer()).explainFrame(name, frame);
}
