// The changesets as the release sees them, read before anything runs: each one with the packages
// it releases, so that a broken one is refused naming its file, line and column (changesets would
// fail later, mid-step, without them); which are still to version (in pre mode `changeset version`
// keeps the ones it consumed and lists them in pre.json); and which release nothing (an empty
// changeset, as `changeset add --empty` writes, or one naming only private packages or `none`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, parseDocument } from 'yaml';
import { ReleaseRefused } from './errors.js';

export const CHANGESET_DIR = '.changeset';

/** The bumps a changeset may name, as changesets accepts them. */
const BUMPS = new Set(['major', 'minor', 'patch', 'none']);

export interface Changeset {
  /** `.changeset/<id>.md` */
  file: string;
  /** Package name to bump, as its front matter says. */
  releases: Map<string, string>;
}

/** `.changeset/pre.json`, written by `changeset pre enter <tag>`. */
export interface PreState {
  mode: 'pre' | 'exit';
  /** The dist-tag and prerelease id (`next`). */
  tag: string;
  /** The ids of the changesets already versioned in pre mode. */
  changesets: string[];
}

export interface Changesets {
  /** Every changeset still to version. */
  pending: Changeset[];
  /** Those of them that bump a published package. */
  releasing: Changeset[];
  pre: PreState | undefined;
  /** Something for `changeset version` to do: a releasing changeset, or leaving pre mode. */
  work: boolean;
}

/** A changeset (or pre.json) that cannot be read; the message starts with `file:line:column: `. */
export class UnreadableChangeset extends ReleaseRefused {}

/** 1-based line and column of `offset` in `text`. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `${before.split('\n').length}:${offset - before.lastIndexOf('\n')}`;
}

// As @changesets/parse finds the front matter (so the two agree on what it is).
const FRONT_MATTER = /\s*---([^]*?)\n\s*---(\s*(?:\n|$)[^]*)/;

/**
 * The packages a changeset file bumps; throws UnreadableChangeset, located, for what changesets
 * would refuse (with `known`, the workspace's package names, a name not among them too).
 */
export function parseChangeset(file: string, text: string, known?: ReadonlySet<string>): Changeset {
  const at = (offset: number, message: string) => new UnreadableChangeset(`${file}:${position(text, offset)}: ${message}`);
  if (text.trim() === '') throw at(0, 'the file is empty: a changeset starts with front matter between --- lines (an empty one: ---, then ---)');
  const match = FRONT_MATTER.exec(text);
  if (match === null) throw at(0, 'no front matter: a changeset starts with package names and bumps between --- lines');
  // Offsets in the front matter are counted from just after its opening `---`.
  const start = match.index + match[0].indexOf('---') + 3;
  const document = parseDocument(match[1]!, { prettyErrors: false, uniqueKeys: true });
  const error = document.errors[0];
  if (error !== undefined) throw at(start + error.pos[0], `the front matter is not valid YAML: ${error.message}`);
  const releases = new Map<string, string>();
  if (document.contents === null) return { file, releases };
  if (!isMap(document.contents)) throw at(start + (document.contents.range?.[0] ?? 0), 'the front matter is not a map of package names to bumps');
  for (const pair of document.contents.items) {
    const key = isScalar(pair.key) ? pair.key : undefined;
    const name = key?.value;
    if (typeof name !== 'string' || name.trim() === '') throw at(start + (key?.range?.[0] ?? 0), `${JSON.stringify(name ?? null)} is not a package name`);
    // Else it would pass for a changeset that releases nothing; changesets fails on it.
    if (known !== undefined && !known.has(name)) throw at(start + (key!.range?.[0] ?? 0), `"${name}" is not a package of this workspace`);
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (typeof value !== 'string' || !BUMPS.has(value)) {
      const offset = (pair.value as { range?: [number, number, number] } | null)?.range?.[0] ?? key!.range?.[0] ?? 0;
      throw at(start + offset, `"${name}": ${JSON.stringify(value ?? null)} is not a bump (major, minor, patch or none)`);
    }
    releases.set(name, value);
  }
  return { file, releases };
}

function readPreState(root: string): PreState | undefined {
  const file = join(root, CHANGESET_DIR, 'pre.json');
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as Partial<PreState>;
    if ((state.mode === 'pre' || state.mode === 'exit') && typeof state.tag === 'string' && Array.isArray(state.changesets)) return state as PreState;
  } catch (error) {
    throw new UnreadableChangeset(`${CHANGESET_DIR}/pre.json: not valid JSON: ${(error as Error).message}`);
  }
  throw new UnreadableChangeset(`${CHANGESET_DIR}/pre.json: not a pre mode state as changeset pre enter writes it (mode, tag, changesets)`);
}

/**
 * The changesets of the repository at `root`, each checked against `known` (every workspace
 * package's name); `published` names the packages that are published (a changeset naming only
 * others releases nothing).
 */
export function changesetState(root: string, published: ReadonlySet<string>, known: ReadonlySet<string>): Changesets {
  const pre = readPreState(root);
  // In pre mode the versioned ones stay in the folder; leaving it (`exit`) versions them all again.
  const consumed = new Set(pre?.mode === 'pre' ? pre.changesets : []);
  const files = readdirSync(join(root, CHANGESET_DIR))
    .filter((name) => name.endsWith('.md') && !name.startsWith('.') && !/^README\.md$/i.test(name))
    .sort();
  const all = files.map((name) => parseChangeset(`${CHANGESET_DIR}/${name}`, readFileSync(join(root, CHANGESET_DIR, name), 'utf8'), known));
  const pending = all.filter((c) => !consumed.has(c.file.slice(CHANGESET_DIR.length + 1, -'.md'.length)));
  const releasing = pending.filter((c) => [...c.releases].some(([name, bump]) => bump !== 'none' && published.has(name)));
  return { pending, releasing, pre, work: releasing.length > 0 || pre?.mode === 'exit' };
}
