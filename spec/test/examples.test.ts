// Every message carries examples, and every example (message payloads and headers, and the
// examples of named schemas) is valid against the schema it illustrates, as ajv reads the document.
import { describe, expect, it } from 'vitest';
import { createSpecAjv, compileAt } from '@customer-chat/spec-loader/ajv';
import { appendPointer } from '@customer-chat/spec-model';
import { document, model, raw } from './spec.js';

const ajv = createSpecAjv(raw);
const schemaPointer = (name: string) => appendPointer('/components/schemas', name);

function errorsOf(pointer: string, value: unknown): string {
  const validate = compileAt(ajv, pointer);
  return validate(value) ? '' : ajv.errorsText(validate.errors, { dataVar: 'example' });
}

describe.each(model.messages.map((m) => [m.key, m] as const))('message %s', (key, message) => {
  it('has at least one example', () => {
    expect(message.examples.length).toBeGreaterThan(0);
  });

  it('has examples whose payloads validate against its payload schema', () => {
    for (const [index, example] of message.examples.entries()) {
      if (message.payload === undefined) {
        expect(example.payload, `${key} carries nothing, so its example ${index} stands for it with null`).toBeNull();
        continue;
      }
      expect(errorsOf(schemaPointer(message.payload.ref), example.payload), `example ${index} (${example.name})`).toBe('');
    }
  });

  it('has examples whose headers validate against its frame headers', () => {
    // Example headers are not part of the model: the parsed document has them.
    for (const example of document.components().messages().get(key)!.examples().all()) {
      if (!example.hasHeaders()) continue;
      expect(message.headersSchema, `${key} has example headers, so it has headers`).toBeDefined();
      expect(errorsOf(schemaPointer(message.headersSchema!), example.headers()), example.name()).toBe('');
    }
  });

  it('has one example per branch when its payload is a union', () => {
    const union = model.discriminators.find((d) => d.union === message.payload?.ref);
    if (!union) return;
    const branches = [...union.branches.map((b) => b.schema), ...(union.fallback ? [union.fallback] : [])];
    const covered = new Set<string>();
    for (const example of message.examples) {
      for (const branch of branches) if (errorsOf(schemaPointer(branch), example.payload) === '') covered.add(branch);
    }
    expect([...covered].sort()).toEqual([...branches].sort());
  });
});

describe.each(model.schemas.filter((s) => s.schema.examples).map((s) => [s.name, s] as const))('schema %s', (_name, named) => {
  it('has examples that validate against it', () => {
    for (const example of named.schema.examples as unknown[]) {
      expect(errorsOf(named.pointer, example), JSON.stringify(example)).toBe('');
    }
  });
});

describe('the examples check', () => {
  it('rejects an example that breaks its schema', () => {
    expect(errorsOf('/components/messages/userIsTyping/payload', { chat: 'PJ0MRSHTDG' })).toMatch(/must have required property 'user'/);
    expect(errorsOf('/components/messages/getChatsSummaryRequest/payload', { limit: 26 })).toMatch(/must be <= 25/);
  });
});
