// Loads the AsyncAPI document: parses it once with @asyncapi/parser (AsyncAPI 3 + its Spectral
// ruleset) and turns every diagnostic into a problem naming the file, line, column and JSON pointer.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Parser, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';
import { isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import { formatPointer, getAtPointer, parsePointer } from './json-pointer.js';
import { positionIn, readSourceFile, screenRefs, type RefScreen, type SourceFile } from './refs.js';
import { projectRules } from './ruleset.js';
import { collapseCascade } from './yaml-cascade.js';
import { groupIndentErrors } from './yaml-indent.js';

export { projectRules };
export * from './json-pointer.js';
export * from './schema-traversal.js';

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
  /** Line and column (1-based) of the node at a JSON pointer, or of its nearest existing ancestor. */
  locate(pointer: string): { line: number; column: number };
  /** The document exactly as written (references kept), as plain JSON. */
  raw: Record<string, unknown>;
  /** The parsed document; undefined when it has errors. */
  document: AsyncAPIDocumentInterface | undefined;
  problems: SpecProblem[];
}

const SEVERITIES: Severity[] = ['error', 'warning', 'information', 'hint'];

/** The nearest folder holding `pnpm-workspace.yaml`, from `from` upwards; undefined outside a workspace. */
export function findWorkspaceRoot(from = process.cwd()): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * How a file is named to the user: relative to the repository root (the nearest ancestor of the
 * working directory with `pnpm-workspace.yaml`), whichever package folder a task runs in; a file
 * outside the repository by its absolute path; outside a workspace, relative to the working
 * directory when below it, absolute otherwise.
 */
export function displayPath(file: string, cwd = process.cwd()): string {
  const absolute = resolve(cwd, file);
  const base = findWorkspaceRoot(cwd) ?? resolve(cwd);
  const path = relative(base, absolute);
  if (path === '' || path.startsWith('..') || isAbsolute(path)) return absolute;
  return path.split('\\').join('/');
}

/** `file:line:column severity code at /pointer: message`; the file as displayPath names it, or relative to `base` when given. */
export function formatProblem(problem: SpecProblem, base?: string): string {
  const file = base === undefined ? displayPath(problem.file) : relative(base, problem.file) || problem.file;
  const where = `${file}:${problem.line}:${problem.column}`;
  return `${where} ${problem.severity} ${problem.code} at ${problem.pointer || '/'}: ${problem.message}`;
}

/** Raised when a document cannot be used; `problems` holds every diagnostic that blocks it. */
export class SpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(`${problems.length} problem(s) in the AsyncAPI document:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'SpecError';
  }
}

/**
 * Keys the parser's own libraries cannot take: as a property name, `__proto__` revokes the proxy
 * the ruleset walks with and `hasOwnProperty` shadows the method the $ref resolver calls, and each
 * fails the whole parse with a stack trace. Refused at the key, before the parser sees them.
 */
const KEYS_THE_PARSER_CANNOT_TAKE = new Set(['__proto__', 'hasOwnProperty']);

function unusableKeys(file: string, yaml: Document, lineCounter: LineCounter): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const walk = (node: unknown, path: Array<string | number>): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        if (KEYS_THE_PARSER_CANNOT_TAKE.has(key)) {
          const at = lineCounter.linePos((pair.key as { range?: [number, number, number] }).range?.[0] ?? 0);
          problems.push({
            severity: 'error',
            code: 'unsupported-key',
            message: `the key "${key}" cannot be used anywhere in the document (the AsyncAPI parser fails on it); rename it`,
            file,
            line: at.line,
            column: at.col,
            pointer: formatPointer([...path, key]),
          });
        }
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...path, index]));
    }
  };
  walk(yaml.contents, []);
  return problems;
}

/**
 * The deepest nesting (maps and sequences) a file may have. The parser's time grows exponentially
 * with nesting (sequences nested 26 deep took 13 s, 40 deep did not end): deeper is refused before
 * it runs. This document nests 11 levels; a schema that needs more can move inner parts to
 * `components/schemas` and `$ref` them.
 */
export const MAX_NESTING = 20;

/** The first node nested deeper than MAX_NESTING, as a problem; undefined when there is none. */
function tooDeep(file: string, yaml: Document, lineCounter: LineCounter): SpecProblem | undefined {
  let found: SpecProblem | undefined;
  const walk = (node: unknown, path: Array<string | number>, depth: number): void => {
    if (found !== undefined || (!isMap(node) && !isSeq(node))) return;
    if (depth > MAX_NESTING) {
      const at = lineCounter.linePos((node as { range?: [number, number, number] }).range?.[0] ?? 0);
      const message = `nested ${MAX_NESTING + 1} levels deep or more; at most ${MAX_NESTING} are allowed (the AsyncAPI parser's time grows exponentially with nesting): move inner schemas to components/schemas and $ref them`;
      found = { severity: 'error', code: 'too-deep', message, file, line: at.line, column: at.col, pointer: formatPointer(path) };
      return;
    }
    if (isMap(node)) for (const pair of node.items) walk(pair.value, [...path, isScalar(pair.key) ? String(pair.key.value) : '?'], depth + 1);
    else node.items.forEach((item, index) => walk(item, [...path, index], depth + 1));
  };
  walk(yaml.contents, [], 1);
  return found;
}

