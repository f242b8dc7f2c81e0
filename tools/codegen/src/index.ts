// The generator's entry point: parse once, build the model, run the registered plugins.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCleanSpec, SpecError } from '@customer-chat/spec-loader';
import { buildModel, MODEL_PROBLEM_CODE } from '@customer-chat/spec-model';
import { PluginProblems } from './plugin.js';
import { plugins } from './plugins/index.js';
import { runPlugins, selectPlugins } from './runner.js';
import type { OutputPlan } from './output.js';
import type { GeneratorInfo } from './printer/generated-file.js';
import type { LoadedSpec } from '@customer-chat/spec-loader';
import type { BuildModelOptions, OptionalModelPart, ProtocolModel } from '@customer-chat/spec-model';
import type { Plugin } from './plugin.js';

export type { ProtocolModel } from '@customer-chat/spec-model';
export type { Plugin, PluginFile, PluginOutput, PluginProblem } from './plugin.js';
export { definePlugin, PluginProblems } from './plugin.js';
export { buildModel } from '@customer-chat/spec-model';
export { emittedEvents } from './common/queries.js';
export { plugins } from './plugins/index.js';
export { gitattributesLines, ownedDirectories, outputDirectories, selectPlugins, turboOutputs } from './runner.js';

const packageJson = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { name: string; version: string };

/** The repository this generator lives in: tools/codegen/../.. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export function generatorInfo(model: Pick<ProtocolModel, 'source'>): GeneratorInfo {
  return { name: packageJson.name, version: packageJson.version, source: model.source };
}

/** The optional parts of the model the plugins need, each with the plugins that need it. */
export function requiredParts(selected: readonly Plugin[]): NonNullable<BuildModelOptions['require']> {
  const require: Partial<Record<OptionalModelPart, string[]>> = {};
  for (const plugin of selected) for (const part of plugin.requires ?? []) (require[part] ??= []).push(`the ${plugin.name} plugin`);
  return require;
}

/** Parses the document, builds the model and runs the plugins (all, or the named ones and their dependencies), in memory. */
export async function generate(specFile: string, root = REPOSITORY_ROOT, targets?: readonly string[]): Promise<OutputPlan & { model: ProtocolModel }> {
  const selected = selectPlugins(plugins, targets);
  const spec = await loadCleanSpec(specFile);
  const model = buildModel(spec, root, { require: requiredParts(selected) });
  try {
    return { ...(await runPlugins(model, { generator: generatorInfo(model) }, selected)), model };
  } catch (error) {
    if (!(error instanceof PluginProblems)) throw error;
    throw locatedPluginProblems(error, spec);
  }
}

/**
 * A plugin's problems located like the model's own, so they read as `file:line:column ... at /pointer`.
 * Each is located on its own: a pointer the plugin got wrong (locate throws on it) is placed at the
 * document's first line and said to be malformed, rather than hiding the plugin's other problems.
 */
export function locatedPluginProblems(error: PluginProblems, spec: Pick<LoadedSpec, 'file' | 'locate'>): SpecError {
  return new SpecError(
    error.problems.map(({ pointer, message }) => {
      let at: { line: number; column: number } | undefined;
      try {
        at = spec.locate(pointer);
      } catch {
        at = undefined;
      }
      const text = `${error.plugin}: ${message}${at === undefined ? ` (the plugin gave a malformed JSON pointer, "${pointer}")` : ''}`;
      return { severity: 'error', code: MODEL_PROBLEM_CODE, message: text, file: spec.file, pointer, ...(at ?? { line: 1, column: 1 }) };
    }),
  );
}
