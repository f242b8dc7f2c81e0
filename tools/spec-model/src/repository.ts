// The repository this package lives in and its spec: what most readers of the model load.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCleanSpec } from '@customer-chat/spec-loader';
import { buildModel } from './build-model.js';
import type { ProtocolModel } from './types.js';

/** The repository root: tools/spec-model/../.. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** spec/asyncapi.yaml, the source of truth. */
export const SPEC_FILE = join(REPOSITORY_ROOT, 'spec', 'asyncapi.yaml');

/** Loads a document (the repository's spec by default), insisting that it is clean, and builds its model. */
export async function loadModel(specFile = SPEC_FILE, repositoryRoot = REPOSITORY_ROOT): Promise<ProtocolModel> {
  return buildModel(await loadCleanSpec(specFile), repositoryRoot);
}
