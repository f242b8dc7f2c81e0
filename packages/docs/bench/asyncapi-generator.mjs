// Child process of generate.bench.ts: runs the AsyncAPI generator (installed on demand in
// bench/.comparison/, never a dependency of the project) on the spec, the same way build-once.ts
// runs our buildSite: module loading before the clock, document parsing and rendering on it.
// The bench starts one process per run (runs = 1): in one process the generator slows down run
// after run (html-template: 25 s, 90 s, 185 s, 237 s, 249 s for five runs, seen here), which
// would flatter us. The template is given by package name and the process works from
// the folder where it is installed, so the generator finds it there and never tries to install it.
//
// usage: node asyncapi-generator.mjs <comparison dir> <template package> <spec file> <runs> <out dir>
// Prints one line `RESULT {"runsMs":[...]}`; the last run's output stays in <out dir>.
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const [dir, template, spec, runsArg, outArg] = process.argv.slice(2);
if (!dir || !template || !spec || !runsArg || !outArg) {
  console.error('usage: node asyncapi-generator.mjs <comparison dir> <template> <spec> <runs> <out dir>');
  process.exit(2);
}
const comparisonDir = resolve(dir);
const specFile = resolve(spec);
const outDir = resolve(outArg);
const runs = Number(runsArg);
process.chdir(comparisonDir);
const require = createRequire(join(comparisonDir, 'noop.js'));
const Generator = require('@asyncapi/generator');

const runsMs = [];
for (let run = 0; run < runs; run += 1) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const start = performance.now();
  const generator = new Generator(template, outDir, { forceWrite: true });
  await generator.generateFromFile(specFile);
  runsMs.push(performance.now() - start);
}
console.log(`RESULT ${JSON.stringify({ runsMs })}`);
