// The contract's source: the intermediate model of spec/asyncapi.yaml, the same one the
// generators read, so every case below is computed from the spec.
import { buildModel, REPOSITORY_ROOT } from '@customer-chat/codegen';
import type { MessageModel, ProtocolModel } from '@customer-chat/codegen/model';
import { loadCleanSpec } from '@customer-chat/spec-loader';

export const model: ProtocolModel = buildModel(await loadCleanSpec(`${REPOSITORY_ROOT}/spec/asyncapi.yaml`), REPOSITORY_ROOT);

export const messageByKey = (key: string): MessageModel => {
  const message = model.messages.find((m) => m.key === key);
  if (!message) throw new Error(`no message ${key}`);
  return message;
};

export const messageByName = (name: string): MessageModel => {
  const message = model.messages.find((m) => m.name === name);
  if (!message) throw new Error(`no message named ${name}`);
  return message;
};

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

/** The value at a JSON pointer. */
export function readPointer(value: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((node, segment) => (node as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')], value);
}

/** Top-level fields of a message's payload (every branch of a union), from the model's schemas. */
export function payloadFields(message: MessageModel): string[] {
  const byName = new Map(model.schemas.map((s) => [s.name, s.schema]));
  const resolve = (schema: Record<string, unknown>): Record<string, unknown> =>
    typeof schema.$ref === 'string' ? resolve(byName.get(schema.$ref.replace('#/definitions/', '')) ?? {}) : schema;
  if (!message.payload) return [];
  const root = resolve({ $ref: `#/definitions/${message.payload.ref}` });
  const branches = Array.isArray(root.oneOf) ? (root.oneOf as Array<Record<string, unknown>>).map(resolve) : [root];
  return [...new Set(branches.flatMap((b) => Object.keys((b.properties ?? {}) as object)))];
}
