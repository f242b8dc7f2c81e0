// Every message example is checked against its payload schema when the model is built: an invalid
// one would otherwise end up in generated code (conformance tables, docs). The validator is the one
// the loader configures (spec-loader's ajv: the document's dialect, its formats, strict keywords).
import { compileAt, createSpecAjv } from '@customer-chat/spec-loader/ajv';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import type { ProblemCollector } from './problems.js';
import { definitionName } from './references.js';
import type { MessageModel, NamedSchema } from './types.js';

export function checkExamples(messages: readonly MessageModel[], schemas: readonly NamedSchema[], problems: ProblemCollector): void {
  const names = new Set(schemas.map((s) => s.name));
  const withPayload = messages.filter((m) => m.payload !== undefined && names.has(m.payload.ref) && m.examples.length > 0);
  if (withPayload.length === 0) return;
  // The model's schemas refer to each other as `#/definitions/<Name>`; the validator reads them
  // where the document has them.
  const components = JSON.parse(
    JSON.stringify({ schemas: Object.fromEntries(schemas.map((s) => [s.name, s.schema])) }, (key, value: unknown) =>
      key === '$ref' && typeof value === 'string' && definitionName(value) !== undefined ? `#/components/schemas/${definitionName(value)}` : value,
    ),
  ) as unknown;
  const ajv = createSpecAjv({ components });
  for (const message of withPayload) {
    const ref = message.payload!.ref;
    const validate = compileAt(ajv, appendPointer('/components/schemas', ref));
    for (const [i, example] of message.examples.entries()) {
      if (validate(example.payload)) continue;
      const errors = validate.errors ?? [];
      const said = errors.map((e) => {
        const extra = (e.params as { additionalProperty?: string }).additionalProperty;
        return `${e.instancePath || 'payload'} ${e.message ?? 'is invalid'}${extra === undefined ? '' : ` (${extra})`}`;
      });
      // At the example's payload; the message says where in it.
      problems.add(appendPointer(message.pointer, 'examples', i, 'payload'), `example ${JSON.stringify(example.name ?? i)} does not fit ${ref}: ${said.join('; ')}`);
    }
  }
}
