// One YAML mistake, one problem. A flow collection left open (`[a, b` with no `]`) or a broken
// structure makes the yaml library report every line after it ("Missing , between flow sequence
// items", "Block collections are not allowed within flow collections", ...), none of them the
// mistake. So the first structural error is reported with its place and message, and the
// structural errors after it are counted into it (how many, on which lines): nothing is lost, and
// the one to fix first stands alone. Errors that are about one spot only (a duplicate key, a bad
// escape, an unknown alias) cannot follow from another and are kept as they are.
import { CST, Parser } from 'yaml';
import type { YamlErrorAt } from './yaml-indent.js';

/** yaml's error codes that are about one spot and never a consequence of an earlier mistake. */
const LOCAL_CODES = new Set([
  'ALIAS_PROPS',
  'BAD_ALIAS',
  'BAD_DIRECTIVE',
  'BAD_DQ_ESCAPE',
  'BAD_PROP_ORDER',
  'DUPLICATE_KEY',
  'KEY_OVER_1024_CHARS',
  'MULTIPLE_ANCHORS',
  'MULTIPLE_TAGS',
  'NON_STRING_KEY',
  'TAG_RESOLVE_FAILED',
]);

/**
 * The opening bracket of the flow collection (`[...]`, `{...}`) in `source` that is never closed:
 * the first one, or when collections inside it are not closed either, the last of those opened
 * (in `[a, {b: c]` the `]` is read inside the mapping, and the `}` is what is missing).
 */
export function unclosedFlow(source: string): { line: number; column: number; bracket: string } | undefined {
  let first: { path: string; offset: number; bracket: string } | undefined;
  let innermost: typeof first;
  let documentIndex = 0;
  for (const token of new Parser().parse(source)) {
    // Only documents hold collections (the other top-level tokens are comments, directives, errors).
    if (token.type !== 'document') continue;
    documentIndex += 1;
    CST.visit(token, (item, path) => {
      const node = item.value;
      if (node?.type !== 'flow-collection') return;
      // Closed by its own bracket: a `]` that ends a `{` (as yaml reads `[a, {b: c]`) does not close it.
      const closer = node.start.type === 'flow-seq-start' ? 'flow-seq-end' : 'flow-map-end';
      if (node.end.some((end) => end.type === closer)) return;
      // Visited in document order, each collection before what it holds: a path says where a node is.
      const at = { path: `${documentIndex}/${path.map(([field, index]) => `${field}${index}`).join('/')}/`, offset: node.start.offset, bracket: node.start.source };
      if (first === undefined) first = innermost = at;
      else if (at.path.startsWith(first.path)) innermost = at;
    });
  }
  if (innermost === undefined) return undefined;
  const before = source.slice(0, innermost.offset).split(/\r?\n/);
  return { line: before.length, column: before.at(-1)!.length + 1, bracket: innermost.bracket };
}

/**
 * `errors` (in the order yaml gives them) with every structural error after the first counted into
 * it; when `source` has a flow collection that is never closed, that first error is given at its
 * opening bracket, saying so (yaml reports the lines after it, not the bracket).
 */
export function collapseCascade(errors: readonly YamlErrorAt[], source?: string): YamlErrorAt[] {
  const out: YamlErrorAt[] = [];
  let first: YamlErrorAt | undefined;
  const after: number[] = [];
  const open = errors.some((error) => !LOCAL_CODES.has(error.code)) && source !== undefined ? unclosedFlow(source) : undefined;
  for (const error of errors) {
    if (LOCAL_CODES.has(error.code)) out.push(error);
    else if (first === undefined && open !== undefined) {
      const closing = open.bracket === '[' ? ']' : '}';
      out.push((first = { code: 'MISSING_CHAR', line: open.line, column: open.column, message: `this "${open.bracket}" is never closed: a "${closing}" is missing` }));
      after.push(error.line);
    } else if (first === undefined) out.push((first = { ...error }));
    else after.push(error.line);
  }
  if (first !== undefined && after.length > 0) {
    const low = Math.min(...after);
    const high = Math.max(...after);
    const lines = low === high ? `line ${low}` : `lines ${low}–${high}`;
    const count = after.length === 1 ? '1 more syntax error' : `${after.length} more syntax errors`;
    first.message += ` (then ${count} on ${lines}, which may only follow from this one: fix it first)`;
  }
  return out;
}
