// @customer-chat/spec-model: the one reader of the AsyncAPI document's meaning. The generator, the
// docs, spec-diff and the tests read this model, never the document.
export type * from './types.js';
export { buildModel, type BuildModelOptions, type OptionalModelPart, type ParsedSpec } from './build-model.js';
export { loadModel, REPOSITORY_ROOT, SPEC_FILE } from './repository.js';
export { emittedEvents, messageByName, schemaByName } from './queries.js';
export { messageDocsLink, operationDocsLink, schemaDocsLink } from './docs-links.js';
export { definitionName, definitionRef } from './references.js';
export { pascalCase } from './naming.js';
export { MODEL_PROBLEM_CODE } from './problems.js';
// The JSON pointer and schema traversal every reader shares (they live in spec-loader, which needs them too).
export * from '@customer-chat/spec-loader/json-pointer';
export * from '@customer-chat/spec-loader/schema-traversal';
