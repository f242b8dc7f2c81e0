// Every example the pages show must be valid: a spec example whose payload breaks its message's
// schema stops the build with the example's place in the document (file#pointer) and the error's
// place in the payload, rather than being published as a frame a server would reject.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { appendPointer } from '@customer-chat/spec-model';
import type { ProtocolModel } from './spec-model.js';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => void;

export class InvalidExampleError extends Error {
  constructor(readonly problems: string[]) {
    super(`the spec has ${problems.length} invalid example${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'InvalidExampleError';
  }
}

/** Throws an InvalidExampleError listing every example payload its message's schema rejects. */
export function checkExamples(model: ProtocolModel): void {
  // The model's named schemas refer to each other as `#/definitions/<Name>`; `discriminator` is an annotation.
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, ownProperties: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'urn:customer-chat:docs-examples', definitions: Object.fromEntries(model.schemas.map((s) => [s.name, s.schema])) });
  const problems: string[] = [];
  for (const message of model.messages) {
    if (message.payload === undefined) continue;
    const validate = ajv.getSchema(`urn:customer-chat:docs-examples#/definitions/${message.payload.ref}`);
    if (validate === undefined) continue;
    message.examples.forEach((example, index) => {
      if (validate(example.payload)) return;
      const at = appendPointer(message.pointer, 'examples', index, 'payload');
      for (const error of validate.errors ?? []) problems.push(`${model.source}#${at}${error.instancePath}: ${error.message ?? error.keyword} (example "${example.name ?? index}" of ${message.name})`);
    });
  }
  if (problems.length > 0) throw new InvalidExampleError(problems);
}
