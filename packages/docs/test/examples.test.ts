// Every code example of the pages compiles against the built SDK (@customer-chat/sdk's dist), with
// the options dist/examples/tsconfig.json gives: NodeNext resolution, strict.
import { existsSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIntoTemporaryDirectory, PACKAGE_DIR, textOf, type Built } from './helpers.js';

let built: Built;
beforeAll(async () => {
  built = await buildIntoTemporaryDirectory();
});
afterAll(() => built?.remove());

function compile(files: string[]): string[] {
  const configFile = join(built.dir, 'examples', 'tsconfig.json');
  const config = ts.readConfigFile(configFile, (path) => ts.sys.readFile(path));
  expect(config.error).toBeUndefined();
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, join(built.dir, 'examples'));
  expect(parsed.errors).toEqual([]);
  expect(parsed.options.strict).toBe(true);
  expect(parsed.options.moduleResolution).toBe(ts.ModuleResolutionKind.NodeNext);
  const program = ts.createProgram(files, parsed.options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(built.dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('code examples', () => {
  it('needs the built SDK', () => {
    expect(existsSync(join(PACKAGE_DIR, 'node_modules', '@customer-chat', 'sdk', 'dist', 'index.d.ts')), 'build @customer-chat/sdk first (pnpm build, or npx tsup in packages/sdk)').toBe(true);
  });

  it('writes every example of the pages to examples/, each a module talking to a declared CustomerSDK', () => {
    const files = built.list().filter((f) => f.startsWith('examples/') && f.endsWith('.ts'));
    expect(files.map((f) => f.slice('examples/'.length, -3)).sort()).toEqual(built.result.examples.map((e) => e.id).sort());
    for (const example of built.result.examples) {
      const module = built.read(`examples/${example.id}.ts`);
      expect(module).toContain(example.code);
      if (!example.ownsApi) {
        expect(module).toContain("import type { CustomerSDK } from '@customer-chat/sdk';");
        expect(module).toContain('declare const api: CustomerSDK;');
      }
    }
    // One per event, one per method, the quick start and the error handling.
    const model = built.result.model;
    expect(built.result.examples.filter((e) => e.id.startsWith('event-'))).toHaveLength(model.messages.filter((m) => m.kind === 'client' || (m.kind === 'push' && !m.clientEvent)).length);
    expect(built.result.examples.filter((e) => e.id.startsWith('method-'))).toHaveLength(model.requests.length);
  });

  it('shows each example on its page exactly as written to examples/', () => {
    for (const example of built.result.examples) {
      const [page] = example.shownAt.split('#');
      const html = built.read(`site/${page}`);
      const block = new RegExp(`<div class="code-block" data-example="${example.id}">[\\s\\S]*?<code class="language-ts">([\\s\\S]*?)</code></pre></div>`).exec(html);
      expect(block, `${example.id} on ${page}`).not.toBeNull();
      expect(textOf(block![1]!)).toBe(example.code);
      expect(built.read(`markdown/${page!.replace('.html', '.md')}`)).toContain(example.code.trimEnd());
    }
  });

  it('compiles every example against @customer-chat/sdk without a diagnostic', () => {
    const files = built.list().filter((f) => f.startsWith('examples/') && f.endsWith('.ts')).map((f) => join(built.dir, f));
    expect(files.length).toBeGreaterThan(20);
    expect(compile(files)).toEqual([]);
  });

  it('would catch an example that drifted from the SDK', () => {
    const broken = join(built.dir, 'examples', 'broken.ts');
    writeFileSync(
      broken,
      [
        "import type { CustomerSDK } from '@customer-chat/sdk';",
        'declare const api: CustomerSDK;',
        "api.on('no_such_event', () => {});",
        "api.on('user_is_typing', (payload) => console.log(payload.nope));",
        "await api.sendEvent({ chat: 'PJ0MRSHTDG' });",
        'export {};',
        '',
      ].join('\n'),
    );
    const diagnostics = compile([broken]);
    expect(diagnostics.length).toBeGreaterThanOrEqual(3);
    expect(diagnostics.join('\n')).toMatch(/no_such_event/);
  });
});
