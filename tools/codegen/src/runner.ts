// Runs the registered plugins and derives, from their declarations alone, everything else that
// names generated files: the folders `generate --check` compares, the .gitattributes lines and
// turbo's outputs of the generate task (tests hold those files to what is derived here).
import { normalPath, type OutputPlan } from './output.js';
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
  // Over every registered plugin, not only the selected ones: a plugin left out of this run still
  // has files in the folders the selected ones own.
  checkOutputFolders(registered);
  for (const name of names) visit(name, undefined);
  return ordered;
}

/** The plugin's output folder in normal form; a folder that is not one below the repository root is refused. */
export function outputDirectory(plugin: Plugin): string {
  const dir = normalPath(plugin.output.dir);
  if (typeof dir !== 'string') throw new Error(`plugin "${plugin.name}": output.dir "${plugin.output.dir}" ${dir.problem} (it must name a folder below the repository root)`);
  return dir;
}

/** The names of the plugins `plugin` depends on, directly or not (among `plugins`). */
function dependencies(plugin: Plugin, plugins: readonly Plugin[]): Set<string> {
  const found = new Set<string>();
  const visit = (p: Plugin): void => {
    for (const name of p.dependsOn) {
      const dependency = plugins.find((q) => q.name === name);
      if (found.has(name) || dependency === undefined) continue;
      found.add(name);
      visit(dependency);
    }
  };
  visit(plugin);
  return found;
}

/**
 * Refuses an owned folder that overlaps another plugin's folder (the same, inside or around it),
 * since generating would remove the other plugin's files as strays. The one exception is a folder
 * of a plugin the owner depends on and owns nothing (the models and guards writing into the
 * validators' folder): it always runs with the owner, so its files are always in the plan.
 */
export function checkOutputFolders(plugins: readonly Plugin[]): void {
  const dirs = plugins.map((plugin) => ({ plugin, dir: outputDirectory(plugin) }));
  const problems: string[] = [];
  for (const [i, owner] of dirs.entries()) {
    if (!owner.plugin.output.owns) continue;
    const allowed = dependencies(owner.plugin, plugins);
    for (const [j, other] of dirs.entries()) {
      const overlaps = i !== j && (other.dir === owner.dir || other.dir.startsWith(`${owner.dir}/`) || owner.dir.startsWith(`${other.dir}/`));
      if (!overlaps || (other.plugin.output.owns && j < i) || (!other.plugin.output.owns && allowed.has(other.plugin.name))) continue;
      const where = other.dir === owner.dir ? 'the same folder' : owner.dir.startsWith(`${other.dir}/`) ? 'around it' : 'inside it';
      problems.push(
        other.plugin.output.owns
          ? where === 'the same folder'
            ? `plugins "${owner.plugin.name}" and "${other.plugin.name}" both own ${owner.dir}`
            : `plugin "${owner.plugin.name}" owns ${owner.dir} and plugin "${other.plugin.name}" owns ${other.dir}, ${where}`
          : `plugin "${owner.plugin.name}" owns ${owner.dir}, but plugin "${other.plugin.name}", not one of its dependencies, writes into ${other.dir} (${where}): generating one without the other would remove the other's files as strays`,
      );
    }
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
}

/** Folders whose every file is generated: `generate` removes strays there, `--check` reports them. */
export function ownedDirectories(plugins: readonly Plugin[]): string[] {
  return unique(plugins.filter((p) => p.output.owns).map(outputDirectory));
}

/** Every folder a plugin writes into. */
export function outputDirectories(plugins: readonly Plugin[]): string[] {
  return unique(plugins.map(outputDirectory));
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

/**
 * Runs the plugins in order, in memory; paths come back relative to the repository root, each once.
 * A path that leaves its plugin's folder, or is made twice (one file would be written twice, and
 * its temporary renamed twice), or is a folder of another path, is refused before anything is written.
 */
export async function runPlugins(model: ProtocolModel, context: EmitContext, plugins: readonly Plugin[]): Promise<OutputPlan> {
  checkOutputFolders(plugins);
  const files: OutputFile[] = [];
  const madeBy = new Map<string, string>();
  const problems: string[] = [];
  for (const plugin of plugins) {
    const dir = outputDirectory(plugin);
    for (const file of await plugin.emit(declaredView(model, plugin), context)) {
      const path = normalPath(file.path);
      if (typeof path !== 'string') {
        problems.push(`plugin "${plugin.name}" emits "${file.path}", which ${path.problem} (it must name a file inside ${dir})`);
        continue;
      }
      const full = `${dir}/${path}`;
      const other = madeBy.get(full);
      if (other !== undefined) problems.push(other === plugin.name ? `plugin "${plugin.name}" emits ${full} twice` : `plugins "${other}" and "${plugin.name}" both emit ${full}`);
      madeBy.set(full, plugin.name);
      files.push({ path: full, content: file.content });
    }
  }
  for (const [path, plugin] of madeBy) {
    const parts = path.split('/');
    for (let n = 1; n < parts.length; n++) {
      const folder = parts.slice(0, n).join('/');
      const other = madeBy.get(folder);
      if (other !== undefined) problems.push(`plugin "${other}" emits ${folder} as a file, but plugin "${plugin}" emits ${path} inside it`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, ownedDirectories: ownedDirectories(plugins) };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
