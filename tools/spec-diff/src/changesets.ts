// Reads the pending changesets (`.changeset/*.md`) and checks that every package a breaking change
// affects gets a major bump.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { largestBumps } from './applied-bumps.js';
import type { Change } from './classify.js';

export type Bump = 'major' | 'minor' | 'patch';

const BUMPS: readonly unknown[] = ['major', 'minor', 'patch'] satisfies Bump[];

/** A changeset that cannot be read: its message is one line, `file:line:column: what`. */
export class ChangesetError extends Error {}

/** The largest bump of each package over the changesets in `directory`, named `shownAs` in errors. */
export function readChangesets(directory: string, shownAs = directory): Map<string, Bump> {
  const each = readdirSync(directory)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .flatMap((file) => {
      const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(directory, file), 'utf8'));
      return front === null ? [] : [frontMatter(front[1]!, join(shownAs, file))];
    });
  return largestBumps(...each);
}

/** The bumps a front matter names; lines are counted in the file (the front matter starts on its second). */
function frontMatter(text: string, file: string): Map<string, Bump> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  function fail(node: unknown, what: string, offset = (node as { range?: number[] } | null)?.range?.[0]): never {
    const { line, col } = lines.linePos(offset ?? 0);
    throw new ChangesetError(`${file}:${line + 1}:${col}: ${what}`);
  }
  const [error] = doc.errors;
  if (error !== undefined) fail(null, error.message, error.pos[0]);
  const bumps = new Map<string, Bump>();
  if (doc.contents === null) return bumps;
  if (!isMap(doc.contents)) fail(doc.contents, 'the front matter is not a mapping of package names to major, minor or patch');
  for (const { key, value } of doc.contents.items) {
    const pkg = isScalar(key) ? key.value : undefined;
    if (typeof pkg !== 'string') fail(key, 'a key that is not a package name');
    const bump = isScalar(value) ? value.value : undefined;
    if (!BUMPS.includes(bump)) fail(value ?? key, `the bump of ${pkg} is not major, minor or patch`);
    bumps.set(pkg, bump as Bump);
  }
  return bumps;
}

/** The packages a breaking change affects that have no major changeset. */
export function missingMajors(changes: Change[], bumps: ReadonlyMap<string, Bump>): string[] {
  const needed = new Set(changes.filter((c) => c.breaking).flatMap((c) => c.packages));
  return [...needed].filter((pkg) => bumps.get(pkg) !== 'major').sort();
}
