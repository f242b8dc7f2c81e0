// Validates spec/asyncapi.yaml (parser errors and the project's lint rules, warnings included) and
// bundles it as dist/asyncapi.json for consumers that do not read YAML. With --check it only
// validates. Every problem is printed as file:line:column, rule, JSON pointer and message.
import { fileURLToPath } from 'node:url';
import { bundleSpec } from './bundle-spec.js';

const specFile = fileURLToPath(new URL('../asyncapi.yaml', import.meta.url));
const bundleFile = fileURLToPath(new URL('../dist/asyncapi.json', import.meta.url));

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--check');
if (unknown.length > 0) {
  console.error(`spec: unknown argument ${unknown.join(' ')} (usage: bundle [--check])`);
  process.exit(2);
}

process.exitCode = await bundleSpec({ specFile, bundleFile, check: args.includes('--check') });
