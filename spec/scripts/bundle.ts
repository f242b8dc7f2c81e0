// Validates spec/asyncapi.yaml (parser errors and the project's lint rules, warnings included) and
// bundles it as dist/asyncapi.json for consumers that do not read YAML. With --check it only
// validates. Every problem is printed as file:line:column, rule, JSON pointer and message.
import { fileURLToPath } from 'node:url';
import { formatProblem, loadSpec } from '@customer-chat/spec-loader';
import { writeFileAtomic } from '@customer-chat/spec-loader/write';

const specFile = fileURLToPath(new URL('../asyncapi.yaml', import.meta.url));
const bundleFile = fileURLToPath(new URL('../dist/asyncapi.json', import.meta.url));

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--check');
if (unknown.length > 0) {
  console.error(`spec: unknown argument ${unknown.join(' ')} (usage: bundle [--check])`);
  process.exit(2);
}

const spec = await loadSpec(specFile);
for (const problem of spec.problems) console.error(formatProblem(problem));
const blocking = spec.problems.filter((p) => p.severity === 'error' || p.severity === 'warning');
if (blocking.length > 0 || !spec.document) {
  console.error(`spec: ${blocking.length} problem(s); nothing written.`);
  process.exit(1);
}
const messages = spec.document.allMessages().length;
const operations = spec.document.allOperations().length;
if (!args.includes('--check')) await writeFileAtomic(bundleFile, `${JSON.stringify(spec.raw, null, 2)}\n`);
console.log(`spec: valid AsyncAPI ${String(spec.raw.asyncapi)}, ${messages} messages, ${operations} operations${args.includes('--check') ? '' : ' -> dist/asyncapi.json'}`);
