// Questions about the model that several readers ask (the SDK generator, the docs, the tests).
import type { MessageModel, NamedSchema, ProtocolModel } from './types.js';

/** The events the SDK emits under their own name: client events, and the pushes it does not turn into a client event. */
export function emittedEvents(model: ProtocolModel): MessageModel[] {
  return model.messages.filter((m) => m.kind === 'client' || (m.kind === 'push' && m.clientEvent === undefined));
}

export function schemaByName(model: ProtocolModel, name: string): NamedSchema {
  const schema = model.schemas.find((s) => s.name === name);
  if (!schema) throw new Error(`${model.source}: no schema named ${name}`);
  return schema;
}

/** A message by its `name` (the event or action name). */
export function messageByName(model: ProtocolModel, name: string): MessageModel {
  const message = model.messages.find((m) => m.name === name);
  if (!message) throw new Error(`${model.source}: no message named ${name}`);
  return message;
}
