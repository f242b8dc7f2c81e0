// Scratch clones of this repository (with its installed dependencies) to run `pnpm release` in,
// and a way to run the release command there.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { scratchCopy, type Scratch } from '../src/scratch.js';
import { startRegistry, type LocalRegistry } from './registry.js';

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

/**
 * The environment of a plain shell: without the `npm_config_*` variables the `pnpm test` around
 * these tests sets for its scripts (the npx below would warn on stderr about the ones npm does not
 * know, e.g. verify-deps-before-run, and the tests read stderr line by line).
 */
const shellEnvironment = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_config_')));

/** `pnpm release <args>` in a clone, as the README runs it. */
export function runRelease(root: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const result = spawnSync('npx', ['--yes', 'pnpm@10.34.8', 'release', ...args], { cwd: root, encoding: 'utf8', env: { ...shellEnvironment(), ...env }, maxBuffer: 256 * 1024 * 1024 });
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The release CLI run by node itself (`node --import tsx src/cli.ts`), not through pnpm: no
 * `npm_*` variables pnpm would set, and no pnpm on PATH (each folder holding one left out; node,
 * npm and npx linked from a folder of their own, in case pnpm sits beside them).
 */
export function runCliWithoutPnpm(root: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const plain = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  const bin = mkdtempSync(join(tmpdir(), 'release-node-bin-'));
  try {
    for (const tool of ['node', 'npm', 'npx']) if (existsSync(join(dirname(process.execPath), tool))) symlinkSync(join(dirname(process.execPath), tool), join(bin, tool));
    const path = [bin, ...(plain.PATH ?? '').split(delimiter).filter((dir) => dir !== '' && !existsSync(join(dir, 'pnpm')))].join(delimiter);
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: join(root, 'tools', 'release'), encoding: 'utf8', env: { ...plain, PATH: path, ...env }, maxBuffer: 256 * 1024 * 1024 });
    return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

/**
 * A breaking spec change (send_sneak_peek's text shorter: old clients that send more are refused)
 * after tagging the spec as released at `released`, with a major changeset for each of
 * `packages`; committed.
 */
export function breakingChangeWithMajors(root: string, released: string, packages: readonly string[]): void {
  git(root, ['tag', `@customer-chat/spec@${released}`]);
  const file = join(root, 'spec', 'asyncapi.yaml');
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('    SendSneakPeekArguments:');
  const limit = text.indexOf('maxLength: 16384', start);
  writeFileSync(file, `${text.slice(0, limit)}maxLength: 8192${text.slice(limit + 'maxLength: 16384'.length)}`);
  writeFileSync(join(root, '.changeset', 'shorter-sneak-peeks.md'), `---\n${packages.map((name) => `'${name}': major`).join('\n')}\n---\n\nA sneak peek's text is at most 8192 characters.\n`);
  commitAll(root, 'a breaking spec change, with its major changesets');
}

/**
 * A local registry and a scratch clone for the tests of the enclosing describe block (or file):
 * started before them, closed and removed after them. Read its fields inside the tests.
 */
export function registryAndClone(): { readonly registry: LocalRegistry; readonly scratch: Scratch } {
  const state = {} as { registry: LocalRegistry; scratch: Scratch };
  beforeAll(async () => {
    state.registry = await startRegistry();
    state.scratch = clone();
  });
  afterAll(async () => {
    await state.registry?.close();
    state.scratch?.dispose();
  });
  return state;
}
