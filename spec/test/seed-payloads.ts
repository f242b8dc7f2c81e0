// Payloads with exactly the seed's fields: what a server that implements the seed event reference
// to the letter sends. Where the seed names fields, the payload has those and no other; where it
// stops (a field typed `object` with no rows below it, such as `lastEvent`), the value is the
// smallest one the spec's schema allows (required properties only). Values come from the spec's
// examples, so they also meet its constraints (ids are non-empty, reasons come from the list).
import { definitionName, definitionRef, type ProtocolModel } from '@customer-chat/spec-model';
import type { SeedEvent, SeedField } from './seed-facts.js';

/** The model's JSON Schemas, as far as these payloads read them. */
interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  examples?: unknown[];
  $ref?: string;
  [keyword: string]: unknown;
}

export interface SeedPayload {
  event: string;
  /** Which union branch the payload was built for, when the payload is a union. */
  branch?: string;
  payload: unknown;
}

/** A seed field and the fields the seed lists below it. */
interface FieldTree {
  type: string;
  children: Map<string, FieldTree>;
}

function fieldTree(fields: readonly SeedField[]): Map<string, FieldTree> {
  const root = new Map<string, FieldTree>();
  for (const field of fields) {
    let level = root;
    field.path.forEach((segment, depth) => {
      let node = level.get(segment);
      if (node === undefined) level.set(segment, (node = { type: '', children: new Map() }));
      if (depth === field.path.length - 1) node.type = field.type;
      level = node.children;
    });
  }
  return root;
}

export function seedPayloads(model: ProtocolModel, events: readonly SeedEvent[]): SeedPayload[] {
  const schemas = new Map(model.schemas.map((s) => [s.name, s.schema as Schema]));
  const resolve = (schema: Schema): Schema => {
    if (schema.$ref === undefined) return schema;
    const target = schemas.get(definitionName(schema.$ref) ?? '');
    if (target === undefined) throw new Error(`unresolved reference ${schema.$ref}`);
    return resolve(target);
  };
  const branchName = (schema: Schema): string => definitionName(schema.$ref) ?? '(inline)';

  /** The smallest value of the schema: required properties only, scalars from examples. */
  function minimal(schema: Schema): unknown {
    const s = resolve(schema);
    if (s.oneOf) return minimal(s.oneOf[0]!);
    if (s.const !== undefined) return s.const;
    if (s.enum) return s.enum[0];
    if (s.examples?.length && (typeof s.examples[0] !== 'object' || s.examples[0] === null)) return s.examples[0];
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    switch (type) {
      case 'object':
        return Object.fromEntries((s.required ?? []).map((name) => [name, minimal(s.properties![name]!)]));
      case 'array':
        return [];
      case 'string':
        return 'x'.repeat(Math.max(1, Number(s['minLength'] ?? 1)));
      case 'integer':
      case 'number':
        return Number(s['minimum'] ?? 0);
      case 'boolean':
        return true;
      default:
        return null;
    }
  }

  /** A value of the seed field's type: exactly its seed children, or minimal where the seed stops. */
  function build(schema: Schema, node: FieldTree): unknown {
    const s = resolve(schema);
    if (node.children.size === 0) {
      if (node.type === 'string[]' && s.items) return [minimal(s.items)];
      if (node.type === 'object[]' && s.items) return [minimal(s.items)];
      return minimal(s);
    }
    if (s.type === 'array' && s.items) return [build(s.items, node)];
    return buildObject(s.oneOf ? resolve(s.oneOf[0]!) : s, node.children);
  }

  function buildObject(schema: Schema, children: Map<string, FieldTree>): Record<string, unknown> {
    return Object.fromEntries(
      [...children].map(([name, child]) => {
        const property = schema.properties?.[name];
        if (property === undefined) throw new Error(`the spec has no property "${name}" where the seed has one`);
        return [name, build(property, child)];
      }),
    );
  }

  const messageByName = new Map(model.messages.map((m) => [m.name, m]));
  return events.flatMap((fact): SeedPayload[] => {
    const message = messageByName.get(fact.event);
    if (message === undefined) throw new Error(`no message named ${fact.event}`);
    if (fact.payload === 'none') return [{ event: fact.event, payload: null }];
    const schema = resolve({ $ref: definitionRef(message.payload!.ref) });
    if (fact.payload === 'string') return [{ event: fact.event, payload: minimal(schema) }];
    const children = fieldTree(fact.fields);
    // A union is built once per branch, each with the seed's fields taken from that branch; with no
    // seed fields at all the one payload is `{}`.
    if (schema.oneOf && children.size > 0) {
      return schema.oneOf.map((branch) => ({ event: fact.event, branch: branchName(branch), payload: buildObject(resolve(branch), children) }));
    }
    return [{ event: fact.event, payload: children.size === 0 ? {} : buildObject(schema, children) }];
  });
}
