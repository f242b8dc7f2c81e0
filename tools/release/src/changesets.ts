// The changesets as the release sees them, read before anything runs by spec-diff's reader (the
// gate reads them alike): a broken one is refused naming its file, line and column (changesets
// would fail later, mid-step); which are still to version (in pre mode `changeset version` keeps
// the ones it consumed and lists them in pre.json); and which release nothing (an empty changeset,
// as `changeset add --empty` writes, or one naming only private packages or `none`).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangesetError, readChangesetFiles, type Changeset } from '@customer-chat/spec-diff';
import { ReleaseRefused } from './errors.js';

export const CHANGESET_DIR = '.changeset';

export type { Changeset } from '@customer-chat/spec-diff';

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

/** A changeset (or pre.json) that cannot be read; the message starts with the file (and `:line:column: `). */
export class UnreadableChangeset extends ReleaseRefused {}

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
  let all: Changeset[];
  try {
    all = readChangesetFiles(join(root, CHANGESET_DIR), CHANGESET_DIR, known);
  } catch (error) {
    // The release's refusal, with spec-diff's located message: the gate reads them alike.
    throw error instanceof ChangesetError ? new UnreadableChangeset(error.message) : error;
  }
  const pending = all.filter((c) => !consumed.has(c.file.slice(CHANGESET_DIR.length + 1, -'.md'.length)));
  const releasing = pending.filter((c) => [...c.releases].some(([name, bump]) => bump !== 'none' && published.has(name)));
  return { pending, releasing, pre, work: releasing.length > 0 || pre?.mode === 'exit' };
}
