// Reads where an error response carries the server's error, from the error message's payload: its
// one required property (`error`), and in that property's object the field typed by the error
// catalogue (`type: ErrorType`) and the required string explaining it (`message`). The generated
// server encodes and the generated client reads errors through these, so neither writes the shape.
import { isSchemaObject } from '@customer-chat/spec-loader/schema-traversal';
import { definitionName } from './references.js';
import type { ErrorShape, JsonSchema, MessageModel, NamedSchema } from './types.js';

/** The shape, or undefined when the error payload is not `{ <property>: { <type>, <message> } }`. */
export function readErrorShape(messages: readonly MessageModel[], schemas: readonly NamedSchema[], errorTypeSchema: string): ErrorShape | undefined {
  const byName = new Map(schemas.map((s) => [s.name, s.schema]));
  const resolve = (schema: JsonSchema | undefined): JsonSchema | undefined => {
    const name = definitionName(schema?.$ref);
    return name === undefined ? schema : byName.get(name);
  };
  const propertiesOf = (schema: JsonSchema | undefined) => (isSchemaObject(schema?.properties) ? (schema.properties as Record<string, JsonSchema>) : {});
  const requiredOf = (schema: JsonSchema | undefined) => (Array.isArray(schema?.required) ? (schema.required as string[]) : []);

  const errorMessage = messages.find((m) => m.kind === 'error');
  const payloadSchema = errorMessage?.payload?.ref;
  const payload = payloadSchema === undefined ? undefined : byName.get(payloadSchema);
  const [property, ...others] = requiredOf(payload);
  if (payloadSchema === undefined || property === undefined || others.length > 0) return undefined;
  const error = resolve(propertiesOf(payload)[property]);
  const fields = propertiesOf(error);
  const typeField = requiredOf(error).find((name) => definitionName(fields[name]?.$ref) === errorTypeSchema);
  const messageField = requiredOf(error).find((name) => fields[name]?.type === 'string');
  if (typeField === undefined || messageField === undefined) return undefined;
  return { payloadSchema, property, typeField, messageField };
}
