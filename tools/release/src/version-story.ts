// One version story: the spec package's version and the document's `info.version` are the same
// number. `changeset version` bumps the package; the release then writes that number into the
// document, the one line under `info:` and nothing else.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { ReleaseRefused } from './errors.js';

export const SPEC_PACKAGE = 'spec/package.json';
export const SPEC_DOCUMENT = 'spec/asyncapi.yaml';

export interface SpecVersions {
  /** `version` of spec/package.json. */
  package: string;
  /** `info.version` of spec/asyncapi.yaml. */
  document: string;
}

/**
 * The spec document, parsed; one that is not valid YAML (a duplicate key included) is refused
 * with each problem located, `spec/asyncapi.yaml:line:column: ...`, rather than read in part.
 */
function parseSpec(text: string, options: { keepSourceTokens?: boolean } = {}): Document {
  const document = parseDocument(text, options);
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const at = error.linePos?.[0];
      // yaml's message ends with " at line L, column C:" and a code frame: the location leads instead.
      const said = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:$/, '');
      return `${SPEC_DOCUMENT}${at === undefined ? '' : `:${at.line}:${at.col}`}: not valid YAML: ${said}`;
    });
    throw new ReleaseRefused(problems.join('\n'));
  }
  return document;
}

export function readSpecVersions(root: string): SpecVersions {
  const pkg = JSON.parse(readFileSync(join(root, SPEC_PACKAGE), 'utf8')) as { version?: unknown };
  const document = parseSpec(readFileSync(join(root, SPEC_DOCUMENT), 'utf8')).getIn(['info', 'version']);
  return { package: String(pkg.version), document: String(document) };
}

/** A line saying how the two differ, or undefined when they agree. */
export function versionMismatch(versions: SpecVersions): string | undefined {
  if (versions.package === versions.document) return undefined;
  return `the spec's versions differ: ${SPEC_PACKAGE} says ${versions.package}, ${SPEC_DOCUMENT} info.version says ${versions.document}; make them equal`;
}

/** Writes `version` as the document's info.version, keeping every other byte of the file. */
export function writeDocumentVersion(root: string, version: string): void {
  const file = join(root, SPEC_DOCUMENT);
  const text = readFileSync(file, 'utf8');
  const node = parseSpec(text, { keepSourceTokens: true }).getIn(['info', 'version'], true) as { range?: [number, number, number] } | undefined;
  if (node?.range === undefined) throw new Error(`${SPEC_DOCUMENT} has no info.version to write`);
  const [start, end] = node.range;
  writeFileSync(file, `${text.slice(0, start)}${version}${text.slice(end)}`);
}
