// Emits plain JSON Schema (draft-07) files for services in other languages: one per message
// payload, one per wire frame, and one bundle holding every named schema, payload and frame.
import { headerLines } from '../../printer/generated-file.js';
import { definePlugin, type EmitContext, type PluginFile } from '../../plugin.js';
import { bundleSchema, frameSchema, payloadSchema } from '../../common/message-schemas.js';

function json(context: EmitContext, document: Record<string, unknown>): string {
  // JSON has no comments: the generated-file header goes in `$comment`, the first key.
  return `${JSON.stringify({ $comment: headerLines(context.generator).join(' '), ...document }, null, 2)}\n`;
}

export const jsonSchemasPlugin = definePlugin({
  name: 'json-schemas',
  description: 'Plain JSON Schema files: one per message payload, one per wire frame, one bundle (messages, schemas, frame headers).',
  output: { dir: 'packages/validators/schemas', owns: true },
  reads: ['messages', 'schemas', 'discriminators', 'frameConstants', 'correlationField', 'info'],
  dependsOn: [],
  emit(model, context) {
    const files: PluginFile[] = [];
    for (const message of model.messages) {
      files.push({ path: `${message.name}.json`, content: json(context, payloadSchema(model, message)) });
      const frame = frameSchema(model, message);
      if (frame) files.push({ path: `frames/${message.name}.json`, content: json(context, frame) });
    }
    files.push({ path: 'bundle.json', content: json(context, bundleSchema(model)) });
    return files;
  },
});
