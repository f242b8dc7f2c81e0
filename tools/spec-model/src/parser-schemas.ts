// The parser's document is resolved: a `$ref` to a named schema is replaced by that schema's own
// object (shared by every use, circular for recursive schemas), which carries the parser's schema
// id (`x-parser-schema-id`, the component key). This module maps those objects back to names.
import type { SchemaInterface } from '@asyncapi/parser';
import { parsePointer } from '@customer-chat/spec-loader/json-pointer';
import { isSchemaObject } from '@customer-chat/spec-loader/schema-traversal';
import { definitionRef } from './references.js';

/**
 * The name of the named schema a parsed value stands for: a named schema's own object, or a
 * `$ref` the parser left in place (it does in the copies it makes of recursive schemas).
 */
function nameOf(value: unknown, names: ReadonlySet<string>): string | undefined {
  if (!isSchemaObject(value)) return undefined;
  const id = value['x-parser-schema-id'];
  if (typeof id === 'string' && names.has(id)) return id;
  if (typeof value.$ref !== 'string' || !value.$ref.startsWith('#/components/schemas/')) return undefined;
  const [, , name] = parsePointer(value.$ref);
  return name !== undefined && names.has(name) ? name : undefined;
}

/**
 * A parser schema as plain JSON: every named schema inside it is a `#/definitions/<Name>` reference
 * again (which also stops at recursion), and the parser's own `x-parser-` keys are gone.
 */
export function withReferences(schema: unknown, names: ReadonlySet<string>): unknown {
  let root = true;
  return JSON.parse(
    JSON.stringify(schema, (key, value: unknown) => {
      if (key.startsWith('x-parser-')) return undefined;
      const name = root ? undefined : nameOf(value, names);
      root = false;
      return name === undefined ? value : { $ref: definitionRef(name) };
    }),
  ) as unknown;
}

/** The keys of a parsed object, without the ones the parser adds (`x-parser-schema-id`, ...). */
function ownKeys(value: object): string[] {
  return Object.keys(value).filter((key) => !key.startsWith('x-parser-'));
}

/**
 * Finds the named schema a message's payload or headers are. Usually by the parser's schema id;
 * but while merging a message's traits the parser deep-copies the message's fields, and the copy
 * has lost the ids (`<anonymous-schema-N>`): then it is the named schema the copy equals.
 */
export class NamedSchemaFinder {
  private readonly names: ReadonlySet<string>;

  constructor(private readonly named: ReadonlyMap<string, unknown>) {
    this.names = new Set(named.keys());
  }

  /** Every name the schema may be: one when found, none (an inline schema), or several (identical named schemas). */
  namesOf(schema: SchemaInterface): string[] {
    if (this.names.has(schema.id())) return [schema.id()];
    return [...this.named].filter(([, json]) => this.same(schema.json(), json)).map(([name]) => name);
  }

  /**
   * Whether two parsed values are the same JSON, ignoring the parser's keys, a left-in-place `$ref`
   * standing for its schema. Recursive schemas make cycles: a pair met again while it is being
   * compared is taken as equal (nothing tells them apart).
   */
  private same(a: unknown, b: unknown, comparing = new Map<object, Set<object>>()): boolean {
    const left = this.resolved(a);
    const right = this.resolved(b);
    if (left === right) return true;
    if (!isSchemaObject(left) && !Array.isArray(left)) return false;
    if (!isSchemaObject(right) && !Array.isArray(right)) return false;
    if (Array.isArray(left) !== Array.isArray(right)) return false;
    if (comparing.get(left)?.has(right)) return true;
    comparing.set(left, (comparing.get(left) ?? new Set()).add(right));
    const keys = ownKeys(left);
    const record = (value: object) => value as Record<string, unknown>;
    return keys.length === ownKeys(right).length && keys.every((key) => Object.hasOwn(right, key) && this.same(record(left)[key], record(right)[key], comparing));
  }

  private resolved(value: unknown): unknown {
    const name = isSchemaObject(value) && typeof value.$ref === 'string' ? nameOf(value, this.names) : undefined;
    return name === undefined ? value : this.named.get(name);
  }
}
