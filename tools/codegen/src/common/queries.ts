// Questions about the model that more than one plugin asks (plugins never import each other).
import { pascalCase } from '../printer/generated-file.js';
import type { MessageModel, ProtocolModel } from '@customer-chat/spec-model';

/** The client events and the pushes the SDK emits as they are (not those it turns into a client event). */
export function emittedEvents(model: ProtocolModel): MessageModel[] {
  return model.messages.filter((m) => m.kind === 'client' || (m.kind === 'push' && m.clientEvent === undefined));
}

/** Whether every argument is optional, so the method can be called without arguments. */
export function requiresNoArguments(model: ProtocolModel, request: MessageModel): boolean {
  const schema = model.schemas.find((s) => s.name === request.payload?.ref)?.schema;
  return schema !== undefined && ((schema.required as string[] | undefined) ?? []).length === 0;
}

/** Names of the generated TypeScript declarations for a message. */
export function messageTypeNames(message: MessageModel) {
  const base = pascalCase(message.name);
  return { payload: base, frame: `${base}Frame`, validate: `validate${base}`, validateFrame: `validate${base}Frame`, is: `is${base}`, isFrame: `is${base}Frame`, assert: `assert${base}` };
}
