// A plugin makes one artifact from the model. It declares where its files go, which parts of the
// model it reads and which plugins' output its own builds on; the runner derives everything else
// (what runs, the folders `generate --check` compares, .gitattributes, turbo's outputs).
import type { GeneratorInfo } from './printer/generated-file.js';
import type { OptionalModelPart, ProtocolModel } from '@customer-chat/spec-model';

export interface OutputFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  content: string;
}

export interface EmitContext {
  generator: GeneratorInfo;
}

/** A file as a plugin makes it: its path relative to the plugin's output folder. */
export interface PluginFile {
  /** Inside the folder (`..` may not lead out of it), with forward slashes, each path once. */
  path: string;
  content: string;
}

export interface PluginOutput {
  /** Repository-relative folder the plugin writes into, below the root (not `.`), with forward slashes. */
  dir: string;
  /**
   * Whether every file of the folder is this plugin's: then a file it no longer makes is removed
   * (or reported by `--check`). A plugin that adds files to another plugin's folder owns nothing,
   * and the owner depends on it; no other plugin's folder may overlap an owned one.
   */
  owns: boolean;
}

export interface Plugin {
  /** Names the artifact (`--target <name>`). */
  name: string;
  /** One line: what it makes, from which part of AsyncAPI 3. */
  description: string;
  output: PluginOutput;
  /** The parts of the model it reads. */
  reads: ReadonlyArray<keyof ProtocolModel>;
  /**
   * Parts the document may leave out but this plugin cannot do without (`lifecycle`: x-client-lifecycle);
   * a document without them fails with a located problem before any plugin runs.
   */
  requires?: ReadonlyArray<OptionalModelPart>;
  /** Plugins whose files this plugin's files import; they are generated with it. */
  dependsOn: readonly string[];
  emit(model: ProtocolModel, context: EmitContext): PluginFile[] | Promise<PluginFile[]>;
}

/** A construct of the spec a plugin cannot emit, at a JSON pointer of the document. */
export interface PluginProblem {
  pointer: string;
  message: string;
}

/**
 * What a plugin throws when the spec has constructs it cannot emit: the generator locates each
 * pointer in the document (file:line:column) and reports them with the model's problems.
 */
export class PluginProblems extends Error {
  constructor(
    readonly plugin: string,
    readonly problems: readonly PluginProblem[],
  ) {
    super(`${plugin}: ${problems.map((p) => `${p.pointer}: ${p.message}`).join('; ')}`);
    this.name = 'PluginProblems';
  }
}

/** Identity, for type inference and a single place to read what a plugin is. */
export function definePlugin(plugin: Plugin): Plugin {
  return plugin;
}
