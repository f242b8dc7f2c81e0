// Child process of generate.bench.ts: one buildSite call in a fresh process, timed after the
// modules are loaded (document parsing, rendering and writing on the clock), exactly as
// asyncapi-generator.mjs times the AsyncAPI generator.
// usage: tsx build-once.ts <out dir>   Prints one line `RESULT {"ms":...}`.
import { buildSite } from '../src/build.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: tsx build-once.ts <out dir>');
  process.exit(2);
}
const start = performance.now();
await buildSite(out);
console.log(`RESULT ${JSON.stringify({ ms: performance.now() - start })}`);
