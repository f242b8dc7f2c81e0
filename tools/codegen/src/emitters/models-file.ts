// Emits the TypeScript models (one declaration per named schema, made by modelina in models.ts)
// into one file, each with a JSDoc pointing back to its schema in the spec.
import { GeneratedFile } from '../printer/generated-file.js';
import { schemaDocsLink } from '../model/docs-links.js';
import { generateModelDeclarations } from './models.js';
import type { Emitter } from './emitter.js';

export const MODELS_FILE = 'packages/validators/src/gen/models.ts';

export const emitModels: Emitter = async (model, context) => {
  const declarations = await generateModelDeclarations(model.schemas, model.discriminators);
  const file = new GeneratedFile(MODELS_FILE, context.generator, ['TypeScript models of every named schema, made with @asyncapi/modelina.']);
  for (const declaration of declarations) {
    file.blank();
    file.jsDoc(declaration.description, `@see ${schemaDocsLink(model, declaration.name)}`);
    for (const line of declaration.code.trimEnd().split('\n')) file.print(line);
  }
  return [{ path: file.path, content: file.toString() }];
};
