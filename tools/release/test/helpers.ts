// Scratch clones of this repository (with its installed dependencies) to run `pnpm release` in,
// and a way to run the release command there.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scratchCopy, type Scratch } from '../src/scratch.js';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** A clone of the repository's HEAD to change and release from; dispose it after. */
export function clone(): Scratch {
  const scratch = scratchCopy(REPOSITORY_ROOT);
  git(scratch.root, ['config', 'user.name', 'Release Test']);
  git(scratch.root, ['config', 'user.email', 'release-test@example.com']);
  return scratch;
}

export function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Commits everything in the clone. */
export function commitAll(root: string, message: string): void {
  git(root, ['add', '-A']);
  git(root, ['commit', '--quiet', '-m', message]);
}

/** `pnpm release <args>` in a clone, as the README runs it. */
export function runRelease(root: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const result = spawnSync('npx', ['--yes', 'pnpm@10.34.8', 'release', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}
