// Prints a JSON value as a JavaScript literal for the code examples: single quotes, bare keys,
// on one line when it fits and indented otherwise.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function jsString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : jsString(name);
}

/**
 * `value` as a literal. `indent` is the indentation of the line it is on, `column` where on that
 * line it starts (for the line limit `width`).
 */
export function jsLiteral(value: unknown, indent = 0, width = 100, column = indent): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return jsString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const flat = `[${value.map((v) => jsLiteral(v, indent, Infinity)).join(', ')}]`;
    if (column + flat.length <= width) return flat;
    return `[\n${value.map((v) => `${pad}  ${jsLiteral(v, indent + 2, width)}`).join(',\n')},\n${pad}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    const flat = `{ ${entries.map(([k, v]) => `${key(k)}: ${jsLiteral(v, indent, Infinity)}`).join(', ')} }`;
    if (column + flat.length <= width) return flat;
    return `{\n${entries.map(([k, v]) => `${pad}  ${key(k)}: ${jsLiteral(v, indent + 2, width, indent + 2 + key(k).length + 2)}`).join(',\n')},\n${pad}}`;
  }
  throw new Error(`cannot print ${typeof value} as a literal`);
}
