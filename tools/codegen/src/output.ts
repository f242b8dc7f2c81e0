// Writes or checks the generated files. Everything is generated in memory first, so a failing
// emitter writes nothing; each file is then replaced atomically. Files left in a directory an
// emitter owns that it no longer generates are removed (write) or reported (check).
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { writeFileAtomic } from '@customer-chat/spec-loader/write';
import type { OutputFile } from './plugin.js';

export interface OutputPlan {
  files: OutputFile[];
  /** Repository-relative directories whose every file is generated. */
  ownedDirectories: string[];
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

export async function writeOutput(root: string, plan: OutputPlan): Promise<{ written: string[]; removed: string[] }> {
  const written: string[] = [];
  for (const file of plan.files) {
    const target = join(root, file.path);
    if ((await readOrUndefined(target)) === file.content) continue;
    await writeFileAtomic(target, file.content);
    written.push(file.path);
  }
  const removed = await strayFiles(root, plan);
  for (const path of removed) await rm(join(root, path));
  return { written, removed };
}

/** Unified diffs (on-disk -> generated) of every stale, missing or stray file; empty when in step. */
export async function checkOutput(root: string, plan: OutputPlan): Promise<string[]> {
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
