// Reads the pending changesets (`.changeset/*.md`) and checks that every package a breaking change
// affects gets a major bump.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Change } from './classify.js';

export type Bump = 'major' | 'minor' | 'patch';

export function readChangesets(directory: string): Map<string, Bump> {
  const bumps = new Map<string, Bump>();
  const rank: Record<Bump, number> = { patch: 0, minor: 1, major: 2 };
  for (const file of readdirSync(directory).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    const text = readFileSync(join(directory, file), 'utf8');
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    if (!front) continue;
    for (const [pkg, bump] of Object.entries((parse(front[1]!) ?? {}) as Record<string, Bump>)) {
      const previous = bumps.get(pkg);
      if (previous === undefined || rank[bump] > rank[previous]) bumps.set(pkg, bump);
    }
  }
  return bumps;
}

/** The packages a breaking change affects that have no major changeset. */
export function missingMajors(changes: Change[], bumps: ReadonlyMap<string, Bump>): string[] {
  const needed = new Set(changes.filter((c) => c.breaking).flatMap((c) => c.packages));
  return [...needed].filter((pkg) => bumps.get(pkg) !== 'major').sort();
}
