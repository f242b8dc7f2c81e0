// The generator's entry point: parse once, build the model, run every emitter.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCleanSpec } from '@customer-chat/spec-loader';
import { buildModel } from './model/build-model.js';
import { emitJsonSchemas, JSON_SCHEMAS_DIR } from './emitters/json-schemas.js';
import { emitModels, MODELS_FILE } from './emitters/models-file.js';
import { emitValidators, VALIDATORS_GEN_DIR } from './emitters/validators.js';
import { emitSdk, SDK_GEN_DIR } from './emitters/sdk.js';
import { emitServer, SERVER_GEN_DIR } from './emitters/server.js';
import { emitSdkTypeTests, SDK_TYPE_TESTS_DIR } from './emitters/sdk-type-tests.js';
import type { Emitter } from './emitters/emitter.js';
import type { OutputPlan } from './output.js';
import type { GeneratorInfo } from './printer/generated-file.js';
import type { ProtocolModel } from './model/types.js';

export type { ProtocolModel } from './model/types.js';
export { buildModel } from './model/build-model.js';
export { emittedEvents } from './emitters/sdk.js';

const packageJson = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { name: string; version: string };

/** The repository this generator lives in: tools/codegen/../.. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface Target {
  emit: Emitter;
  /** Directories (repository-relative) this emitter's files fill entirely. */
  owns: string[];
}

export const TARGETS: Record<string, Target> = {
  models: { emit: emitModels, owns: [] },
  'json-schemas': { emit: emitJsonSchemas, owns: [JSON_SCHEMAS_DIR] },
  validators: { emit: emitValidators, owns: [VALIDATORS_GEN_DIR] },
  sdk: { emit: emitSdk, owns: [SDK_GEN_DIR] },
  server: { emit: emitServer, owns: [SERVER_GEN_DIR] },
  'sdk-type-tests': { emit: emitSdkTypeTests, owns: [SDK_TYPE_TESTS_DIR] },
};

export function generatorInfo(model: Pick<ProtocolModel, 'source'>): GeneratorInfo {
  return { name: packageJson.name, version: packageJson.version, source: model.source };
}

/** Parses the document, builds the model and runs the emitters, in memory. */
export async function generate(specFile: string, root = REPOSITORY_ROOT, targets = Object.keys(TARGETS)): Promise<OutputPlan & { model: ProtocolModel }> {
  const spec = await loadCleanSpec(specFile);
  const model = buildModel(spec, root);
  const context = { generator: generatorInfo(model) };
  const plan: OutputPlan & { model: ProtocolModel } = { files: [], ownedDirectories: [], model };
  for (const name of targets) {
    const target = TARGETS[name];
    if (!target) throw new Error(`unknown target "${name}" (known: ${Object.keys(TARGETS).join(', ')})`);
    plan.files.push(...(await target.emit(model, context)));
    plan.ownedDirectories.push(...target.owns);
  }
  plan.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return plan;
}

export { MODELS_FILE };
