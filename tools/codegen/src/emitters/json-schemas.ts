// Emits plain JSON Schema (draft-07) files for services in other languages: one per message
// payload, one per wire frame, and one bundle holding every named schema, payload and frame.
import { headerLines } from '../printer/generated-file.js';
import { bundleSchema, frameSchema, payloadSchema } from './message-schemas.js';
import type { Emitter, EmitContext, OutputFile } from './emitter.js';

export const JSON_SCHEMAS_DIR = 'packages/validators/schemas';

function json(context: EmitContext, document: Record<string, unknown>): string {
  // JSON has no comments: the generated-file header goes in `$comment`, the first key.
  return `${JSON.stringify({ $comment: headerLines(context.generator).join(' '), ...document }, null, 2)}\n`;
}

export const emitJsonSchemas: Emitter = (model, context) => {
  const files: OutputFile[] = [];
  for (const message of model.messages) {
    files.push({ path: `${JSON_SCHEMAS_DIR}/${message.name}.json`, content: json(context, payloadSchema(model, message)) });
    const frame = frameSchema(model, message);
    if (frame) files.push({ path: `${JSON_SCHEMAS_DIR}/frames/${message.name}.json`, content: json(context, frame) });
  }
  files.push({ path: `${JSON_SCHEMAS_DIR}/bundle.json`, content: json(context, bundleSchema(model)) });
  return files;
};
