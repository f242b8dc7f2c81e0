// ESM copies of the two helpers ajv's standalone code calls, so the precompiled validators have no
// runtime dependency (ajv's own copies are CommonJS-only and would pull ajv into browser bundles).

/**
 * String length in Unicode code points, as JSON Schema counts it (a surrogate pair is one).
 * Same algorithm as ajv/dist/runtime/ucs2length.
 */
export function ucs2length(str: string): number {
  const len = str.length;
  let length = 0;
  let pos = 0;
  while (pos < len) {
    length++;
    const value = str.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < len) {
      // high surrogate, and there is a next character
      const next = str.charCodeAt(pos);
      if ((next & 0xfc00) === 0xdc00) pos++; // low surrogate
    }
  }
  return length;
}

/** Deep equality of JSON values, as ajv's `equal` (fast-deep-equal) for `const`, `enum` and `uniqueItems`. */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a)) {
      const other = b as unknown[];
      return a.length === other.length && a.every((item, i) => equal(item, other[i]));
    }
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    if (keysA.length !== keysB.length) return false;
    return keysA.every((key) => Object.prototype.hasOwnProperty.call(b, key) && equal((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
  }
  // NaN is the only value not equal to itself.
  return a !== a && b !== b;
}
