// Emits the TypeScript models (one declaration per named schema, made by modelina in models.ts)
// into one file, each with a JSDoc pointing back to its schema in the spec.
import { GeneratedFile } from '../../printer/generated-file.js';
import { schemaDocsLink } from '@customer-chat/spec-model';
import { definePlugin } from '../../plugin.js';
import { generateModelDeclarations } from './render.js';

export const modelsPlugin = definePlugin({
  name: 'models',
  description: 'TypeScript models of every named schema (components.schemas), made with @asyncapi/modelina.',
  // A file in the validators' folder: the validators import it, so it belongs to their package.
  output: { dir: 'packages/validators/src/gen', owns: false },
  reads: ['schemas', 'discriminators', 'info', 'source'],
  dependsOn: [],
  async emit(model, context) {
    const declarations = await generateModelDeclarations(model.schemas, model.discriminators);
    const file = new GeneratedFile('models.ts', context.generator, ['TypeScript models of every named schema, made with @asyncapi/modelina.']);
    for (const declaration of declarations) {
      file.blank();
      file.jsDoc(declaration.description, `@see ${schemaDocsLink(model, declaration.name)}`);
      for (const line of declaration.code.trimEnd().split('\n')) file.print(line);
    }
    return [{ path: file.path, content: file.toString() }];
  },
});
