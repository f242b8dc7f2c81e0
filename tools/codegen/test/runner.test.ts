// The runner: plugin order from `dependsOn`, the model view limited to `reads`, output paths under
// each plugin's folder, and the wiring derived from the declarations (including the README's
// worked example, which must be the fixture plugin below, character for character).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, definePlugin, generatorInfo, gitattributesLines, ownedDirectories, REPOSITORY_ROOT, selectPlugins, turboOutputs, type Plugin } from '../src/index.js';
import { runPlugins } from '../src/runner.js';
import { loadCleanSpec } from '@customer-chat/spec-loader';
import { eventNamesPlugin } from './fixtures/plugins/event-names/index.js';

const plugin = (name: string, dependsOn: string[] = [], extra: Partial<Plugin> = {}): Plugin =>
  definePlugin({ name, description: name, output: { dir: `out/${name}`, owns: true }, reads: [], dependsOn, emit: () => [], ...extra });

describe('selectPlugins', () => {
  const registered = [plugin('a'), plugin('b', ['a']), plugin('c', ['b']), plugin('d')];

  it('puts dependencies first and brings them along', () => {
    expect(selectPlugins(registered).map((p) => p.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(selectPlugins(registered, ['c']).map((p) => p.name)).toEqual(['a', 'b', 'c']);
  });

  it('refuses unknown names, unknown dependencies, cycles and duplicate names', () => {
    expect(() => selectPlugins(registered, ['x'])).toThrow(/unknown plugin "x" \(known: a, b, c, d\)/);
    expect(() => selectPlugins([plugin('a', ['z'])])).toThrow(/plugin "a" depends on unknown plugin "z"/);
    expect(() => selectPlugins([plugin('a', ['b']), plugin('b', ['a'])])).toThrow(/cycle/);
    expect(() => selectPlugins([plugin('a'), plugin('a')])).toThrow(/two plugins are named "a"/);
  });
});

const model = await loadCleanSpec(join(REPOSITORY_ROOT, 'spec/asyncapi.yaml')).then((spec) => buildModel(spec, REPOSITORY_ROOT));
const context = { generator: generatorInfo(model) };

describe('runPlugins', () => {
  it('writes under the plugin folder', async () => {
    const plan = await runPlugins(model, context, [eventNamesPlugin]);
    expect(plan.files.map((f) => f.path)).toEqual(['packages/docs/src/gen/event-names.txt']);
    expect(plan.files[0]!.content.split('\n')).toContain('thread_metada');
    expect(plan.ownedDirectories).toEqual(['packages/docs/src/gen']);
  });

  it('lets a plugin read only the model parts it declares', async () => {
    const sneaky = plugin('sneaky', [], { reads: ['schemas'], emit: (m) => [{ path: 'x', content: String(m.messages.length) }] });
    await expect(runPlugins(model, context, [sneaky])).rejects.toThrow(/plugin "sneaky" reads model.messages but does not declare it in `reads`/);
    const unknown = plugin('unknown', [], { reads: ['nothing' as never] });
    await expect(runPlugins(model, context, [unknown])).rejects.toThrow(/reads model.nothing, which the model does not have/);
  });

  it('derives the wiring from the declarations', () => {
    const plugins = [plugin('a'), plugin('b', [], { output: { dir: 'out/a', owns: false } }), eventNamesPlugin];
    expect(ownedDirectories(plugins)).toEqual(['out/a', 'packages/docs/src/gen']);
    expect(gitattributesLines(plugins)).toEqual(['out/a/** linguist-generated=true', 'packages/docs/src/gen/** linguist-generated=true']);
    expect(turboOutputs(plugins)).toEqual(['$TURBO_ROOT$/out/a/**', '$TURBO_ROOT$/packages/docs/src/gen/**']);
  });
});

it("the README's worked example is the fixture plugin", () => {
  const readme = readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8');
  const fixture = readFileSync(new URL('./fixtures/plugins/event-names/index.ts', import.meta.url), 'utf8');
  const code = fixture.split('\n').slice(2).join('\n'); // without the fixture's own two comment lines
  expect(readme).toContain(`\`\`\`ts\n// tools/codegen/src/plugins/event-names/index.ts\n${code}\`\`\``);
});
