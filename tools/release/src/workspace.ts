// The workspace as the release sees it: the publishable packages (not private) with their folders
// and versions, and the top section of each one's changelog.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface PublishablePackage {
  name: string;
  version: string;
  /** Folder relative to the root, e.g. `packages/sdk`. */
  dir: string;
}

/** Every workspace package that is not private, sorted by name (pnpm lists them). */
export function publishablePackages(root: string): PublishablePackage[] {
  const listed = JSON.parse(execFileSync(pnpmCommand(), [...pnpmArgs(), 'ls', '-r', '--depth', '-1', '--json'], { cwd: root, encoding: 'utf8' })) as Array<{ name?: string; version?: string; path: string; private?: boolean }>;
  return listed
    .filter((p) => p.private !== true && p.name !== undefined)
    .map((p) => ({ name: p.name!, version: p.version ?? '0.0.0', dir: relative(root, p.path).split('\\').join('/') }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The newest section of a package's CHANGELOG.md (`## <version>` and what follows it), if any. */
export function latestChangelogEntry(root: string, dir: string): string | undefined {
  const file = join(root, dir, 'CHANGELOG.md');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('\n## ');
  if (start < 0) return undefined;
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start + 1, end < 0 ? undefined : end).trim();
}

/**
 * How to run the workspace's pnpm: the one running this script when it is pnpm (`npm_execpath`),
 * else the pinned version through npx, as the README does.
 */
export function pnpmCommand(): string {
  return process.env.npm_execpath?.includes('pnpm') === true ? process.execPath : 'npx';
}

/** The pnpm the workspace pins (package.json's packageManager). */
export const PNPM = 'pnpm@10.34.8';

export function pnpmArgs(): string[] {
  const execPath = process.env.npm_execpath;
  return execPath?.includes('pnpm') === true ? [execPath] : ['--yes', PNPM];
}
