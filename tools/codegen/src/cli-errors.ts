// What the CLI prints when generation fails: a broken spec as its located problems, any other error
// as one line with its message (the stack only when DEBUG is set), so bad input never shows a trace.
import { stat } from 'node:fs/promises';
import { formatProblem, SpecError } from '@customer-chat/spec-loader';

/** The lines to print on stderr for an error generation threw. */
export function failureLines(error: unknown, debug = Boolean(process.env.DEBUG)): string[] {
  if (error instanceof SpecError) {
    return [...error.problems.map((problem) => formatProblem(problem)), `codegen: ${error.problems.length} problem(s) in the spec; nothing written.`];
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`codegen: ${message.split('\n').join(' ')}; nothing written.`];
  if (debug && error instanceof Error && error.stack !== undefined) lines.push(error.stack);
  return lines;
}

/** Why `--spec <path>` (resolved to `file`) cannot be read as a document, or undefined when it can. */
export async function specArgumentProblem(path: string, file: string): Promise<string | undefined> {
  const stats = await stat(file).catch((error: NodeJS.ErrnoException) => error);
  const named = path === file ? path : `${path} (${file})`;
  if (stats instanceof Error) {
    return stats.code === 'ENOENT' ? `--spec ${named}: no such file` : `--spec ${named}: cannot be read (${stats.code ?? stats.message})`;
  }
  if (stats.isDirectory()) return `--spec ${named} is a directory, not an AsyncAPI document`;
  if (!stats.isFile()) return `--spec ${named} is not a regular file`;
  return undefined;
}
