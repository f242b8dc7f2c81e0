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

/** A push frame as the spec lays it out: the push header constants, the action and the payload. */
export function pushFrame(message: MessageModel, payload: unknown): Record<string, unknown> {
  return { ...model.frameConstants.push, action: message.action, payload };
}

/** A response frame as the spec lays it out. */
export function responseFrame(id: string, action: string, payload: unknown): Record<string, unknown> {
  return { [model.correlationField]: id, action, ...model.frameConstants.response, payload };
}
