// Scratch clones of this repository (with its installed dependencies) to run `pnpm release` in,
// and a way to run the release command there.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratchCopy, type Scratch } from '../src/scratch.js';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * A clone of the repository's HEAD to change and release from; dispose it after. The release code
 * run there is this working tree's (tools/release/src, committed in the clone), so the tests test
 * the code as it is, not as it was last committed.
 */
export function clone(): Scratch {
  const scratch = scratchCopy(REPOSITORY_ROOT);
  git(scratch.root, ['config', 'user.name', 'Release Test']);
  git(scratch.root, ['config', 'user.email', 'release-test@example.com']);
  const src = join(scratch.root, 'tools', 'release', 'src');
  rmSync(src, { recursive: true, force: true });
  cpSync(join(REPOSITORY_ROOT, 'tools', 'release', 'src'), src, { recursive: true });
  if (git(scratch.root, ['status', '--porcelain']) !== '') commitAll(scratch.root, 'the release code under test');
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
/**
 * The environment of a plain shell: without the `npm_config_*` variables the `pnpm test` around
 * these tests sets for its scripts (the npx below would warn on stderr about the ones npm does not
 * know, e.g. verify-deps-before-run, and the tests read stderr line by line).
 */
const shellEnvironment = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_config_')));

export function runRelease(root: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const result = spawnSync('npx', ['--yes', 'pnpm@10.34.8', 'release', ...args], { cwd: root, encoding: 'utf8', env: { ...shellEnvironment(), ...env }, maxBuffer: 256 * 1024 * 1024 });
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}
