// Writes or checks the generated files. Everything is generated in memory first, so a failing
// emitter writes nothing; then every changed file is written to a temporary sibling, and only when
// all of them are written are they renamed over their targets, so a failure while writing leaves
// every target as it was. Files left in a directory an emitter owns that it no longer generates
// are removed (write) or reported (check).
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { OutputFile } from './plugin.js';

/** A failed write, saying exactly which generated files were replaced before it failed. */
export class OutputError extends Error {
  constructor(
    override readonly cause: unknown,
    /** Files replaced before the failure (none when it failed before any rename). */
    readonly written: readonly string[],
    /** Changed files left as they were. */
    readonly unwritten: readonly string[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'OutputError';
  }
}

export interface OutputPlan {
  files: OutputFile[];
  /** Repository-relative directories whose every file is generated. */
  ownedDirectories: string[];
}

/**
 * `path` (relative, forward slashes) in its one normal form, or why it names no place below the folder
 * it is relative to: joined as given, `.` would own the whole folder, `../x` write outside it, and
 * `a//b` or `a/` name one file two ways (written under one spelling, removed as a stray under the other).
 */
export function normalPath(path: string): string | { problem: string } {
  if (path.includes('\\')) return { problem: 'contains a backslash (paths use "/")' };
  if (posix.isAbsolute(path)) return { problem: 'is absolute' };
  const normal = posix.normalize(path).replace(/\/+$/, '');
  if (normal === '.' || normal === '') return { problem: 'is empty or "."' };
  if (normal === '..' || normal.startsWith('../')) return { problem: 'climbs out with ".."' };
  return normal;
}

/**
 * Refuses a plan whose paths are not each in normal form below the root, or name a file twice.
 * runPlugins refuses these naming the plugin; this guards any other plan, since writing it deletes files.
 */
function checkPlan(plan: OutputPlan): void {
  const seen = new Set<string>();
  for (const path of [...plan.ownedDirectories, ...plan.files.map((f) => f.path)]) {
    const normal = normalPath(path);
    if (normal !== path) throw new Error(`output path "${path}" ${typeof normal === 'string' ? `is not in normal form (${normal})` : normal.problem}`);
  }
  for (const { path } of plan.files) {
    if (seen.has(path)) throw new Error(`output path ${path} is generated twice`);
    seen.add(path);
  }
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? listFiles(join(directory, entry.name)) : Promise.resolve([join(directory, entry.name)]))),
  );
  return nested.flat();
}

async function strayFiles(root: string, plan: OutputPlan): Promise<string[]> {
  const planned = new Set(plan.files.map((f) => f.path));
  const existing = (await Promise.all(plan.ownedDirectories.map((d) => listFiles(join(root, d))))).flat();
  return existing.map((file) => relative(root, file).split('\\').join('/')).filter((path) => !planned.has(path)).sort();
}

const readOrUndefined = (path: string) => readFile(path, 'utf8').catch(() => undefined);

/**
 * `signal` stops the write while temporaries are being written (Ctrl-C): they are removed and no
 * target is touched. Once they are all written the renames run to the end, so a stop never leaves
 * some targets from this run and others from the last.
 */
export async function writeOutput(root: string, plan: OutputPlan, signal?: AbortSignal): Promise<{ written: string[]; removed: string[] }> {
  checkPlan(plan);
  const changed: OutputFile[] = [];
  for (const file of plan.files) if ((await readOrUndefined(join(root, file.path))) !== file.content) changed.push(file);
  const temporaries: Array<{ path: string; temporary: string }> = [];
  const suffix = `.codegen-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    for (const file of changed) {
      signal?.throwIfAborted();
      const target = join(root, file.path);
      // A target that is not a file (a directory) would fail only at the rename: refuse it now, before any rename.
      const existing = await stat(target).catch(() => undefined);
      if (existing !== undefined && !existing.isFile()) throw Object.assign(new Error(`${file.path} is not a regular file`), { code: 'EISDIR' });
      await mkdir(dirname(target), { recursive: true });
      const temporary = join(dirname(target), `.${basename(target)}${suffix}`);
      temporaries.push({ path: file.path, temporary });
      await writeFile(temporary, file.content);
    }
  } catch (error) {
    await Promise.all(temporaries.map(({ temporary }) => rm(temporary, { force: true })));
    throw new OutputError(error, [], changed.map((f) => f.path));
  }
  const written: string[] = [];
  for (const [index, { path, temporary }] of temporaries.entries()) {
    try {
      await rename(temporary, join(root, path));
    } catch (error) {
      await Promise.all(temporaries.slice(index).map((t) => rm(t.temporary, { force: true })));
      throw new OutputError(error, written, temporaries.slice(index).map((t) => t.path));
    }
    written.push(path);
  }
  const removed = await strayFiles(root, plan);
  for (const path of removed) await rm(join(root, path));
  await removeEmptiedFolders(root, plan, removed);
  return { written, removed };
}

/**
 * The folders that removing `removed` left empty, below the owned directory each was in (never
 * that directory itself): a schema's folder of strays would otherwise stay behind, empty.
 */
async function removeEmptiedFolders(root: string, plan: OutputPlan, removed: readonly string[]): Promise<void> {
  for (const path of removed) {
    const owner = plan.ownedDirectories.find((directory) => path.startsWith(`${directory}/`));
    if (owner === undefined) continue;
    for (let folder = posix.dirname(path); folder.startsWith(`${owner}/`); folder = posix.dirname(folder)) {
      // rmdir removes only an empty folder: one that still holds anything (a file of the plan, another folder) stays.
      const gone = await rmdir(join(root, folder)).then(
        () => true,
        () => false,
      );
      if (!gone) break;
    }
  }
}

/** Unified diffs (on-disk -> generated) of every stale, missing or stray file; empty when in step. */
export async function checkOutput(root: string, plan: OutputPlan): Promise<string[]> {
  checkPlan(plan);
  const diffs: string[] = [];
  for (const file of plan.files) {
    const current = await readOrUndefined(join(root, file.path));
    if (current === file.content) continue;
    diffs.push(createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, current ?? '', file.content, current === undefined ? 'missing' : 'on disk', 'generated'));
  }
  for (const path of await strayFiles(root, plan)) {
    diffs.push(`${path}: not generated any more (remove it, or run pnpm generate)\n`);
  }
  return diffs;
}
