// RFC 6901 JSON pointers: how the protocol description names a value inside a payload (the
// disconnection reason inside the session-ending push) without the runtime knowing its field.

/** The value `pointer` designates in `document`, or `undefined` when there is none. */
export function readPointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  if (!pointer.startsWith('/')) return undefined;
  let value = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (value === null || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      value = value[Number(token)];
    } else {
      // Own properties only: `/constructor` must not reach Object.prototype.
      if (!Object.prototype.hasOwnProperty.call(value, token)) return undefined;
      value = (value as Record<string, unknown>)[token];
    }
  }
  return value;
}
