// JSON pointers (RFC 6901), the one implementation of the repository: problems are located by
// pointer, the model records where each element sits, and generated code links to it.

export type PointerPath = ReadonlyArray<string | number>;

/** `a/b~c` -> `a~1b~0c`: `~` first, so the `~` of `~1` is not escaped again. */
export function escapePointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `a~1b~0c` -> `a/b~c`: `~1` first, so `~01` stays `~1`. */
export function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `['components', 'schemas', 'a/b']` -> `/components/schemas/a~1b`; `[]` -> `''` (the whole document). */
export function formatPointer(path: PointerPath): string {
  return path.map((segment) => `/${escapePointerSegment(segment)}`).join('');
}

/** The inverse of formatPointer; also reads the URI fragment form of a `$ref` (`#/definitions/Event`). */
export function parsePointer(pointer: string): string[] {
  const fragment = pointer.startsWith('#');
  const text = fragment ? pointer.slice(1) : pointer;
  if (text === '') return [];
  if (!text.startsWith('/')) throw new Error(`not a JSON pointer: ${JSON.stringify(pointer)}`);
  return text
    .slice(1)
    .split('/')
    .map((segment) => unescapePointerSegment(fragment ? decodeURIComponent(segment) : segment));
}

/** `appendPointer('/components/schemas', 'a/b')` -> `/components/schemas/a~1b`. */
export function appendPointer(pointer: string, ...segments: PointerPath): string {
  return pointer + formatPointer(segments);
}

/** The value at a pointer (or path), undefined when there is none; own properties only, so `/__proto__` finds nothing. */
export function getAtPointer(value: unknown, pointer: string | PointerPath): unknown {
  const path = typeof pointer === 'string' ? parsePointer(pointer) : pointer;
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, String(segment))) return undefined;
    node = (node as Record<string, unknown>)[String(segment)];
  }
  return node;
}
