// What the CLI prints when generation fails: a broken spec as its located problems, any other error
// as one line with its message (the stack only when DEBUG is set), so bad input never shows a trace.
import { stat } from 'node:fs/promises';
import { formatProblem, SpecError } from '@customer-chat/spec-loader';
import { OutputError } from './output.js';

/** The lines to print on stderr for an error generation threw. */
export function failureLines(error: unknown, debug = Boolean(process.env.DEBUG)): string[] {
  if (error instanceof SpecError) {
    return [...error.problems.map((problem) => formatProblem(problem)), `codegen: ${error.problems.length} problem(s) in the spec; nothing written.`];
  }
  const message = (error instanceof Error ? error.message : String(error)).split('\n').join(' ');
  // A failed write says what it did write: nothing, or the files renamed into place before it failed.
  const outcome =
    error instanceof OutputError && error.written.length > 0
      ? `${error.written.length} file(s) written (${error.written.join(', ')}), ${error.unwritten.length} not (${error.unwritten.join(', ')})`
      : 'nothing written';
  const lines = [`codegen: ${message}; ${outcome}.`];
  if (debug && error instanceof Error && error.stack !== undefined) lines.push(error.stack);
  return lines;
}

/** Why the document at `path` (resolved to `file`; given as `--spec` or the default one) cannot be read, or undefined when it can. */
export async function specArgumentProblem(path: string, file: string, given = true): Promise<string | undefined> {
  const stats = await stat(file).catch((error: NodeJS.ErrnoException) => error);
  const named = `${given ? '--spec ' : 'the default document '}${path === file ? path : `${path} (${file})`}`;
  if (stats instanceof Error) {
    return stats.code === 'ENOENT' ? `${named}: no such file` : `${named}: cannot be read (${stats.code ?? stats.message})`;
  }
  if (stats.isDirectory()) return `${named} is a directory, not an AsyncAPI document`;
  if (!stats.isFile()) return `${named} is not a regular file`;
  return undefined;
}
