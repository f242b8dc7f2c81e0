import { describe, expect, it } from 'vitest';
import { isSchemaObject, mapSchemas, visitSchemas, type SchemaPlace } from '../src/schema-traversal.js';

const EVENT = {
  description: 'An event.',
  discriminator: 'type',
  oneOf: [{ $ref: '#/definitions/Message' }, { type: 'object', properties: { type: { not: { enum: ['message'] } } } }],
  examples: [{ type: 'message', properties: { looks: 'like a schema' } }],
  default: { type: 'string' },
  properties: {
    text: { type: 'string', format: 'email', 'x-note': { format: 'not-a-keyword' } },
    'a/b': { type: 'array', items: { type: 'integer', format: 'int32' } },
    tags: { type: 'object', additionalProperties: { type: 'string' } },
    open: true,
  },
  enum: [{ format: 'data' }],
  const: { properties: {} },
};
// A property named `__proto__` (an own property, as JSON.parse makes it; a literal would set the prototype).
Object.defineProperty(EVENT.properties, '__proto__', { value: { type: 'boolean' }, enumerable: true, writable: true, configurable: true });

function visited(schema: unknown, options = {}): Array<[string, SchemaPlace['keyword'], SchemaPlace['key']]> {
  const out: Array<[string, SchemaPlace['keyword'], SchemaPlace['key']]> = [];
  visitSchemas(schema, (_node, place) => out.push([place.pointer, place.keyword, place.key]), options);
  return out;
}

describe('visitSchemas', () => {
  it('visits every subschema, parents first, with its pointer, keyword and key; data keywords are not entered', () => {
    expect(visited(EVENT)).toEqual([
      ['', undefined, undefined],
      ['/oneOf/0', 'oneOf', 0],
      ['/oneOf/1', 'oneOf', 1],
      ['/oneOf/1/properties/type', 'properties', 'type'],
      ['/oneOf/1/properties/type/not', 'not', undefined],
      ['/properties/text', 'properties', 'text'],
      ['/properties/a~1b', 'properties', 'a/b'],
      ['/properties/a~1b/items', 'items', undefined],
      ['/properties/tags', 'properties', 'tags'],
      ['/properties/tags/additionalProperties', 'additionalProperties', undefined],
      ['/properties/__proto__', 'properties', '__proto__'],
    ]);
  });

  it('finds every format the schemas use, and none in examples, enum, const or extensions', () => {
    const formats = new Set<unknown>();
    visitSchemas(EVENT, (node) => node.format !== undefined && formats.add(node.format));
    expect([...formats]).toEqual(['email', 'int32']);
  });

  it('enters every object with allKeys (extensions, AsyncAPI objects) but still not the data keywords', () => {
    const pointers = visited({ components: { schemas: { Event: EVENT } } }, { allKeys: true }).map(([pointer]) => pointer);
    expect(pointers).toContain('/components/schemas/Event/properties/text/x-note');
    expect(pointers).not.toContain('/components/schemas/Event/default');
    expect(pointers.some((p) => p.includes('/examples') || p.includes('/enum') || p.includes('/const'))).toBe(false);
  });

  it('visits nothing in a boolean schema', () => {
    expect(visited(true)).toEqual([]);
  });
});

describe('mapSchemas', () => {
  it('rebuilds every subschema children first, leaving the input untouched', () => {
    const before = JSON.stringify(EVENT);
    const order: string[] = [];
    const mapped = mapSchemas(EVENT, (node, place) => {
      order.push(place.pointer);
      delete node.format;
      return node;
    }) as Record<string, any>;
    expect(JSON.stringify(EVENT)).toBe(before);
    expect(order.at(-1)).toBe('');
    expect(order.indexOf('/properties/a~1b/items')).toBeLessThan(order.indexOf('/properties/a~1b'));
    expect(mapped.properties.text).toEqual({ type: 'string', 'x-note': { format: 'not-a-keyword' } });
    expect(mapped.properties['a/b'].items).toEqual({ type: 'integer' });
    // Data keeps its formats: it is not a schema.
    expect(mapped.enum).toEqual([{ format: 'data' }]);
    expect(mapped.properties).not.toBe(EVENT.properties);
    expect(mapped.oneOf).not.toBe(EVENT.oneOf);
  });

  it('keeps a property named __proto__ an own property', () => {
    const mapped = mapSchemas(EVENT, (node) => ({ ...node, seen: true })) as Record<string, any>;
    expect(Object.hasOwn(mapped.properties, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(mapped.properties)).toBe(Object.prototype);
    expect(mapped.properties.__proto__).toEqual({ type: 'boolean', seen: true });
  });

  it('lets a subschema be replaced by anything, a boolean included', () => {
    const mapped = mapSchemas({ type: 'object', properties: { a: { 'x-drop': true } }, not: { type: 'null' } }, (node, place) =>
      place.keyword === 'properties' ? node['x-drop'] !== true : place.keyword === 'not' ? { $ref: '#/definitions/Null' } : node,
    );
    expect(mapped).toEqual({ type: 'object', properties: { a: false }, not: { $ref: '#/definitions/Null' } });
  });

  it('returns a boolean schema as it is', () => {
    expect(mapSchemas(false, () => ({}))).toBe(false);
    expect(isSchemaObject([])).toBe(false);
  });
});
