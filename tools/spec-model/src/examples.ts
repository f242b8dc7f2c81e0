// Every message example is checked against its payload schema when the model is built, and every
// schema's `default` and `examples` against that schema: an invalid one would otherwise end up in
// generated code (conformance tables, the reference server's defaults, docs). The validator is the one
// the loader configures (spec-loader's ajv: the document's dialect, its formats, strict keywords).
import { compileAt, createSpecAjv } from '@customer-chat/spec-loader/ajv';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import { visitSchemas } from '@customer-chat/spec-loader/schema-traversal';
import type { ProblemCollector } from './problems.js';
import { definitionName } from './references.js';
import type { MessageModel, NamedSchema } from './types.js';

export function checkExamples(messages: readonly MessageModel[], schemas: readonly NamedSchema[], problems: ProblemCollector): void {
  const names = new Set(schemas.map((s) => s.name));
  const withPayload = messages.filter((m) => m.payload !== undefined && names.has(m.payload.ref) && m.examples.length > 0);
  // A schema's own `default` and `examples` end up in generated code too (the reference server's
  // defaults of optional arguments, the JSON Schemas, the docs).
  const annotated: Array<{ schema: NamedSchema; at: string; values: Array<{ keyword: string; value: unknown }> }> = [];
  for (const schema of schemas) {
    visitSchemas(schema.schema, (node, place) => {
      const values = [
        ...(Object.hasOwn(node, 'default') ? [{ keyword: 'default', value: node.default }] : []),
        ...(Array.isArray(node.examples) ? node.examples.map((value: unknown, i) => ({ keyword: `examples/${i}`, value })) : []),
      ];
      if (values.length > 0) annotated.push({ schema, at: place.pointer, values });
    });
  }
  // A message without a payload carries none (`null` on the wire): an example with one contradicts it.
  // (A request without one is reported as such already.)
  for (const message of messages.filter((m) => m.payload === undefined && m.kind !== 'request')) {
    for (const [i, example] of message.examples.entries()) {
      if (example.payload === undefined || example.payload === null) continue;
      problems.add(appendPointer(message.pointer, 'examples', i, 'payload'), `example ${JSON.stringify(example.name ?? i)} has a payload, but the message has none (add its payload schema, or make the example's payload null)`);
    }
  }
  if (withPayload.length === 0 && annotated.length === 0) return;
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
  for (const { schema, at, values } of annotated) {
    const validate = compileAt(ajv, `${appendPointer('/components/schemas', schema.name)}${at}`);
    for (const { keyword, value } of values) {
      if (validate(value)) continue;
      const said = (validate.errors ?? []).map((e) => `${e.instancePath || 'the value'} ${e.message ?? 'is invalid'}`);
      problems.add(`${schema.pointer}${at}/${keyword}`, `${keyword.startsWith('examples') ? 'example' : 'default'} ${JSON.stringify(value)} does not fit its schema: ${said.join('; ')}`);
    }
  }
}
