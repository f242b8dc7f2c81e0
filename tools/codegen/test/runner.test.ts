// The runner: plugin order from `dependsOn`, the model view limited to `reads`, output paths under
// each plugin's folder, and the wiring derived from the declarations (including the README's
// worked example, which must be the fixture plugin below, character for character).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, definePlugin, generatorInfo, gitattributesLines, ownedDirectories, outputDirectories, plugins as registered, REPOSITORY_ROOT, selectPlugins, turboOutputs, type Plugin } from '../src/index.js';
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

// Output folders and file paths are joined as strings: unchecked, `.` would own (and clear) the whole
// repository, `out/a/` write out/a//x but remove out/a/x as a stray, `../x` write outside the root, and
// a path made twice fail half-way through the renames. All are refused before anything is written.
describe('output paths', () => {
  const at = (dir: string, owns = true) => ({ output: { dir, owns } });
  const emitting = (name: string, dir: string, paths: string[], extra: Partial<Plugin> = {}) =>
    plugin(name, [], { ...at(dir), emit: () => paths.map((path) => ({ path, content: `${path}\n` })), ...extra });

  it('refuses an output folder that is empty, ".", absolute, outside the root or spelt with backslashes, naming the plugin', async () => {
    for (const [dir, problem] of [
      ['.', 'is empty or "."'],
      ['', 'is empty or "."'],
      ['out/..', 'is empty or "."'],
      ['/tmp/out', 'is absolute'],
      ['../out', 'climbs out with ".."'],
      ['out/../../x', 'climbs out with ".."'],
      ['out\\a', 'contains a backslash'],
    ]) {
      const wide = emitting('wide', dir!, ['gen.txt']);
      const message = `plugin "wide": output.dir "${dir}" ${problem}`;
      await expect(runPlugins(model, context, [wide]), dir).rejects.toThrow(message);
      expect(() => selectPlugins([wide]), dir).toThrow(message);
      expect(() => outputDirectories([wide]), dir).toThrow(message);
    }
  });

  it('normalises a folder spelt with a trailing slash or "." segments, everywhere it is used', async () => {
    for (const dir of ['out/a/', 'out//a', './out/a', 'out/./a/']) {
      const slash = emitting('slash', dir, ['names.txt']);
      const plan = await runPlugins(model, context, [slash]);
      expect(plan, dir).toEqual({ files: [{ path: 'out/a/names.txt', content: 'names.txt\n' }], ownedDirectories: ['out/a'] });
      expect(gitattributesLines([slash]), dir).toEqual(['out/a/** linguist-generated=true']);
    }
  });

  it('normalises file paths, and refuses one that leaves the folder, is absolute or empty, naming the plugin and the path', async () => {
    const plan = await runPlugins(model, context, [emitting('p', 'out/p', ['sub/../x.txt', 'a//b.txt', './c.txt'])]);
    expect(plan.files.map((f) => f.path)).toEqual(['out/p/a/b.txt', 'out/p/c.txt', 'out/p/x.txt']);
    await expect(runPlugins(model, context, [emitting('escape', 'out/a', ['ok.txt', '../../../escaped.txt', '/etc/x', '', '.'])])).rejects.toThrow(
      [
        'plugin "escape" emits "../../../escaped.txt", which climbs out with ".." (it must name a file inside out/a)',
        'plugin "escape" emits "/etc/x", which is absolute (it must name a file inside out/a)',
        'plugin "escape" emits "", which is empty or "." (it must name a file inside out/a)',
        'plugin "escape" emits ".", which is empty or "." (it must name a file inside out/a)',
      ].join('; '),
    );
    // Inside the root but outside the plugin's folder: out of what it owns and of .gitattributes.
    await expect(runPlugins(model, context, [emitting('sideways', 'out/a', ['../b/x.txt'])])).rejects.toThrow('plugin "sideways" emits "../b/x.txt", which climbs out with ".."');
  });

  it('refuses a path made twice, by one plugin or two, however it is spelt', async () => {
    await expect(runPlugins(model, context, [emitting('dup', 'out/a', ['same.txt', './same.txt'])])).rejects.toThrow('plugin "dup" emits out/a/same.txt twice');
    const owner = emitting('owner', 'out/a', ['x.txt'], { dependsOn: ['adder'] });
    const adder = emitting('adder', 'out/a/', ['x.txt'], at('out/a', false));
    await expect(runPlugins(model, context, [adder, owner])).rejects.toThrow('plugins "adder" and "owner" both emit out/a/x.txt');
  });

  it('refuses a path that another path needs as a folder', async () => {
    await expect(runPlugins(model, context, [emitting('p', 'out/a', ['x', 'x/y.txt'])])).rejects.toThrow('plugin "p" emits out/a/x as a file, but plugin "p" emits out/a/x/y.txt inside it');
  });

  it('refuses an owned folder that overlaps another plugin folder, among every registered plugin', async () => {
    const cases: Array<[Plugin[], string]> = [
      [[emitting('a', 'out/a', []), emitting('b', 'out/a/', [])], 'plugins "a" and "b" both own out/a'],
      [[emitting('a', 'out', []), emitting('b', 'out/b', [])], 'plugin "a" owns out and plugin "b" owns out/b, inside it'],
      [[emitting('a', 'out/a', []), emitting('b', 'out', [], at('out', false))], 'plugin "a" owns out/a, but plugin "b", not one of its dependencies, writes into out (around it)'],
      [[emitting('a', 'out/a', []), emitting('b', 'out/a/b', [], at('out/a/b', false))], 'plugin "a" owns out/a, but plugin "b", not one of its dependencies, writes into out/a/b (inside it)'],
      // The dependency the other way round does not help: generating "a" alone would remove b's files.
      [[emitting('a', 'out/a', []), emitting('b', 'out/a', [], { ...at('out/a', false), dependsOn: ['a'] })], 'plugin "a" owns out/a, but plugin "b", not one of its dependencies, writes into out/a (the same folder)'],
    ];
    for (const [pair, message] of cases) {
      await expect(runPlugins(model, context, pair), message).rejects.toThrow(message);
      // Even when only one of them is selected: the other's files are on disk all the same.
      expect(() => selectPlugins(pair, ['a']), message).toThrow(message);
    }
    // Not owned folders may overlap, and an owner may share its folder with the plugins it depends on
    // (they always run with it): how the validators, models and guards plugins are declared.
    const models = emitting('models', 'v/gen', ['m.ts'], at('v/gen', false));
    const guards = emitting('guards', 'v/gen/guards', ['g.ts'], { ...at('v/gen/guards', false), dependsOn: ['models'] });
    const validators = emitting('validators', 'v/gen', ['v.ts'], { dependsOn: ['guards'] });
    expect(selectPlugins([validators, guards, models], ['validators']).map((p) => p.name)).toEqual(['models', 'guards', 'validators']);
    expect((await runPlugins(model, context, [models, guards, validators])).files.map((f) => f.path)).toEqual(['v/gen/guards/g.ts', 'v/gen/m.ts', 'v/gen/v.ts']);
  });

  it('accepts the registered plugins, whose folders are in normal form already', () => {
    expect(selectPlugins(registered).length).toBe(registered.length);
    for (const p of registered) expect(outputDirectories([p]), p.name).toEqual([p.output.dir]);
  });
});

it("the README's worked example is the fixture plugin", () => {
  const readme = readFileSync(join(REPOSITORY_ROOT, 'README.md'), 'utf8');
  const fixture = readFileSync(new URL('./fixtures/plugins/event-names/index.ts', import.meta.url), 'utf8');
  const code = fixture.split('\n').slice(2).join('\n'); // without the fixture's own two comment lines
  expect(readme).toContain(`\`\`\`ts\n// tools/codegen/src/plugins/event-names/index.ts\n${code}\`\`\``);
});
