// Reads changesets (`.changeset/*.md`) the way changesets itself does, refusing a broken one at its
// file, line and column; and checks that every package a breaking change affects gets a major bump.
// The release tool reads changesets through this module too: one reader, one set of refusals.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, parseDocument } from 'yaml';
import { largestBumps } from './applied-bumps.js';
import type { Change } from './classify.js';

/** A bump that releases something. */
export type Bump = 'major' | 'minor' | 'patch';

/** What a changeset may name for a package, as changesets accepts it (`none`: no release). */
export type ChangesetBump = Bump | 'none';

const BUMPS: ReadonlySet<unknown> = new Set(['major', 'minor', 'patch', 'none'] satisfies ChangesetBump[]);

/** A changeset that cannot be read: its message is one line, `file:line:column: what` (`file: what` when the file itself cannot be read). */
export class ChangesetError extends Error {}

export interface Changeset {
  /** The file as it is shown in errors, e.g. `.changeset/<id>.md`. */
  file: string;
  /** Package name to bump, as its front matter says (`none` included). */
  releases: Map<string, ChangesetBump>;
}

/** 1-based `line:column` of `offset` in `text`. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `${before.split('\n').length}:${offset - before.lastIndexOf('\n')}`;
}

// As @changesets/parse finds the front matter (so the two agree on what it is).
const FRONT_MATTER = /\s*---([^]*?)\n\s*---(\s*(?:\n|$)[^]*)/;

/**
 * The packages a changeset file bumps; throws ChangesetError, located in the file, for what
 * changesets would refuse (with `known`, the workspace's package names, a name not among them too:
 * a typo would otherwise pass for a changeset that releases nothing).
 */
export function parseChangeset(file: string, written: string, known?: ReadonlySet<string>): Changeset {
  // CRLF read as LF (else the last bump would read `patch\r`); lines and columns stay the same.
  const text = written.replace(/\r\n/g, '\n');
  const at = (offset: number, message: string) => new ChangesetError(`${file}:${position(text, offset)}: ${message}`);
  if (text.trim() === '') throw at(0, 'the file is empty: a changeset starts with front matter between --- lines (an empty one: ---, then ---)');
  const match = FRONT_MATTER.exec(text);
  if (match === null) throw at(0, 'no front matter: a changeset starts with package names and bumps between --- lines');
  // Offsets in the front matter are counted from just after its opening `---`.
  const start = match.index + match[0].indexOf('---') + 3;
  const document = parseDocument(match[1]!, { prettyErrors: false, uniqueKeys: true });
  const error = document.errors[0];
  if (error !== undefined) throw at(start + error.pos[0], `the front matter is not valid YAML: ${error.message}`);
  const releases = new Map<string, ChangesetBump>();
  if (document.contents === null) return { file, releases };
  if (!isMap(document.contents)) throw at(start + (document.contents.range?.[0] ?? 0), 'the front matter is not a map of package names to bumps');
  for (const pair of document.contents.items) {
    const key = isScalar(pair.key) ? pair.key : undefined;
    const name = key?.value;
    const keyOffset = start + (key?.range?.[0] ?? 0);
    if (typeof name !== 'string' || name.trim() === '') throw at(keyOffset, `${JSON.stringify(name ?? null)} is not a package name`);
    if (known !== undefined && !known.has(name)) throw at(keyOffset, `"${name}" is not a package of this workspace`);
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (!BUMPS.has(value)) {
      const offset = (pair.value as { range?: [number, number, number] } | null)?.range?.[0];
      throw at(offset === undefined ? keyOffset : start + offset, `"${name}": ${JSON.stringify(value ?? null)} is not a bump (major, minor, patch or none)`);
    }
    releases.set(name, value as ChangesetBump);
  }
  return { file, releases };
}

/** The changeset files of `directory` (not its README, nor a folder named `x.md`), sorted. */
export function changesetFiles(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.md') && !name.startsWith('.') && !/^README\.md$/i.test(name))
    // A link that leads nowhere stays, to be refused when read rather than skipped unnoticed.
    .filter((name) => statSync(join(directory, name), { throwIfNoEntry: false })?.isDirectory() !== true)
    .sort();
}

/** Every changeset in `directory`, each shown in errors as `shownAs/<file>`. */
export function readChangesetFiles(directory: string, shownAs = directory, known?: ReadonlySet<string>): Changeset[] {
  return changesetFiles(directory).map((name) => {
    const file = join(shownAs, name);
    let text: string;
    try {
      text = readFileSync(join(directory, name), 'utf8');
    } catch (error) {
      // `EACCES: permission denied, open '/abs/path'`: the file is named already, by the name the caller knows.
      throw new ChangesetError(`${file}: cannot be read: ${(error as Error).message.replace(/, \w+ '.*'$/, '')}`);
    }
    return parseChangeset(file, text, known);
  });
}

/**
 * The largest bump of each package over the changesets in `directory` (`none` releases nothing);
 * with `known`, a package name not among them is refused.
 */
export function readChangesets(directory: string, shownAs = directory, known?: ReadonlySet<string>): Map<string, Bump> {
  return bumpsOf(readChangesetFiles(directory, shownAs, known));
}

/** The largest bump of each package over `changesets` (`none` releases nothing). */
export function bumpsOf(changesets: readonly Changeset[]): Map<string, Bump> {
  const released = (releases: Map<string, ChangesetBump>) => new Map([...releases].filter((entry): entry is [string, Bump] => entry[1] !== 'none'));
  return largestBumps(...changesets.map((changeset) => released(changeset.releases)));
}

/** The packages a breaking change affects that have no major changeset. */
export function missingMajors(changes: Change[], bumps: ReadonlyMap<string, Bump>): string[] {
  const needed = new Set(changes.filter((c) => c.breaking).flatMap((c) => c.packages));
  return [...needed].filter((pkg) => bumps.get(pkg) !== 'major').sort();
}