/**
 * Numbers JSON cannot hold: `.inf`, `.nan`, or one too large for a double (`1e400`). The parser
 * copies schemas through JSON while it merges traits, where they turn into `null`, and the copy no
 * longer matches its named schema: the generator then reports unrelated payloads. Refused at the value.
 */
function nonFiniteNumbers(file: string, yaml: Document, lineCounter: LineCounter): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const walk = (node: unknown, path: Array<string | number>): void => {
    if (isScalar(node) && typeof node.value === 'number' && !Number.isFinite(node.value)) {
      const at = lineCounter.linePos(node.range?.[0] ?? 0);
      const written = node.source ?? String(node.value);
      const message = `${written} is not a finite number: JSON has no Infinity or NaN (the parser and the bundled document would read null); write a finite number`;
      problems.push({ severity: 'error', code: 'non-finite-number', message, file, line: at.line, column: at.col, pointer: formatPointer(path) });
    } else if (isMap(node)) {
      for (const pair of node.items) if (isScalar(pair.key)) walk(pair.value, [...path, String(pair.key.value)]);
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item, [...path, index]));
    }
  };
  walk(yaml.contents, []);
  return problems;
}

/** What is refused in a file before the parser reads it: keys it cannot take, numbers JSON cannot hold, nesting it would take too long on. */
function screenFile(source: SourceFile): SpecProblem[] {
  const deep = tooDeep(source.file, source.yaml, source.lineCounter);
  return [
    ...unusableKeys(source.file, source.yaml, source.lineCounter),
    ...nonFiniteNumbers(source.file, source.yaml, source.lineCounter),
    ...(deep === undefined ? [] : [deep]),
  ];
}

/** The first line of a YAML error, without its trailing `at line 5, column 1:`: the location is printed before it. */
function yamlMessage(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:\s*$/, '');
}

function toProblem(file: string, diagnostic: Diagnostic): SpecProblem {
  return {
    severity: SEVERITIES[diagnostic.severity] ?? 'error',
    code: String(diagnostic.code),
    // An error the parser did not expect carries its stack in the message: the first part says it all.
    message: diagnostic.message.split(', stack: ')[0]!,
    // A problem inside a $ref'd file comes with that file as its source, and a line and path there.
    file: diagnostic.source !== undefined && isAbsolute(diagnostic.source) ? diagnostic.source : file,
    line: diagnostic.range.start.line + 1,
    column: diagnostic.range.start.character + 1,
    pointer: formatPointer(diagnostic.path),
  };
}

/**
 * The parser reports a misspelt key whose value is a $ref (`paylod: { $ref: ... }`) at the schema the
 * $ref names: it follows refs when it maps its resolved document back to the files. The key is in
 * the object that refers, so the problem is moved there: to the key of every
 * `X: { $ref }` ending at the node reported. Other diagnostics through a $ref cannot be told apart this way (the parser keeps no
 * trace of the path it found them at) and stay at the node they name.
 */
function atReferringKey(problem: SpecProblem, refs: RefScreen): SpecProblem[] {
  const key = /^Property "(.+)" is not expected to be here$/.exec(problem.message)?.[1];
  if (key === undefined) return [problem];
  // The key is right where the parser says: nothing to move.
  const reported = getAtPointer(refs.files.get(problem.file)?.value, problem.pointer);
  if (reported !== null && typeof reported === 'object' && Object.hasOwn(reported, key)) return [problem];
  const target = `${problem.file}#${problem.pointer}`;
  const moved = refs.sites
    .filter((site) => site.path[site.path.length - 1] === key)
    .filter((site) => {
      const end = refs.endOf(site);
      return end !== undefined && `${end.file}#${formatPointer(end.path)}` === target;
    })
    .map((site): SpecProblem => {
      const holder = site.path.slice(0, -1);
      // At the key, as the parser reports a misspelt key whose value is written inline.
      return { ...problem, file: site.file, pointer: formatPointer(site.path), ...positionIn(refs.files.get(site.file)!, holder, key) };
    });
  return moved.length > 0 ? moved : [problem];
}

