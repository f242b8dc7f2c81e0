// Every message carries examples, and every example (message payloads and headers, and the
// examples of named schemas) is valid against the schema it illustrates.
import { describe, expect, it } from 'vitest';
import { createSpecAjv, compileAt } from '@customer-chat/spec-loader/ajv';
import { raw, type RawSchema } from './spec.js';

const ajv = createSpecAjv(raw);
const messages = Object.entries(raw.components.messages);

function resolve(schema: RawSchema | undefined): RawSchema | undefined {
  if (!schema?.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolve(raw.components.schemas[name]);
}

function errorsOf(pointer: string, value: unknown): string {
  const validate = compileAt(ajv, pointer);
  return validate(value) ? '' : ajv.errorsText(validate.errors, { dataVar: 'example' });
}

describe.each(messages)('message %s', (key, message) => {
  it('has at least one example', () => {
    expect(message.examples?.length ?? 0).toBeGreaterThan(0);
  });

  it('has examples whose payloads validate against its payload schema', () => {
    for (const [index, example] of (message.examples ?? []).entries()) {
      if (message.payload === undefined) {
        expect(example.payload, `${key} carries nothing, so its example ${index} stands for it with null`).toBeNull();
        continue;
      }
      expect(errorsOf(`/components/messages/${key}/payload`, example.payload), `example ${index} (${example.name})`).toBe('');
    }
  });

  it('has examples whose headers validate against its frame headers', () => {
    for (const example of message.examples ?? []) {
      if (example.headers === undefined) continue;
      const headers = message.headers ? `/components/messages/${key}/headers` : `/components/messageTraits/${message.traits?.[0]?.$ref.split('/').at(-1)}/headers`;
      expect(errorsOf(headers, example.headers), example.name).toBe('');
    }
  });

  it('has one example per branch when its payload is a union', () => {
    const payload = resolve(message.payload);
    if (!payload?.oneOf) return;
    const branches = payload.oneOf.map((branch) => branch.$ref as string);
    const covered = new Set<string>();
    for (const example of message.examples ?? []) {
      for (const branch of branches) if (errorsOf(branch.slice(1), example.payload) === '') covered.add(branch);
    }
    expect([...covered].sort()).toEqual([...branches].sort());
  });
});

describe.each(Object.entries(raw.components.schemas).filter(([, s]) => s.examples))('schema %s', (name, schema) => {
  it('has examples that validate against it', () => {
    for (const example of schema.examples ?? []) {
      expect(errorsOf(`/components/schemas/${name}`, example), JSON.stringify(example)).toBe('');
    }
  });
});

describe('the examples check', () => {
  it('rejects an example that breaks its schema', () => {
    expect(errorsOf('/components/messages/userIsTyping/payload', { chat: 'PJ0MRSHTDG' })).toMatch(/must have required property 'user'/);
    expect(errorsOf('/components/messages/getChatsSummaryRequest/payload', { limit: 26 })).toMatch(/must be <= 25/);
  });
});
