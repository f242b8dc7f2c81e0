// Reads `components.schemas` (AsyncAPI 3 Schema Objects, JSON Schema draft-07 dialect) from the
// parser's document into plain JSON Schema: `x-` extensions dropped, references to named schemas
// as `#/definitions/<Name>`, and any keyword the generator does not handle reported as an error
// instead of being skipped.
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { formatRegExp } from '@customer-chat/spec-loader/formats';
import { EXTENSIONS } from './extensions.js';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import { isSchemaObject, mapSchemas } from '@customer-chat/spec-loader/schema-traversal';
import { RESERVED_TYPE_NAMES, SCHEMA_NAME } from './naming.js';
import { withReferences } from './parser-schemas.js';
import type { ProblemCollector } from './problems.js';
import { knownHint } from './suggest.js';
import { definitionName } from './references.js';
import type { JsonSchema, NamedSchema } from './types.js';

/** Keywords every emitter (models, validators, docs) handles; anything else is an error. */
const SUPPORTED = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'oneOf', 'not',
  'discriminator', 'title', 'description', 'examples', 'default', 'format', 'minimum', 'maximum', 'minLength',
  'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'pattern',
]);
/** Keywords that hold one subschema: a list there (draft-04 tuples, say) is not one. */
const SINGLE_SCHEMA = ['additionalProperties', 'items', 'not'];

/** What TypeScript models can say of a value: its JSON type among these, literal values among primitives. */
const JSON_PRIMITIVE = (value: unknown): boolean => value === null || ['string', 'number', 'boolean'].includes(typeof value);
/** Keywords that describe the value itself, which a `oneOf` beside them would contradict or duplicate. */
const BESIDE_ONE_OF = ['type', 'properties', 'items', 'additionalProperties', 'enum', 'const'];

/** Bounds no value can meet both of: the lower above the upper. */
const BOUNDS = [['minLength', 'maxLength'], ['minimum', 'maximum'], ['minItems', 'maxItems'], ['minProperties', 'maxProperties']] as const;

/** Whether a primitive value is of a JSON Schema type (`integer` a whole number). */
function ofType(value: unknown, type: unknown): boolean {
  if (Array.isArray(type)) return type.some((t) => ofType(value, t));
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'boolean': return typeof value === 'boolean';
    case 'number': return typeof value === 'number';
    case 'integer': return Number.isInteger(value);
    case 'null': return value === null;
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array': return Array.isArray(value);
    default: return true;
  }
}

/** Contradictions no value satisfies (a generated type and validator that accept nothing). */
function contradictionProblems(node: JsonSchema, at: string, problems: ProblemCollector): void {
  for (const [min, max] of BOUNDS) {
    const [low, high] = [node[min], node[max]];
    if (typeof low === 'number' && typeof high === 'number' && low > high) problems.add(appendPointer(at, min), `${min} (${low}) is above ${max} (${high}): no value fits`);
  }
  if (node.type === undefined) return;
  const typeText = Array.isArray(node.type) ? node.type.join(' or ') : String(node.type);
  if (node.const !== undefined && !ofType(node.const, node.type)) problems.add(appendPointer(at, 'const'), `const ${JSON.stringify(node.const)} is not of type ${typeText}`);
  if (Array.isArray(node.enum)) {
    node.enum.forEach((value, i) => ofType(value, node.type) || problems.add(appendPointer(at, 'enum', i), `enum value ${JSON.stringify(value)} is not of type ${typeText}`));
  }
}

/**
 * Constructs the keywords allow but the generated types cannot say faithfully; reported here, once,
 * with the other problems, so no emitter needs checks of its own.
 */
