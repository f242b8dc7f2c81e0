// Reads the AsyncAPI document through the generator's intermediate model (`@customer-chat/codegen`)
// and answers the questions every page asks of it: which events, in which order, which schema.
import { loadCleanSpec } from '@customer-chat/spec-loader';
import { buildModel, emittedEvents, type ProtocolModel } from '@customer-chat/codegen';
import type { Target } from './doc.js';
import type { Linker } from './spec-markdown.js';

export type { ProtocolModel };
export type MessageModel = ProtocolModel['messages'][number];
export type NamedSchema = ProtocolModel['schemas'][number];
export type RequestModel = ProtocolModel['requests'][number];
export type JsonSchema = NamedSchema['schema'];

/**
 * The order of the normative event reference (the seed, `events.md`), including its two draft
 * events; `test/seed.test.ts` checks it against `spec/test/fixtures/seed-facts.json`.
 */
export const SEED_EVENT_ORDER = [
  'connected',
  'connection_lost',
  'connection_restored',
  'customer_id',
  'disconnected',
  'chat_properties_updated',
  'chat_thread_properties_updated',
  'last_seen_timestamp_updated',
  'new_event',
  'user_data',
  'user_is_typing',
  'user_stopped_typing',
  'thread_closed',
  'thread_metada',
] as const;

export async function loadModel(specFile: string, repositoryRoot: string): Promise<ProtocolModel> {
  const spec = await loadCleanSpec(specFile);
  return buildModel(spec, repositoryRoot);
}

/** The events the SDK emits (its `CustomerEvents`): the SDK emitter's own rule. */
export { emittedEvents };

/** The emitted events, the seed's first in the seed's order, then the others in document order. */
export function eventsInSeedOrder(model: ProtocolModel): MessageModel[] {
  const events = emittedEvents(model);
  const rank = (name: string): number => {
    const index = (SEED_EVENT_ORDER as readonly string[]).indexOf(name);
    return index === -1 ? SEED_EVENT_ORDER.length : index;
  };
  return events.map((event, index) => ({ event, index })).sort((a, b) => rank(a.event.name) - rank(b.event.name) || a.index - b.index).map(({ event }) => event);
}

export function schemaByName(model: ProtocolModel, name: string): NamedSchema {
  const schema = model.schemas.find((s) => s.name === name);
  if (!schema) throw new Error(`${model.source}: no schema named ${name}`);
  return schema;
}

export function messageByKey(model: ProtocolModel, key: string): MessageModel {
  const message = model.messages.find((m) => m.key === key);
  if (!message) throw new Error(`${model.source}: no message ${key}`);
  return message;
}

/** The name of the named schema a `$ref` points at, if it is one. */
export function refName(schema: JsonSchema | undefined): string | undefined {
  const ref = schema?.['$ref'];
  return typeof ref === 'string' && ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;
}

/** The operation the SDK sends by itself on every connection (not one of its methods). */
export function isLoginOperation(model: ProtocolModel, request: RequestModel): boolean {
  return model.lifecycle?.login.operation === request.id;
}

/** Links code spans that name an event, a method (by id or action) or a schema. */
export function createLinker(model: ProtocolModel): Linker {
  const targets = new Map<string, Target>();
  for (const schema of model.schemas) targets.set(schema.name, { page: 'schemas', id: schema.name });
  for (const request of model.requests) {
    targets.set(request.id, { page: 'methods', id: request.id });
    targets.set(request.action, { page: 'methods', id: request.id });
  }
  for (const event of emittedEvents(model)) targets.set(event.name, { page: 'events', id: event.name });
  return (code) => targets.get(code);
}
