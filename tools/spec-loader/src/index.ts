// Loads the AsyncAPI document: parses it once with @asyncapi/parser (AsyncAPI 3 + its Spectral
// ruleset) and turns every diagnostic into a problem naming the file, line, column and JSON pointer.
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { Parser, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';
import { parse as parseYaml } from 'yaml';
import { projectRules } from './ruleset.js';

export { projectRules };

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface SpecProblem {
  severity: Severity;
  /** The rule that fired, e.g. `asyncapi3-schemas` or `yaml-syntax`. */
  code: string;
  message: string;
  file: string;
  /** 1-based, as editors count. */
  line: number;
  column: number;
  /** JSON pointer (RFC 6901) of the offending node, `''` for the whole document. */
  pointer: string;
}

export interface LoadedSpec {
  file: string;
  /** The document exactly as written (references kept), as plain JSON. */
  raw: Record<string, unknown>;
  /** The parsed document; undefined when it has errors. */
  document: AsyncAPIDocumentInterface | undefined;
  problems: SpecProblem[];
}

const SEVERITIES: Severity[] = ['error', 'warning', 'information', 'hint'];

export function toPointer(path: ReadonlyArray<string | number>): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function formatProblem(problem: SpecProblem, cwd = process.cwd()): string {
  const where = `${relative(cwd, problem.file) || problem.file}:${problem.line}:${problem.column}`;
  return `${where} ${problem.severity} ${problem.code} at ${problem.pointer || '/'}: ${problem.message}`;
}

/** Raised when a document cannot be used; `problems` holds every diagnostic that blocks it. */
export class SpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(`${problems.length} problem(s) in the AsyncAPI document:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'SpecError';
  }
}

function toProblem(file: string, diagnostic: Diagnostic): SpecProblem {
  return {
    severity: SEVERITIES[diagnostic.severity] ?? 'error',
    code: String(diagnostic.code),
    message: diagnostic.message,
    file,
    line: diagnostic.range.start.line + 1,
    column: diagnostic.range.start.character + 1,
    pointer: toPointer(diagnostic.path),
  };
}

export async function loadSpec(path: string): Promise<LoadedSpec> {
  const file = resolve(path);
  const source = await readFile(file, 'utf8');
  let raw: Record<string, unknown>;
  try {
    raw = parseYaml(source, { prettyErrors: true }) as Record<string, unknown>;
  } catch (error) {
    const linePos = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const problem: SpecProblem = {
      severity: 'error',
      code: 'yaml-syntax',
      message: (error as Error).message.split('\n')[0] ?? String(error),
      file,
      line: linePos?.line ?? 1,
      column: linePos?.col ?? 1,
      pointer: '',
    };
    return { file, raw: {}, document: undefined, problems: [problem] };
  }
  const parser = new Parser({ ruleset: { rules: projectRules } });
  const { document, diagnostics } = await parser.parse(source, { source: file });
  const problems = diagnostics.map((d) => toProblem(file, d));
  return { file, raw, document, problems };
}

/**
 * Loads the document and insists that it is clean: any error or warning throws a SpecError
 * listing them all. Informational diagnostics are returned for the caller to show.
 */
export async function loadCleanSpec(path: string): Promise<LoadedSpec & { document: AsyncAPIDocumentInterface }> {
  const spec = await loadSpec(path);
  const blocking = spec.problems.filter((p) => p.severity === 'error' || p.severity === 'warning');
  if (blocking.length > 0 || spec.document === undefined) throw new SpecError(blocking);
  return spec as LoadedSpec & { document: AsyncAPIDocumentInterface };
}
