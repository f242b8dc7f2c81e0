// Where errors travel in an error response, read from the spec (the generated server and client
// use it instead of writing `payload.error.type` themselves).
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/index.js';
import { readErrorShape } from '../src/error-shape.js';

const model = await loadModel();

describe('the error shape', () => {
  it('is read from the error response of the real spec', () => {
    expect(model.errorShape).toEqual({ payloadSchema: 'ErrorResult', property: 'error', typeField: 'type', messageField: 'message' });
  });

  it('is undefined when the error has no required explanation or no catalogue-typed field', () => {
    const without = (schema: string, required: string[]) =>
      model.schemas.map((s) => (s.name === schema ? { ...s, schema: { ...s.schema, required } } : s));
    expect(readErrorShape(model.messages, without('ServerError', ['type']), 'ErrorType')).toBeUndefined();
    expect(readErrorShape(model.messages, without('ServerError', ['message']), 'ErrorType')).toBeUndefined();
    expect(readErrorShape(model.messages, without('ErrorResult', []), 'ErrorType')).toBeUndefined();
    expect(readErrorShape(model.messages, model.schemas, 'ErrorType')).toEqual(model.errorShape);
  });
});
