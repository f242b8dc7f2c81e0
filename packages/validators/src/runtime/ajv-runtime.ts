// ESM copies of two helpers of ajv's runtime, so that the guards and the explainer count lengths and
// compare values exactly as ajv does, without ajv (its copies are CommonJS-only and would pull ajv
// into browser bundles).

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

/**
 * ajv's deep equality (`ajv/dist/runtime/equal`, which is fast-deep-equal 3.1.3), line for line, so
 * that values JSON cannot hold (Date, RegExp, class instances) compare as ajv compares them. Like
 * it, it may throw (a cycle, a `valueOf` that is not a function): callers decide what that means.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function equal(a: any, b: any): boolean {
  if (a === b) return true;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (a.constructor !== b.constructor) return false;
    let length: number;
    if (Array.isArray(a)) {
      length = a.length;
      if (length != b.length) return false;
      for (let i = length; i-- !== 0; ) if (!equal(a[i], b[i])) return false;
      return true;
    }
    if (a.constructor === RegExp) return a.source === b.source && a.flags === b.flags;
    if (a.valueOf !== Object.prototype.valueOf) return a.valueOf() === b.valueOf();
    if (a.toString !== Object.prototype.toString) return a.toString() === b.toString();
    const keys = Object.keys(a);
    length = keys.length;
    if (length !== Object.keys(b).length) return false;
    for (let i = length; i-- !== 0; ) if (!Object.prototype.hasOwnProperty.call(b, keys[i]!)) return false;
    for (let i = length; i-- !== 0; ) {
      const key = keys[i]!;
      if (!equal(a[key], b[key])) return false;
    }
    return true;
  }
  // NaN is the only value not equal to itself.
  return a !== a && b !== b;
}
