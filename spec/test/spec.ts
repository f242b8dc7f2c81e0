// Test helper: the real document, loaded once per test file: as the parser reads it (problems,
// the parsed document, and the document as written for ajv) and as its intermediate model.
import { fileURLToPath } from 'node:url';
import { loadSpec } from '@customer-chat/spec-loader';
import { buildModel, REPOSITORY_ROOT } from '@customer-chat/spec-model';

export const SPEC_FILE = fileURLToPath(new URL('../asyncapi.yaml', import.meta.url));
export const spec = await loadSpec(SPEC_FILE);
if (!spec.document) throw new Error(`spec/asyncapi.yaml does not parse:\n${JSON.stringify(spec.problems, null, 2)}`);
export const document = spec.document;
export const model = buildModel({ ...spec, document }, REPOSITORY_ROOT);
/** The document as written (references kept): what ajv compiles the examples' schemas from. */
export const raw = spec.raw as { components: Record<string, unknown> };
