// Every text of the spec the pages show as Markdown is read before any page is built, so that a
// description the pages cannot take (a link to a `javascript:` URL, a malformed table) stops the
// build naming its place in the document (file#pointer), not only the text at fault.
import { appendPointer } from '@customer-chat/spec-model';
import { parseMarkdown } from './spec-markdown.js';
import type { JsonSchema, ProtocolModel } from './spec-model.js';

export class InvalidDescriptionError extends Error {
  constructor(readonly problems: string[]) {
    super(`the spec has ${problems.length} description${problems.length === 1 ? '' : 's'} the documentation cannot show:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'InvalidDescriptionError';
  }
}

/** Keywords whose values are data, not schemas: a `description` key inside them is no description. */
const DATA_KEYWORDS = new Set(['examples', 'example', 'const', 'enum', 'default']);
/** Keywords whose values map names to schemas (a property may be named `description`). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);

/** The texts of a schema and its subschemas, each with its pointer under `at`. */
function schemaTexts(schema: unknown, at: string, out: Array<{ at: string; text: string }>, isMap = false): void {
  if (typeof schema !== 'object' || schema === null) return;
  for (const [key, value] of Object.entries(schema as JsonSchema)) {
    const here = appendPointer(at, Array.isArray(schema) ? Number(key) : key);
    if (!isMap && (key === 'description' || key === 'summary') && typeof value === 'string') out.push({ at: here, text: value });
    else if (isMap || !DATA_KEYWORDS.has(key)) schemaTexts(value, here, out, !isMap && SCHEMA_MAPS.has(key));
  }
}

/** Every description and summary of the model, each with where it is in the document. */
function describedTexts(model: ProtocolModel): Array<{ at: string; text: string }> {
  const out: Array<{ at: string; text: string }> = [];
  const add = (at: string, text: string | undefined) => {
    if (text !== undefined) out.push({ at, text });
  };
  add('/info/description', model.info.description);
  for (const named of model.schemas) {
    add(appendPointer(named.pointer, 'description'), named.description);
    schemaTexts(named.schema, named.pointer, out);
  }
  for (const message of model.messages) {
    add(appendPointer(message.pointer, 'summary'), message.summary);
    add(appendPointer(message.pointer, 'description'), message.description);
  }
  for (const request of model.requests) {
    add(appendPointer('/operations', request.id, 'summary'), request.summary);
    add(appendPointer('/operations', request.id, 'description'), request.description);
  }
  // The catalogues' values are described in their schema's `x-enum-descriptions`.
  const catalogues: Array<[string, Array<{ value: string; description: string }>]> = [
    [model.catalogueSchemas.errorType, model.errorTypes],
    [model.catalogueSchemas.clientErrorCode, model.clientErrorCodes],
    [model.catalogueSchemas.disconnectionReason, model.disconnectionReasons],
  ];
  for (const [name, entries] of catalogues) {
    const pointer = model.schemas.find((s) => s.name === name)?.pointer ?? appendPointer('/components/schemas', name);
    for (const entry of entries) add(appendPointer(pointer, 'x-enum-descriptions', entry.value), entry.description);
  }
  for (const server of model.servers) {
    add(appendPointer('/servers', server.name, 'description'), server.description);
    for (const variable of server.variables) add(appendPointer('/servers', server.name, 'variables', variable.name, 'description'), variable.description);
  }
  // The model does not keep the channel's key: the pointer names it by its address.
  for (const q of model.channel.query) add(`/channels/(the channel at ${model.channel.address})/bindings/ws/query/properties/${q.name}/description`, q.description);
  for (const operation of model.http) {
    add(appendPointer(operation.pointer, 'summary'), operation.summary);
    add(appendPointer(operation.pointer, 'description'), operation.description);
    for (const q of operation.query) add(appendPointer(operation.pointer, 'query', q.name, 'description'), q.description);
    for (const s of operation.errors.statuses) add(appendPointer(operation.pointer, 'errors', 'statuses', String(s.status)), s.description);
  }
  return out;
}

/** Throws an InvalidDescriptionError naming every description the pages could not show, by its pointer. */
export function checkDescriptions(model: ProtocolModel): void {
  const problems: string[] = [];
  for (const { at, text } of describedTexts(model)) {
    try {
      parseMarkdown(text);
    } catch (error) {
      problems.push(`${model.source}#${at}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length > 0) throw new InvalidDescriptionError(problems);
}
