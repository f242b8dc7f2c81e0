// Reads the AsyncAPI document through its intermediate model (`@customer-chat/spec-model`, the
// same one the generator reads) and answers the questions every page asks of it: which events, in
// which order, which schema.
import seedFacts from '@customer-chat/spec/seed-facts.json' with { type: 'json' };
import { definitionName, emittedEvents, loadModel, schemaByName, type MessageModel, type NamedSchema, type ProtocolModel, type RequestOperationModel } from '@customer-chat/spec-model';
import type { Target } from './doc.js';
import type { Linker } from './spec-markdown.js';

export type { JsonSchema, MessageModel, NamedSchema, ProtocolModel } from '@customer-chat/spec-model';
export type RequestModel = RequestOperationModel;
export { emittedEvents, loadModel, schemaByName };

/**
 * The events of the seed event reference the protocol was created from, in the reference's order
 * (drafts included), as the spec package records them (`@customer-chat/spec/seed-facts.json`).
 */
export const SEED_EVENTS: readonly string[] = seedFacts.events.map((e) => e.event);

/** The emitted events, the seed's first in the seed's order, then the others in document order. */
export function eventsInSeedOrder(model: ProtocolModel): MessageModel[] {
  const events = emittedEvents(model);
  const rank = (name: string): number => {
    const index = SEED_EVENTS.indexOf(name);
    return index === -1 ? SEED_EVENTS.length : index;
  };
  return events.map((event, index) => ({ event, index })).sort((a, b) => rank(a.event.name) - rank(b.event.name) || a.index - b.index).map(({ event }) => event);
}

/** The name of the named schema a schema is a reference to, if it is one. */
export function refName(schema: NamedSchema['schema'] | undefined): string | undefined {
  return definitionName(schema?.['$ref']);
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
