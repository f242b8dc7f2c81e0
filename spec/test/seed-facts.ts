// The seed facts (spec/seed-facts.json, exported as `@customer-chat/spec/seed-facts.json`): the
// repository's record of the seed event reference's tables, as data. It was checked against that
// reference once; the spec, docs and SDK tests check their artifacts against it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SeedField {
  path: string[];
  /** The seed's type column verbatim; '' when the seed leaves it empty. */
  type: string;
  /** The seed's description column verbatim; '' when empty. */
  description: string;
}

export interface SeedEvent {
  event: string;
  /** True for the events inside the seed's HTML comment. */
  draft: boolean;
  payload: 'object' | 'string' | 'none';
  /** Only for object payloads: true when the table has a `...` (other properties) row. */
  open?: boolean;
  /** Only for string payloads: true when the seed describes the argument as "Optional" (a conforming server may leave it out). */
  optional?: boolean;
  fields: SeedField[];
}

export interface SeedFacts {
  source: string;
  events: SeedEvent[];
}

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(resolve(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No pnpm-workspace.yaml above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export const repoRoot = findRepoRoot();
export const factsPath = resolve(repoRoot, 'spec', 'seed-facts.json');
export const facts = JSON.parse(readFileSync(factsPath, 'utf8')) as SeedFacts;
