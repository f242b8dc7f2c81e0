// A mis-indented key, as a person reads it. YAML takes the first key of a mapping as the column all
// its keys must start at, so one key indented a space too far at the top of a mapping makes the
// parser report every key after it ("All mapping items must start at the same column"), never the
// key that is wrong. Here, when no key after the first agrees with it, those reports are given as
// one problem at the mapping's first key, naming both columns and the lines that disagree with it.
// A single key that disagrees with siblings that agree is left where YAML reports it.

/** A YAML error as the yaml library gives it: its code and 1-based position. */
export interface YamlErrorAt {
  code: string;
  line: number;
  column: number;
  message: string;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isContent = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');

/**
 * `errors` with each run of BAD_INDENT errors of one block mapping replaced by one error at the
 * mapping's first key, when that key's column differs from theirs; other errors are kept as they are.
 */
export function groupIndentErrors(source: string, errors: readonly YamlErrorAt[]): YamlErrorAt[] {
  const lines = source.split(/\r?\n/);
  const out: YamlErrorAt[] = [];
  const grouped = new Map<number, { first: YamlErrorAt; lines: number[] }>();
  for (const error of errors) {
    const text = lines[error.line - 1];
    if (error.code !== 'BAD_INDENT' || text === undefined) {
      out.push(error);
      continue;
    }
    const indent = indentOf(text);
    // Up to the line that holds the mapping (the first content line indented less than this one):
    // the content line just after it is the mapping's first key.
    let first: number | undefined;
    for (let n = error.line - 1; n >= 1; n -= 1) {
      const previous = lines[n - 1]!;
      if (!isContent(previous)) continue;
      if (indentOf(previous) < indent) break;
      first = n;
    }
    const firstText = first === undefined ? undefined : lines[first - 1]!;
    // The first key is the odd one only when no key between it and this one agrees with it: a key
    // that disagrees with its agreeing siblings is itself the one to fix, and YAML names it.
    const agreed = first !== undefined && firstText !== undefined && lines.slice(first, error.line - 1).some((line) => isContent(line) && indentOf(line) === indentOf(firstText));
    if (first === undefined || firstText === undefined || indentOf(firstText) === indent || agreed) {
      out.push(error);
      continue;
    }
    const group = grouped.get(first);
    if (group !== undefined) {
      group.lines.push(error.line);
      continue;
    }
    const at: YamlErrorAt = { code: 'BAD_INDENT', line: first, column: indentOf(firstText) + 1, message: '' };
    grouped.set(first, { first: at, lines: [error.line] });
    out.push(at);
  }
  for (const [first, { first: at, lines: after }] of grouped) {
    const column = indentOf(lines[first - 1]!) + 1;
    const theirs = indentOf(lines[after[0]! - 1]!) + 1;
    const which = after.length === 1 ? `line ${after[0]}` : `lines ${after.join(', ')}`;
    at.message = `this key starts at column ${column}, the keys after it in the same mapping (${which}) at column ${theirs}: one of the two is mis-indented`;
  }
  return out;
}
