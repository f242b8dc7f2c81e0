// Reads `components.schemas` (AsyncAPI 3 Schema Objects, JSON Schema draft-07 dialect) into plain
// JSON Schema: `x-` extensions dropped, references rewritten to `#/definitions/<Name>`, and any
// keyword the emitters do not handle reported as an error instead of being skipped.
import type { JsonSchema, NamedSchema } from './types.js';
import type { ProblemCollector } from './errors.js';

const COMPONENT_REF = '#/components/schemas/';

/** Keywords every emitter (models, validators, docs) handles; anything else is an error. */
const SUPPORTED = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'oneOf', 'not',
  'discriminator', 'title', 'description', 'examples', 'default', 'format', 'minimum', 'maximum', 'minLength',
  'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties',
]);
/** Keywords whose value is a map of subschemas / a subschema / a list of subschemas. */
const SCHEMA_MAPS = new Set(['properties']);
const SCHEMAS = new Set(['additionalProperties', 'items', 'not']);
const SCHEMA_LISTS = new Set(['oneOf']);

export function refName(ref: string): string | undefined {
  return ref.startsWith(COMPONENT_REF) ? ref.slice(COMPONENT_REF.length) : undefined;
}

/** Converts one schema; `pointer` is its place in the document, for error messages. */
export function convertSchema(schema: unknown, pointer: string, known: ReadonlySet<string>, problems: ProblemCollector): JsonSchema {
  if (typeof schema === 'boolean') return schema ? {} : { not: {} };
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    problems.add(pointer, 'a schema must be an object');
    return {};
  }
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    const at = `${pointer}/${keyword}`;
    if (keyword.startsWith('x-')) continue;
    if (!SUPPORTED.has(keyword)) {
      problems.add(at, `schema keyword "${keyword}" is not supported by the generator (supported: ${[...SUPPORTED].join(', ')})`);
      continue;
    }
    if (keyword === '$ref') {
      const name = refName(String(value));
      if (name === undefined || !known.has(name)) problems.add(at, `reference ${String(value)} does not name a schema under components.schemas`);
      out.$ref = `#/definitions/${name}`;
    } else if (SCHEMA_MAPS.has(keyword)) {
      out[keyword] = Object.fromEntries(
        Object.entries(value as object).map(([name, sub]) => [name, convertSchema(sub, `${at}/${name}`, known, problems)]),
      );
    } else if (SCHEMAS.has(keyword) && typeof value === 'object') {
      out[keyword] = convertSchema(value, at, known, problems);
    } else if (SCHEMA_LISTS.has(keyword)) {
      out[keyword] = (value as unknown[]).map((sub, i) => convertSchema(sub, `${at}/${i}`, known, problems));
    } else {
      out[keyword] = value;
    }
  }
  if (out.$ref !== undefined && Object.keys(out).some((k) => k !== '$ref' && k !== 'description')) {
    problems.add(pointer, 'a $ref may only sit beside a description (draft-07 ignores the other keywords)');
  }
  if (out.oneOf !== undefined && out.discriminator === undefined) {
    problems.add(pointer, 'a oneOf needs a `discriminator` (the property that tells its branches apart)');
  }
  return out;
}

export function readSchemas(components: Record<string, unknown>, problems: ProblemCollector): NamedSchema[] {
  const known = new Set(Object.keys(components));
  return Object.entries(components).map(([name, schema]) => {
    const pointer = `/components/schemas/${name}`;
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) problems.add(pointer, `schema name "${name}" must be PascalCase: it names a generated type`);
    const converted = convertSchema(schema, pointer, known, problems);
    return { name, pointer, description: converted.description as string | undefined, schema: converted };
  });
}