function representabilityProblems(node: JsonSchema, at: string, isRoot: boolean, problems: ProblemCollector): void {
  const properties = isSchemaObject(node.properties) ? node.properties : {};
  if (Array.isArray(node.required)) {
    const undeclared = (node.required as unknown[]).filter((name) => typeof name !== 'string' || !Object.hasOwn(properties, name));
    if (undeclared.length > 0) problems.add(appendPointer(at, 'required'), `required names properties that are not declared: ${undeclared.join(', ')}`);
  }
  const additional = node.additionalProperties;
  const openOrClosed = typeof additional === 'boolean' || (isSchemaObject(additional) && Object.keys(additional).length === 0);
  // A named schema there is what a type can say: the known properties, and an index signature
  // whose values are that schema's type or a known property's.
  const named = isSchemaObject(additional) && definitionName(additional.$ref) !== undefined && Object.keys(additional).every((key) => key === '$ref' || key === 'description');
  if (Object.keys(properties).length > 0 && additional !== undefined && !openOrClosed && !named) {
    problems.add(appendPointer(at, 'additionalProperties'), 'next to properties, additionalProperties must be false, true or a reference to a named schema (a map without properties may hold any schema)');
  }
  if (node.pattern !== undefined) {
    // Checked by ajv with the `u` flag and by other languages' validators (Python's `re`): a pattern
    // must compile as an ECMA-262 unicode regular expression and use no lookbehind.
    try {
      if (typeof node.pattern !== 'string') throw new Error('a pattern must be a string');
      new RegExp(node.pattern, 'u');
      if (node.pattern.includes('(?<')) throw new Error('lookbehind and named groups are not portable');
    } catch (error) {
      problems.add(appendPointer(at, 'pattern'), `pattern is not a portable regular expression: ${(error as Error).message}`);
    }
  }
  if (node.format !== undefined) {
    // The guards inline each format's regular expression: a format without one (date-time, say,
    // which ajv-formats checks with a function) could not be checked by the generated code.
    if (typeof node.format !== 'string') problems.add(appendPointer(at, 'format'), 'format must be a string');
    else {
      try {
        const format = formatRegExp(node.format);
        if (format.global || format.sticky) throw new Error(`the regular expression of format "${node.format}" is stateful (g or y flag)`);
      } catch (error) {
        problems.add(appendPointer(at, 'format'), `${(error as Error).message}; supported formats are those ajv-formats checks with a regular expression (email, uri, uuid, ...)`);
      }
    }
  }
  if (node.const !== undefined && !JSON_PRIMITIVE(node.const)) problems.add(appendPointer(at, 'const'), 'const must be a string, number, boolean or null');
  if (Array.isArray(node.enum)) {
    if (node.enum.length === 0) problems.add(appendPointer(at, 'enum'), 'enum must not be empty');
    node.enum.forEach((value, i) => JSON_PRIMITIVE(value) || problems.add(appendPointer(at, 'enum', i), 'enum values must be strings, numbers, booleans or null'));
  }
  if (node.oneOf !== undefined) {
    const beside = BESIDE_ONE_OF.filter((keyword) => node[keyword] !== undefined);
    if (beside.length > 0) problems.add(at, `a oneOf next to ${beside.join(', ')} is not supported`);
  }
  if (node.discriminator !== undefined && !isRoot) problems.add(appendPointer(at, 'discriminator'), 'a discriminator is only supported on a named schema (components.schemas)');
}

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
      if (keyword.startsWith('x-')) {
        // Dropped from the model (catalogues.ts reads them); an unknown one is a misspelling.
        const known: readonly string[] = EXTENSIONS.schema;
        if (!known.includes(keyword)) problems.add(appendPointer(at, keyword), `unknown extension "${keyword}" on a schema${knownHint(keyword, known)}`);
        delete node[keyword];
      }
      else if (!SUPPORTED.has(keyword)) {
        problems.add(appendPointer(at, keyword), `schema keyword "${keyword}" is not supported by the generator (supported: ${[...SUPPORTED].join(', ')})`);
        delete node[keyword];
      }
    }
    if (node.$ref !== undefined && definitionName(node.$ref) === undefined) {
      problems.add(appendPointer(at, '$ref'), `reference ${String(node.$ref)} does not name a schema under components.schemas`);
    }
    for (const keyword of SINGLE_SCHEMA) if (Array.isArray(node[keyword])) problems.add(appendPointer(at, keyword), 'a schema must be an object');
    representabilityProblems(node, at, place.pointer === '', problems);
    contradictionProblems(node, at, problems);
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
    else if (RESERVED_TYPE_NAMES.has(name)) problems.add(pointer, `schema name "${name}" is a built-in TypeScript type: it cannot name a generated type`);
    const schema = convertSchema(withReferences(component.json(), names), pointer, problems);
    return { name, pointer, description: schema.description as string | undefined, schema };
  });
  return { schemas, parsed };
}
