// Self-contained JSON Schemas (draft-07) for one message: its payload, and its whole frame (the
// headers' fields plus `payload`, with `action` pinned to the message's action). Shared by the
// JSON Schema emitter and the validators emitter so both check exactly the same thing.
import { definitionName, mapSchemas, visitSchemas, type JsonSchema, type MessageModel, type ProtocolModel } from '@customer-chat/spec-model';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** Removes AsyncAPI-only keywords (`discriminator`) that plain JSON Schema tools do not know. */
function plain(schema: unknown): unknown {
  return mapSchemas(schema, ({ discriminator: _dropped, ...node }) => node);
}

function collectRefs(schema: unknown, into: Set<string>): void {
  visitSchemas(schema, (node) => {
    const name = typeof node.$ref === 'string' ? definitionName(node.$ref) : undefined;
    if (name !== undefined) into.add(name);
  });
}

/** The named schemas a schema needs, transitively, in model order (deterministic). */
export function definitionsFor(model: ProtocolModel, root: unknown): Record<string, unknown> {
  const byName = new Map(model.schemas.map((s) => [s.name, s.schema]));
  const needed = new Set<string>();
  const queue = [root];
  while (queue.length > 0) {
    const found = new Set<string>();
    collectRefs(queue.pop(), found);
    for (const name of found) {
      if (needed.has(name)) continue;
      needed.add(name);
      queue.push(byName.get(name));
    }
  }
  return Object.fromEntries(model.schemas.filter((s) => needed.has(s.name)).map((s) => [s.name, plain(s.schema)]));
}

/** The payload's own schema with its refs still pointing at `#/definitions/...`. */
export function payloadRoot(message: MessageModel): JsonSchema {
  if (message.payload === undefined) return { type: 'null', description: 'This message carries nothing; `null` stands for the missing payload.' };
  return { $ref: `#/definitions/${message.payload.ref}` };
}

/**
 * A draft-07 `$ref` ignores its siblings, so a document's root cannot be `{ $id, $ref }`: the root
 * is a copy of the referenced schema instead (its own refs still resolve against `definitions`).
 */
function inlineRootRef(model: ProtocolModel, root: JsonSchema): JsonSchema {
  if (typeof root.$ref !== 'string') return root;
  const name = root.$ref.replace('#/definitions/', '');
  return plain(model.schemas.find((s) => s.name === name)!.schema) as JsonSchema;
}

export function frameRoot(message: MessageModel): JsonSchema {
  const headers = message.headers ?? {};
  const properties = { ...((headers.properties ?? {}) as Record<string, JsonSchema>) };
  if (message.action !== undefined && properties.action) {
    properties.action = { ...properties.action, const: message.action };
  }
  const required = [...((headers.required ?? []) as string[])];
  if (message.payload !== undefined) required.push('payload');
  const frame: JsonSchema = {
    type: 'object',
    description: `A ${message.kind} frame carrying \`${message.name}\`.`,
    required,
    properties: { ...properties, payload: payloadRoot(message) },
  };
  if (headers.additionalProperties !== undefined) frame.additionalProperties = headers.additionalProperties;
  return plain(frame) as JsonSchema;
}

function standalone(model: ProtocolModel, id: string, title: string, root: JsonSchema): JsonSchema {
  const definitions = definitionsFor(model, root);
  return { $schema: DRAFT_07, $id: id, title, ...inlineRootRef(model, root), ...(Object.keys(definitions).length > 0 ? { definitions } : {}) };
}

export function payloadSchema(model: ProtocolModel, message: MessageModel): JsonSchema {
  return standalone(model, `urn:customer-chat:payload:${message.name}`, `Payload of ${message.name}`, payloadRoot(message));
}

/** Only messages that travel on the wire have a frame. */
export function frameSchema(model: ProtocolModel, message: MessageModel): JsonSchema | undefined {
  if (message.kind === 'client') return undefined;
  return standalone(model, `urn:customer-chat:frame:${message.name}`, `Frame of ${message.name}`, frameRoot(message));
}

export const BUNDLE_ID = 'urn:customer-chat:bundle';
export const payloadDefinition = (message: MessageModel) => `payload.${message.name}`;
export const frameDefinition = (message: MessageModel) => `frame.${message.name}`;

/**
 * One document with every named schema, every payload (`payload.<name>`) and every wire frame
 * (`frame.<name>`) under `definitions`, all referring to the named schemas beside them.
 */
export function bundleSchema(model: ProtocolModel): JsonSchema {
  const payloads = model.messages.map((m) => [payloadDefinition(m), payloadRoot(m)] as const);
  const frames = model.messages.filter((m) => m.kind !== 'client').map((m) => [frameDefinition(m), frameRoot(m)] as const);
  return {
    $schema: DRAFT_07,
    $id: BUNDLE_ID,
    title: `${model.info.title} ${model.info.version}: every schema`,
    description: 'Named schemas by name; each message payload as `payload.<name>`, each wire frame as `frame.<name>`.',
    definitions: { ...Object.fromEntries(model.schemas.map((s) => [s.name, plain(s.schema)])), ...Object.fromEntries([...payloads, ...frames]) },
  };
}
