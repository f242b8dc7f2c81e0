// The contract's source: the intermediate model of spec/asyncapi.yaml, the same one the
// generators read, so every case below is computed from the spec.
import { definitionName, definitionRef, loadModel, messageByName as byName, type MessageModel, type ProtocolModel } from '@customer-chat/spec-model';

export const model: ProtocolModel = await loadModel();

export const messageByName = (name: string): MessageModel => byName(model, name);

/** A push frame as the spec lays it out: the push header constants, the action and the payload. */
export function pushFrame(message: MessageModel, payload: unknown): Record<string, unknown> {
  return { ...model.frameConstants.push, action: message.action, payload };
}

/** A response frame as the spec lays it out. */
export function responseFrame(id: string, action: string, payload: unknown): Record<string, unknown> {
  return { [model.correlationField]: id, action, ...model.frameConstants.response, payload };
}

/** Whether a frame is a push of `action` (the push header constants of the spec and that action). */
export function isPushOf(action: string, frame: unknown): boolean {
  if (typeof frame !== 'object' || frame === null) return false;
  const record = frame as Record<string, unknown>;
  return record.action === action && Object.entries(model.frameConstants.push).every(([field, value]) => record[field] === value);
}

/** Top-level fields of a message's payload (every branch of a union), from the model's schemas. */
export function payloadFields(message: MessageModel): string[] {
  const byName = new Map(model.schemas.map((s) => [s.name, s.schema]));
  const resolve = (schema: Record<string, unknown>): Record<string, unknown> => {
    const ref = definitionName(schema.$ref);
    return ref === undefined ? schema : resolve(byName.get(ref) ?? {});
  };
  if (!message.payload) return [];
  const root = resolve({ $ref: definitionRef(message.payload.ref) });
  const branches = Array.isArray(root.oneOf) ? (root.oneOf as Array<Record<string, unknown>>).map(resolve) : [root];
  return [...new Set(branches.flatMap((b) => Object.keys((b.properties ?? {}) as object)))];
}
