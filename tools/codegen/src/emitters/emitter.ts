// What every emitter gets and gives: the model in, generated files (repository-relative paths) out.
import type { GeneratorInfo } from '../printer/generated-file.js';
import type { ProtocolModel } from '../model/types.js';

export interface OutputFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  content: string;
}

export interface EmitContext {
  generator: GeneratorInfo;
}

export type Emitter = (model: ProtocolModel, context: EmitContext) => OutputFile[] | Promise<OutputFile[]>;
