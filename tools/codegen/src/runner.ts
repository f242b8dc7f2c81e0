// Runs the registered plugins and derives, from their declarations alone, everything else that
// names generated files: the folders `generate --check` compares, the .gitattributes lines and
// turbo's outputs of the generate task (tests hold those files to what is derived here).
import type { OutputPlan } from './output.js';
import type { EmitContext, OutputFile, Plugin } from './plugin.js';
import type { ProtocolModel } from '@customer-chat/spec-model';

/** The named plugins and the plugins they depend on, dependencies first; all of them by default. */
export function selectPlugins(registered: readonly Plugin[], names: readonly string[] = registered.map((p) => p.name)): Plugin[] {
  const byName = new Map<string, Plugin>();
  for (const plugin of registered) {
    if (byName.has(plugin.name)) throw new Error(`two plugins are named "${plugin.name}"`);
    byName.set(plugin.name, plugin);
  }
  const ordered: Plugin[] = [];
  const visiting = new Set<string>();
  const visit = (name: string, from: string | undefined): void => {
    const plugin = byName.get(name);
    if (plugin === undefined) {
      throw new Error(from === undefined ? `unknown plugin "${name}" (known: ${[...byName.keys()].join(', ')})` : `plugin "${from}" depends on unknown plugin "${name}"`);
    }
    if (ordered.includes(plugin)) return;
    if (visiting.has(name)) throw new Error(`plugins depend on each other in a cycle through "${name}"`);
    visiting.add(name);
    for (const dependency of plugin.dependsOn) visit(dependency, name);
    visiting.delete(name);
    ordered.push(plugin);
  };
  for (const name of names) visit(name, undefined);
  return ordered;
}

/** Folders whose every file is generated: `generate` removes strays there, `--check` reports them. */
export function ownedDirectories(plugins: readonly Plugin[]): string[] {
  return unique(plugins.filter((p) => p.output.owns).map((p) => p.output.dir));
}

/** Every folder a plugin writes into. */
export function outputDirectories(plugins: readonly Plugin[]): string[] {
  return unique(plugins.map((p) => p.output.dir));
}

/** The .gitattributes lines that mark generated files as such. */
export function gitattributesLines(plugins: readonly Plugin[]): string[] {
  return outputDirectories(plugins).map((dir) => `${dir}/** linguist-generated=true`);
}

/** The `outputs` of turbo's generate task (which runs in tools/codegen). */
export function turboOutputs(plugins: readonly Plugin[]): string[] {
  return outputDirectories(plugins).map((dir) => `$TURBO_ROOT$/${dir}/**`);
}

/**
 * The model as a plugin may see it: only the parts it declares. Reading any other part throws, so a
 * plugin's `reads` cannot silently fall behind what it uses.
 */
function declaredView(model: ProtocolModel, plugin: Plugin): ProtocolModel {
  for (const part of plugin.reads) if (!(part in model)) throw new Error(`plugin "${plugin.name}" reads model.${part}, which the model does not have`);
  const allowed = new Set<PropertyKey>(plugin.reads);
  return new Proxy(model, {
    get(target, property, receiver) {
      if (typeof property === 'string' && property in target && !allowed.has(property)) {
        throw new Error(`plugin "${plugin.name}" reads model.${property} but does not declare it in \`reads\``);
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/** Runs the plugins in order, in memory; paths come back relative to the repository root. */
export async function runPlugins(model: ProtocolModel, context: EmitContext, plugins: readonly Plugin[]): Promise<OutputPlan> {
  const files: OutputFile[] = [];
  for (const plugin of plugins) {
    for (const file of await plugin.emit(declaredView(model, plugin), context)) {
      files.push({ path: `${plugin.output.dir}/${file.path}`, content: file.content });
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, ownedDirectories: ownedDirectories(plugins) };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
