// Reads `components.schemas` (AsyncAPI 3 Schema Objects, JSON Schema draft-07 dialect) from the
// parser's document into plain JSON Schema: `x-` extensions dropped, references to named schemas
// as `#/definitions/<Name>`, and any keyword the generator does not handle reported as an error
// instead of being skipped.
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import { isSchemaObject, mapSchemas } from '@customer-chat/spec-loader/schema-traversal';
import { SCHEMA_NAME } from './naming.js';
import { withReferences } from './parser-schemas.js';
import type { ProblemCollector } from './problems.js';
import { definitionName } from './references.js';
import type { JsonSchema, NamedSchema } from './types.js';

/** Keywords every emitter (models, validators, docs) handles; anything else is an error. */
const SUPPORTED = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'oneOf', 'not',
  'discriminator', 'title', 'description', 'examples', 'default', 'format', 'minimum', 'maximum', 'minLength',
  'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties',
]);
/** Keywords that hold one subschema: a list there (draft-04 tuples, say) is not one. */
const SINGLE_SCHEMA = ['additionalProperties', 'items', 'not'];

/** `true` and `false` as schema objects, where a list or map of subschemas holds them. */
function booleanSchema(value: boolean): JsonSchema {
  return value ? {} : { not: {} };
}

/** Converts one schema (plain JSON, references restored); `pointer` is its place in the document, for problems. */
export function convertSchema(schema: unknown, pointer: string, problems: ProblemCollector): JsonSchema {
  if (typeof schema === 'boolean') return booleanSchema(schema);
  if (!isSchemaObject(schema)) {
    problems.add(pointer, 'a schema must be an object');
    return {};
  }
  return mapSchemas(schema, (node, place) => {
    const at = pointer + place.pointer;
    for (const keyword of Object.keys(node)) {
      if (keyword.startsWith('x-')) delete node[keyword];
      else if (!SUPPORTED.has(keyword)) {
        problems.add(appendPointer(at, keyword), `schema keyword "${keyword}" is not supported by the generator (supported: ${[...SUPPORTED].join(', ')})`);
        delete node[keyword];
      }
    }
    if (node.$ref !== undefined && definitionName(node.$ref) === undefined) {
      problems.add(appendPointer(at, '$ref'), `reference ${String(node.$ref)} does not name a schema under components.schemas`);
    }
    for (const keyword of SINGLE_SCHEMA) if (Array.isArray(node[keyword])) problems.add(appendPointer(at, keyword), 'a schema must be an object');
    const asSchema = (value: unknown) => (typeof value === 'boolean' ? booleanSchema(value) : value);
    if (isSchemaObject(node.properties)) node.properties = Object.fromEntries(Object.entries(node.properties).map(([name, value]) => [name, asSchema(value)]));
    if (Array.isArray(node.oneOf)) node.oneOf = node.oneOf.map(asSchema);
    if (node.oneOf !== undefined && node.discriminator === undefined) {
      problems.add(at, 'a oneOf needs a `discriminator` (the property that tells its branches apart)');
    }
    return node;
  }) as JsonSchema;
}

/** The named schemas, in document order, and the parser's JSON of each (extensions kept) by name. */
export function readSchemas(document: AsyncAPIDocumentInterface, problems: ProblemCollector): { schemas: NamedSchema[]; parsed: Map<string, unknown> } {
  const components = document.components().schemas().all();
  const parsed = new Map(components.map((s) => [s.id(), s.json() as unknown]));
  const names = new Set(parsed.keys());
  const schemas = components.map((component): NamedSchema => {
    const name = component.id();
    const pointer = appendPointer('/components/schemas', name);
    if (!SCHEMA_NAME.test(name)) problems.add(pointer, `schema name "${name}" must be PascalCase: it names a generated type`);
    const schema = convertSchema(withReferences(component.json(), names), pointer, problems);
    return { name, pointer, description: schema.description as string | undefined, schema };
  });
  return { schemas, parsed };
}
