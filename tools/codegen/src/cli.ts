#!/usr/bin/env -S npx tsx
// `customer-chat-codegen [--check] [--spec FILE]`: generates every package's sources from the spec,
// or with --check fails (printing the diff) when a checked-in generated file is stale.
// `--outputs` prints the folders the registered plugins write into, one per line; `--help` the usage.
import { constants } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { failureLines, specArgumentProblem } from './cli-errors.js';
import { generate, outputDirectories, plugins, REPOSITORY_ROOT } from './index.js';
import { checkOutput, writeOutput } from './output.js';

const USAGE = 'usage: customer-chat-codegen [--check] [--spec <asyncapi.yaml>] | --outputs | --help';
const DEFAULT_SPEC = 'spec/asyncapi.yaml';

let options: { check: boolean; spec: string | undefined; outputs: boolean; help: boolean };
try {
  const { values } = parseArgs({
    options: { check: { type: 'boolean', default: false }, spec: { type: 'string' }, outputs: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
    allowPositionals: false,
  });
  options = { check: values.check ?? false, spec: values.spec, outputs: values.outputs ?? false, help: values.help ?? false };
  // --outputs only lists folders: a --check or --spec beside it would be silently ignored.
  if (options.outputs && (options.check || options.spec !== undefined)) throw new Error('--outputs takes no other option');
} catch (error) {
  console.error(`codegen: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

if (options.help) {
  console.log(
    [
      USAGE,
      '',
      `  (no option)   generate every package's sources from ${DEFAULT_SPEC}`,
      '  --check       write nothing; fail, printing the diff, when a generated file is stale',
      "  --spec FILE   the AsyncAPI document (relative to the caller's directory)",
      '  --outputs     print the folders the plugins write into, one per line',
      '  -h, --help    print this help',
    ].join('\n'),
  );
  process.exit(0);
}

if (options.outputs) {
  console.log(outputDirectories(plugins).join('\n'));
  process.exit(0);
}

// A --spec given is relative to where the command was typed (INIT_CWD under pnpm, which runs the
// script in tools/codegen); the default document is the repository's.
const specFile = options.spec === undefined ? resolve(REPOSITORY_ROOT, DEFAULT_SPEC) : resolve(process.env.INIT_CWD ?? process.cwd(), options.spec);
const specProblem = await specArgumentProblem(options.spec ?? DEFAULT_SPEC, specFile, options.spec !== undefined);
if (specProblem !== undefined) {
  console.error(`codegen: ${specProblem}; nothing written.`);
  process.exit(2);
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const stopping = new AbortController();
let stoppedBy: (typeof STOP_SIGNALS)[number] | undefined;
/** 128 + the number of the signal that stopped the write, as a shell reports it; undefined when none did. */
const stoppedCode = (): number | undefined => (stoppedBy === undefined ? undefined : 128 + constants.signals[stoppedBy]);

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
    // Stopped while writing (Ctrl-C, a CI cancel), the write removes its temporaries, or finishes its
    // renames, before the process ends: never a mix of old and new files, nor temporaries left behind.
    for (const signal of STOP_SIGNALS) process.once(signal, () => {
      stoppedBy ??= signal;
      stopping.abort(new Error(`interrupted by ${signal}`));
    });
    const { written, removed } = await writeOutput(REPOSITORY_ROOT, plan, stopping.signal);
    console.log(`codegen: ${plan.files.length} files from ${plan.model.source} (${written.length} written, ${removed.length} removed).`);
  }
} catch (error) {
  // A broken spec prints its located problems; anything else one line (its stack with DEBUG=1).
  for (const line of failureLines(error)) console.error(line);
  process.exit(stoppedCode() ?? 1);
}
// A stop that came once every file was in place still ends as a stopped process does (128 + its number).
process.exit(stoppedCode() ?? 0);