/** The messages of the meta-schema's branches, which name no keyword that is wrong. */
const BRANCH_MESSAGE = / must match ("(?:else|then)" schema|exactly one schema in oneOf|a schema in anyOf)$/;

/**
 * The parser validates the document with every $ref resolved, so one wrong keyword (`maxLength:
 * "5"`) is also reported at every schema that refers to the one that has it, through the branches
 * of the meta-schema: `"X" property must match "else" schema`, or `"items" property type must be
 * array` at a schema that has no `items`. When the same run says, at its place, which keyword is
 * wrong, those echoes are left out (27 lines for one mistake, the one that helps among them). They
 * are kept when nothing else is said, so a problem is never hidden entirely; a second, separate
 * mistake that shows only as an echo appears once the first is fixed.
 */
function withoutEchoes(problems: SpecProblem[], refs: RefScreen): SpecProblem[] {
  const isEcho = (problem: SpecProblem): boolean => {
    if (problem.code !== 'asyncapi-document-resolved') return false;
    if (BRANCH_MESSAGE.test(problem.message)) return true;
    const key = /^"(.+?)" property /.exec(problem.message)?.[1];
    if (key === undefined || parsePointer(problem.pointer).at(-1) === key) return false;
    // A keyword named where it is not (the schema reported has no such key): an echo of a referring schema.
    const node = getAtPointer(refs.files.get(problem.file)?.value, problem.pointer);
    return !(node !== null && typeof node === 'object' && Object.hasOwn(node, key));
  };
  const echoes = new Set(problems.filter(isEcho));
  const located = problems.filter((problem) => problem.code === 'asyncapi-document-resolved' && !echoes.has(problem));
  return echoes.size === 0 || located.length === 0 ? problems : problems.filter((problem) => !echoes.has(problem));
}

export async function loadSpec(path: string): Promise<LoadedSpec> {
  const file = resolve(path);
  const source = await readFile(file, 'utf8');
  const main = readSourceFile(file, source);
  const { yaml, lineCounter } = main;
  const locate = (pointer: string) => positionIn(main, parsePointer(pointer));
  if (yaml.errors.length > 0) {
    const errors = yaml.errors.map((error) => ({ code: error.code, line: error.linePos?.[0].line ?? 1, column: error.linePos?.[0].col ?? 1, message: yamlMessage(error.message) }));
    const problems = collapseCascade(groupIndentErrors(source, errors), source).map(({ line, column, message }): SpecProblem => ({
      severity: 'error',
      code: 'yaml-syntax',
      message,
      file,
      line,
      column,
      pointer: '',
    }));
    return { file, raw: {}, document: undefined, problems, locate };
  }
  if (main.unexpandable !== undefined) {
    const { message, line, column } = main.unexpandable;
    return { file, raw: {}, document: undefined, problems: [{ severity: 'error', code: 'yaml-syntax', message: `its aliases cannot be expanded: ${message}`, file, line, column, pointer: '' }], locate };
  }
  const unusable = screenFile(main);
  if (unusable.length > 0) return { file, raw: {}, document: undefined, problems: unusable, locate };
  // The parser would hang on a $ref cycle and fetch remote refs: both refused before it runs.
  const refs = screenRefs(main);
  if (refs.problems.length > 0) return { file, raw: {}, document: undefined, problems: refs.problems, locate };
  // The files the $refs name are read by the parser too: the same keys and depths are refused there.
  const inRefs = [...refs.files.values()].filter((read) => read.file !== file).flatMap(screenFile);
  if (inRefs.length > 0) return { file, raw: {}, document: undefined, problems: inRefs, locate };
  const raw = main.value as Record<string, unknown>;
  const parser = new Parser({ ruleset: { rules: projectRules } });
  // Without a byte order mark: the parser counts it as a character of every line's columns.
  const { document, diagnostics } = await parser.parse(source.replace(/^\uFEFF/, ''), { source: file });
  const problems = withoutEchoes(diagnostics.flatMap((d) => atReferringKey(toProblem(file, d), refs)), refs);
  return { file, raw, document, problems, locate };
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
