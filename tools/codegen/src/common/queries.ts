// Questions about the model that more than one plugin asks (plugins never import each other).
import { Ajv } from 'ajv';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import { pascalCase } from '../printer/generated-file.js';
import { payloadSchema } from './message-schemas.js';
import type { JsonSchema, MessageModel, ProtocolModel } from '@customer-chat/spec-model';

/** The client events and the pushes the SDK emits as they are (not those it turns into a client event). */
export function emittedEvents(model: ProtocolModel): MessageModel[] {
  return model.messages.filter((m) => m.kind === 'client' || (m.kind === 'push' && m.clientEvent === undefined));
}

/** The payload's schema with references to named schemas followed (a cycle of bare refs ends in undefined). */
function resolvedPayload(model: ProtocolModel, request: MessageModel): JsonSchema | undefined {
  const byName = new Map(model.schemas.map((s) => [s.name, s.schema]));
  const seen = new Set<string>();
  let name = request.payload?.ref;
  while (name !== undefined && !seen.has(name)) {
    seen.add(name);
    const schema = byName.get(name);
    const ref = schema?.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/definitions/')) return schema;
    name = ref.slice('#/definitions/'.length);
  }
  return undefined;
}

/**
 * Whether the method can be called without arguments, i.e. defaults them to `{}`: only when `{}`
 * is a valid payload. An empty `required` is not enough (`minProperties`, a union, a non-object
 * payload would make the default a value the server refuses or a type error), so ajv decides on
 * the very schema the validators check, and the payload must be an object type for `{}` to compile.
 */
export function requiresNoArguments(model: ProtocolModel, request: MessageModel): boolean {
  const schema = resolvedPayload(model, request);
  if (schema === undefined || schema.type !== 'object') return false;
  // Formats cannot reject an empty object; strict off: annotations such as `examples` are not ajv's business.
  const ajv = new Ajv({ strict: false, validateFormats: false });
  return ajv.validate(payloadSchema(model, request), {});
}

/** Names of the generated TypeScript declarations for a message. */
export function messageTypeNames(message: MessageModel) {
  const base = pascalCase(message.name);
  return { payload: base, frame: `${base}Frame`, validate: `validate${base}`, validateFrame: `validate${base}Frame`, is: `is${base}`, isFrame: `is${base}Frame`, assert: `assert${base}` };
}

/**
 * The pointer of the spec construct a generated name comes from, for a plugin's refusal: the
 * schema of that name, the message or operation it is made from, else the document itself.
 */
export function pointerOfName(model: Pick<ProtocolModel, 'schemas' | 'messages' | 'requests'>, name: string): string {
  const schema = model.schemas.find((s) => s.name === name);
  if (schema !== undefined) return schema.pointer;
  const message = model.messages.find((m) => Object.values(messageTypeNames(m)).includes(name));
  if (message !== undefined) return message.pointer;
  const request = model.requests.find((r) => r.id === name);
  return request === undefined ? '' : appendPointer('/operations', request.id);
}
