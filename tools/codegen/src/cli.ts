#!/usr/bin/env -S npx tsx
// `customer-chat-codegen [--check] [--spec FILE]`: generates every package's sources from the spec,
// or with --check fails (printing the diff) when a checked-in generated file is stale.
// `--outputs` prints the folders the registered plugins write into, one per line.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { failureLines, specArgumentProblem } from './cli-errors.js';
import { generate, outputDirectories, plugins, REPOSITORY_ROOT } from './index.js';
import { checkOutput, writeOutput } from './output.js';

const USAGE = 'usage: customer-chat-codegen [--check] [--spec <asyncapi.yaml>] | --outputs';

let options: { check: boolean; spec: string; outputs: boolean };
try {
  const { values } = parseArgs({
    options: { check: { type: 'boolean', default: false }, spec: { type: 'string', default: 'spec/asyncapi.yaml' }, outputs: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: false,
  });
  options = { check: values.check ?? false, spec: values.spec ?? 'spec/asyncapi.yaml', outputs: values.outputs ?? false };
} catch (error) {
  console.error(`codegen: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

if (options.outputs) {
  console.log(outputDirectories(plugins).join('\n'));
  process.exit(0);
}

const specFile = resolve(REPOSITORY_ROOT, options.spec);
const specProblem = await specArgumentProblem(options.spec, specFile);
if (specProblem !== undefined) {
  console.error(`codegen: ${specProblem}; nothing written.`);
  process.exit(2);
}

try {
  const plan = await generate(specFile);
  if (options.check) {
    const diffs = await checkOutput(REPOSITORY_ROOT, plan);
    if (diffs.length > 0) {
      console.error(diffs.join('\n'));
      console.error(`codegen: ${diffs.length} generated file(s) out of step with ${plan.model.source}; run pnpm generate.`);
      process.exit(1);
    }
    console.log(`codegen: ${plan.files.length} generated files in step with ${plan.model.source}.`);
  } else {
    const { written, removed } = await writeOutput(REPOSITORY_ROOT, plan);
    console.log(`codegen: ${plan.files.length} files from ${plan.model.source} (${written.length} written, ${removed.length} removed).`);
  }
} catch (error) {
  // A broken spec prints its located problems; anything else one line (its stack with DEBUG=1).
  for (const line of failureLines(error)) console.error(line);
  process.exit(1);
}
