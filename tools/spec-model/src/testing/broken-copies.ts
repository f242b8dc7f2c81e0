// For tests of what a broken document does: edited copies of a fixture in a temporary folder, and
// where a snippet stands in them (to expect problems at their file, line and column).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Replaces `from` (which must occur exactly once) by `to`. */
export function replaceOnce(source: string, from: string, to: string): string {
  const parts = source.split(from);
  if (parts.length !== 2) throw new Error(`expected exactly one ${JSON.stringify(from)} in the fixture, found ${parts.length - 1}`);
  return parts.join(to);
}

/** 1-based line and column of `snippet`, which must occur exactly once in `source`. */
export function position(source: string, snippet: string): { line: number; column: number } {
  const index = source.indexOf(snippet);
  if (index < 0 || source.indexOf(snippet, index + 1) >= 0) throw new Error(`expected exactly one ${JSON.stringify(snippet)}`);
  const before = source.slice(0, index).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

export interface BrokenCopies {
  /** The temporary folder the copies are written to. */
  directory: string;
  /** Writes one copy and returns its path. */
  write(source: string): Promise<string>;
  /** Removes the folder and every copy. */
  dispose(): Promise<void>;
}

export async function brokenCopies(prefix: string): Promise<BrokenCopies> {
  const directory = await mkdtemp(join(tmpdir(), prefix));
  let counter = 0;
  return {
    directory,
    async write(source) {
      counter += 1;
      const file = join(directory, `broken-${counter}.yaml`);
      await writeFile(file, source);
      return file;
    },
    dispose: () => rm(directory, { recursive: true, force: true }),
  };
}
