// A release stopped by a signal (Ctrl-C: SIGINT to the whole process group, as a terminal sends
// it): the step under way is stopped with everything it started, the tree is put back as after a
// refusal (or the dry run's scratch copy removed), the release says so and exits 128 + the
// signal's number. The stand-in generator hangs, recording its pid and a grandchild's.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning } from '../src/release.js';
import type { Scratch } from '../src/scratch.js';
import { clone, commitAll, git } from './helpers.js';

let scratch: Scratch | undefined;
const temporary: string[] = [];
afterEach(() => {
  scratch?.dispose();
  scratch = undefined;
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});


/** A clone with a pending changeset whose `pnpm generate` hangs (a child and a grandchild, pids in `pids`). */
function cloneWithHangingGenerator(): string {
  scratch = clone();
  const { root } = scratch;
  writeFileSync(join(root, '.changeset', 'a-fix.md'), '---\n"@customer-chat/sdk": patch\n---\n\n**sdk**: a fix.\n');
  const file = join(root, 'package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { scripts: Record<string, string> };
  writeFileSync(
    join(root, 'hang.cjs'),
    `const { spawn } = require('node:child_process');
const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
require('node:fs').writeFileSync('pids', process.pid + ' ' + grandchild.pid);
setInterval(() => {}, 1000);
`,
  );
  manifest.scripts.generate = 'node hang.cjs';
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  commitAll(root, 'a pending changeset and a generator that hangs');
  return root;
}

interface Stopped {
  /** The release CLI's own exit code (null: it was killed by the signal instead of handling it). */
  code: number | null;
  stderr: string;
  /** The generator's pid and its child's. */
  pids: number[];
}

/**
 * The release CLI (`node --import tsx src/cli.ts`, so that its own exit code is the one seen) in a
 * process group of its own, sent `signal` to the whole group, as a terminal sends Ctrl-C, once the
 * generator runs: once the `pids` file is in the folder `where()` names.
 */
function releaseStoppedWhileGenerating(root: string, args: string[], signal: NodeJS.Signals, where: () => string | undefined, env: NodeJS.ProcessEnv = {}): Promise<Stopped> {
  const plain = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_config_')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: join(root, 'tools', 'release'), env: { ...plain, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let pids: number[] = [];
  child.stdout.resume();
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const poll = setInterval(() => {
    const dir = where();
    if (dir !== undefined && existsSync(join(dir, 'pids'))) {
      clearInterval(poll);
      pids = readFileSync(join(dir, 'pids'), 'utf8').split(' ').map(Number);
      process.kill(-child.pid!, signal);
    }
  }, 50);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stderr, pids });
    });
  });
}

describe('pnpm release stopped by a signal', () => {
  it('--version-only, Ctrl-C while generating: the generator and its child stopped, the tree as it was, exit 130', async () => {
    const root = cloneWithHangingGenerator();
    const head = git(root, ['rev-parse', 'HEAD']);
    // `pids` is what the generator writes: ignored here, so that the tree is judged without it.
    writeFileSync(join(root, '.git', 'info', 'exclude'), '/pids\n', { flag: 'a' });
    const result = await releaseStoppedWhileGenerating(root, ['--version-only'], 'SIGINT', () => root);
    expect(result.stderr.trim().split('\n').at(-1), result.stderr).toBe('release: stopped by SIGINT: nothing was versioned (the tree is as it was)');
    expect(result.code).toBe(130);
    expect(result.pids).toHaveLength(2);
    for (const pid of result.pids) expect(isRunning(pid), `process ${pid} of the generator`).toBe(false);
    expect(git(root, ['status', '--porcelain'])).toBe('');
    expect(git(root, ['rev-parse', 'HEAD'])).toBe(head);
    expect(existsSync(join(root, '.changeset', 'a-fix.md'))).toBe(true);
  }, 120_000);

  it('--dry-run, SIGTERM while generating: the scratch copy removed, exit 143', async () => {
    const root = cloneWithHangingGenerator();
    const tmp = mkdtempSync(join(tmpdir(), 'release-stop-tmp-'));
    temporary.push(tmp);
    // The generator runs in the scratch copy (made under TMPDIR): its pids file is there.
    const copy = () => readdirSync(tmp).find((name) => name.startsWith('customer-chat-release-'));
    const result = await releaseStoppedWhileGenerating(root, ['--dry-run'], 'SIGTERM', () => (copy() === undefined ? undefined : join(tmp, copy()!, 'repo')), { TMPDIR: tmp });
    expect(result.stderr.trim().split('\n').at(-1), result.stderr).toBe('release: stopped by SIGTERM: nothing was released (the scratch copy is removed)');
    expect(result.code).toBe(143);
    expect(result.pids).toHaveLength(2);
    for (const pid of result.pids) expect(isRunning(pid), `process ${pid} of the generator`).toBe(false);
    expect(readdirSync(tmp).filter((name) => name.startsWith('customer-chat-release-'))).toEqual([]);
    expect(git(root, ['status', '--porcelain'])).toBe('');
  }, 120_000);
});
