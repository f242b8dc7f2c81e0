// Test helper: the real document, loaded once per test file.
import { fileURLToPath } from 'node:url';
import { loadSpec } from '@customer-chat/spec-loader';

export const SPEC_FILE = fileURLToPath(new URL('../asyncapi.yaml', import.meta.url));
export const spec = await loadSpec(SPEC_FILE);
if (!spec.document) throw new Error(`spec/asyncapi.yaml does not parse:\n${JSON.stringify(spec.problems, null, 2)}`);
export const document = spec.document;
export const raw = spec.raw as {
  components: {
    messages: Record<string, RawMessage>;
    schemas: Record<string, RawSchema>;
  };
  operations: Record<string, RawOperation>;
  channels: Record<string, { messages: Record<string, unknown>; 'x-emitted-by'?: string }>;
};

export interface RawSchema {
  type?: string | string[];
  enum?: string[];
  properties?: Record<string, RawSchema>;
  required?: string[];
  oneOf?: RawSchema[];
  examples?: unknown[];
  $ref?: string;
  [extension: `x-${string}`]: unknown;
  [key: string]: unknown;
}
export interface RawMessage {
  name: string;
  payload?: RawSchema;
  headers?: RawSchema;
  traits?: Array<{ $ref: string }>;
  examples?: Array<{ name?: string; summary?: string; payload?: unknown; headers?: unknown }>;
  'x-emitted-by'?: string;
  [key: string]: unknown;
}
export interface RawOperation {
  action: 'send' | 'receive';
  channel: { $ref: string };
  messages: Array<{ $ref: string }>;
  reply?: { messages: Array<{ $ref: string }> };
  'x-errors'?: string[];
  'x-emitted-by'?: string;
  summary?: string;
}

/** `#/channels/customer/messages/sendEventRequest` -> `sendEventRequest` (channel messages are refs to components). */
export function messageKey(ref: string): string {
  return ref.split('/').at(-1) as string;
}
