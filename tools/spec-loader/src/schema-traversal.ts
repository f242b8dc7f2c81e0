// The one walk over JSON Schemas in the repository, on json-schema-traverse (the walker ajv uses):
// it knows which keywords hold subschemas (`properties`, `items`, `oneOf`, ...) and which hold data
// (`enum`, `const`, `default`, `examples`), so no caller keeps its own list of keywords to skip.
import traverse from 'json-schema-traverse';

export type SchemaObject = { [keyword: string]: unknown };

/** Where a subschema sits. */
export interface SchemaPlace {
  /** JSON pointer from the root of the walk (`''` for the root, `/properties/text`, `/oneOf/0`). */
  pointer: string;
  /** The subschema that holds it (undefined for the root). */
  parent: SchemaObject | undefined;
  /** The parent's keyword that holds it (`properties`, `items`, `oneOf`, ...). */
  keyword: string | undefined;
  /** The property name or index under that keyword; undefined for single-schema keywords (`items`, `not`). */
  key: string | number | undefined;
}

export interface VisitOptions {
  /** Also enter object values of keywords that are not JSON Schema's (extensions, AsyncAPI objects). */
  allKeys?: boolean;
}

export function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Calls `visit` on every subschema, parents first. Boolean schemas hold nothing and are not visited. */
export function visitSchemas(schema: unknown, visit: (node: SchemaObject, place: SchemaPlace) => void, options: VisitOptions = {}): void {
  if (!isSchemaObject(schema)) return;
  traverse(schema, {
    allKeys: options.allKeys ?? false,
    cb: (node, pointer, _root, _parentPointer, keyword, parent, key) => visit(node, { pointer, parent, keyword, key }),
  });
}

/** Sets an own property even when the key is `__proto__` (a property name in `properties`). */
function setOwn(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A copy of `schema` in which every subschema is replaced by what `transform` returns for it,
 * children first: `transform` gets a shallow copy of the subschema whose own subschemas are already
 * transformed, and may change and return it. The input is left untouched.
 */
export function mapSchemas(schema: unknown, transform: (node: SchemaObject, place: SchemaPlace) => unknown): unknown {
  if (!isSchemaObject(schema)) return schema;
  const copies: SchemaObject[] = [];
  let result: unknown;
  traverse(schema, {
    cb: {
      pre: (node) => {
        copies.push({ ...node });
      },
      post: (_node, pointer, _root, _parentPointer, keyword, parent, key) => {
        const mapped = transform(copies.pop()!, { pointer, parent, keyword, key });
        const parentCopy = copies.at(-1);
        if (parentCopy === undefined || parent === undefined || keyword === undefined) {
          result = mapped;
        } else if (key === undefined) {
          setOwn(parentCopy, keyword, mapped);
        } else {
          // The list or map holding it (`oneOf`, `properties`) is copied on its first changed entry.
          let container = parentCopy[keyword] as SchemaObject | unknown[];
          if (container === parent[keyword]) setOwn(parentCopy, keyword, (container = Array.isArray(container) ? [...container] : { ...container }));
          setOwn(container, key, mapped);
        }
      },
    },
  });
  return result;
}
