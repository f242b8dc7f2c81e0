// One version story: the spec package's version and the document's `info.version` are the same
// number. `changeset version` bumps the package; the release then writes that number into the
// document, the one line under `info:` and nothing else.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

export const SPEC_PACKAGE = 'spec/package.json';
export const SPEC_DOCUMENT = 'spec/asyncapi.yaml';

export interface SpecVersions {
  /** `version` of spec/package.json. */
  package: string;
  /** `info.version` of spec/asyncapi.yaml. */
  document: string;
}

export function readSpecVersions(root: string): SpecVersions {
  const pkg = JSON.parse(readFileSync(join(root, SPEC_PACKAGE), 'utf8')) as { version?: unknown };
  const document = parseDocument(readFileSync(join(root, SPEC_DOCUMENT), 'utf8')).getIn(['info', 'version']);
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
  const node = parseDocument(text, { keepSourceTokens: true }).getIn(['info', 'version'], true) as { range?: [number, number, number] } | undefined;
  if (node?.range === undefined) throw new Error(`${SPEC_DOCUMENT} has no info.version to write`);
  const [start, end] = node.range;
  writeFileSync(file, `${text.slice(0, start)}${version}${text.slice(end)}`);
}
