// Reads each `oneOf` + `discriminator` union into a dispatch table (value -> branch), failing when a
// branch has no constant for the discriminating property, two branches share one, or the fallback
// branch (the one with `not: { enum }`, the only one that may leave the property optional) does not
// exclude exactly the other branches' values.
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import { isSchemaObject, visitSchemas } from '@customer-chat/spec-loader/schema-traversal';
import { pascalCase } from './naming.js';
import type { ProblemCollector } from './problems.js';
import { definitionName } from './references.js';
import type { Discriminator, JsonSchema, NamedSchema } from './types.js';

export function readDiscriminators(schemas: NamedSchema[], problems: ProblemCollector): Discriminator[] {
  const byName = new Map(schemas.map((s) => [s.name, s]));
  const result: Discriminator[] = [];
  for (const union of schemas) {
    const property = union.schema.discriminator;
    if (property === undefined) continue;
    if (typeof property !== 'string' || !Array.isArray(union.schema.oneOf)) {
      problems.add(appendPointer(union.pointer, 'discriminator'), 'discriminator must be a property name on a schema with oneOf');
      continue;
    }
    const discriminator: Discriminator = { union: union.name, property, branches: [], fallback: undefined };
    let excluded: unknown[] | undefined;
    for (const [i, branch] of (union.schema.oneOf as JsonSchema[]).entries()) {
      const at = appendPointer(union.pointer, 'oneOf', i);
      const name = definitionName(branch.$ref);
      const target = name === undefined ? undefined : byName.get(name);
      if (target === undefined || name === undefined) {
        problems.add(at, 'each branch of a discriminated union must be a $ref to a named schema, so it gets a type name');
        continue;
      }
      const prop = (target.schema.properties as Record<string, JsonSchema> | undefined)?.[property];
      const required = (target.schema.required as string[] | undefined)?.includes(property) ?? false;
      // The fallback may leave the property out: a value without it can only be the fallback.
      const isFallback = prop?.not !== undefined && Array.isArray((prop.not as JsonSchema).enum);
      if (!prop || (!required && !isFallback)) {
        problems.add(target.pointer, `branch ${name} of ${union.name} must require the discriminating property "${property}"`);
      } else if (typeof prop.const === 'string') {
        if (discriminator.branches.some((b) => b.value === prop.const)) problems.add(target.pointer, `two branches of ${union.name} share "${property}: ${prop.const}"`);
        discriminator.branches.push({ value: prop.const, schema: name });
      } else if (prop.not && Array.isArray((prop.not as JsonSchema).enum) && discriminator.fallback === undefined) {
        discriminator.fallback = name;
        excluded = (prop.not as JsonSchema).enum as unknown[];
      } else {
        problems.add(appendPointer(target.pointer, 'properties', property), `branch ${name} of ${union.name} needs "const" (or, for one fallback branch, "not: { enum: [...] }")`);
      }
    }
    if (excluded !== undefined) {
      const values = discriminator.branches.map((b) => b.value).sort();
      if (JSON.stringify([...excluded].sort()) !== JSON.stringify(values)) {
        problems.add(byName.get(discriminator.fallback!)!.pointer, `fallback ${discriminator.fallback} must exclude exactly ${values.join(', ')}`);
      }
    }
    result.push(discriminator);
  }
  checkFallbacks(schemas, result, problems);
  return result;
}

/**
 * What the generated types need of fallbacks: `not` appears only as a fallback's discriminant
 * (`not: { enum }`, typed as a nominal `<Fallback><Property>`), that name is free, and a schema is
 * the fallback of unions on one property only.
 */
function checkFallbacks(schemas: NamedSchema[], unions: Discriminator[], problems: ProblemCollector): void {
  const names = new Set(schemas.map((s) => s.name));
  const discriminantPointers = new Set<string>();
  const fallbackProperty = new Map<string, string>();
  for (const union of unions) {
    if (union.fallback === undefined) continue;
    const fallback = schemas.find((s) => s.name === union.fallback)!;
    discriminantPointers.add(appendPointer(fallback.pointer, 'properties', union.property, 'not'));
    const typeName = `${fallback.name}${pascalCase(union.property)}`;
    if (names.has(typeName)) problems.add(fallback.pointer, `the fallback's discriminant type ${typeName} clashes with a schema of that name`);
    const earlier = fallbackProperty.get(fallback.name);
    if (earlier !== undefined && earlier !== union.property) problems.add(fallback.pointer, `${fallback.name} is the fallback of unions on different properties (${earlier}, ${union.property})`);
    fallbackProperty.set(fallback.name, union.property);
  }
  for (const named of schemas) {
    visitSchemas(named.schema, (node, place) => {
      if (node.not === undefined) return;
      const at = appendPointer(named.pointer + place.pointer, 'not');
      const isEnumOnly = isSchemaObject(node.not) && Object.keys(node.not).join() === 'enum';
      if (!discriminantPointers.has(at) || !isEnumOnly) problems.add(at, '"not" is only supported as a union fallback\'s discriminant (not: { enum: [...] })');
    });
  }
}
