// The README's usage example is compiled against the package's own types, so the documentation
// cannot show code that does not compile.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
// Inside the package folder, so `@customer-chat/sdk` resolves to this package (self-reference).
const workDir = mkdtempSync(join(packageDir, 'test', '.readme-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

it('has a usage example', () => {
  expect(examples.length).toBeGreaterThan(0);
});

it.each(examples.map((code, i) => [i, code] as const))('compiles example %i against the package', (i, code) => {
  const file = join(workDir, `example-${i}.ts`);
  writeFileSync(file, `${code}\nexport {};\n`);
  const configFile = ts.readConfigFile(join(packageDir, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, packageDir);
  const program = ts.createProgram([file], { ...options, noEmit: true, noUnusedLocals: false });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diagnostics).toEqual([]);
});
