// The document's ajv reads own properties only, as the validators do: an example without a
// `valueOf` field has none, whatever every object inherits.
import { expect, it } from 'vitest';
import { compileAt, createSpecAjv } from '../src/ajv.js';

it('does not take an inherited member for a property of the value', () => {
  const raw = { components: { schemas: { Chat: { type: 'object', properties: { valueOf: { type: 'string' }, constructor: { type: 'string' } } } } } };
  const validate = compileAt(createSpecAjv(raw), '/components/schemas/Chat');
  expect(validate({ id: 'C' })).toBe(true);
  expect(validate({ valueOf: 1 })).toBe(false);
});
