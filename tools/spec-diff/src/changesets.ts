// Reads the pending changesets (`.changeset/*.md`) and checks that every package a breaking change
// affects gets a major bump.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { largestBumps } from './applied-bumps.js';
import type { Change } from './classify.js';

export type Bump = 'major' | 'minor' | 'patch';

export function readChangesets(directory: string): Map<string, Bump> {
  const each = readdirSync(directory)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((file) => /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(directory, file), 'utf8')))
    .filter((front) => front !== null)
    .map((front) => new Map(Object.entries((parse(front[1]!) ?? {}) as Record<string, Bump>)));
  return largestBumps(...each);
}

/** The packages a breaking change affects that have no major changeset. */
export function missingMajors(changes: Change[], bumps: ReadonlyMap<string, Bump>): string[] {
  const needed = new Set(changes.filter((c) => c.breaking).flatMap((c) => c.packages));
  return [...needed].filter((pkg) => bumps.get(pkg) !== 'major').sort();
}
