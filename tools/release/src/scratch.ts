// A scratch copy of the repository to release from without touching it: a clone of the committed
// tree (the release insists on a clean one) using the repository's installed dependencies, so no
// install is needed. The root node_modules is linked; each package's node_modules (pnpm's links,
// relative) is copied, so a package resolves its workspace siblings inside the copy.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceDirs } from '@customer-chat/spec-diff';

export interface Scratch {
  /** The copy's root. */
  readonly root: string;
  dispose(): void;
}

export function scratchCopy(root: string): Scratch {
  const parent = mkdtempSync(join(tmpdir(), 'customer-chat-release-'));
  const copy = join(parent, 'repo');
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, copy], { stdio: 'pipe' });
  // The tags come along with the clone (the gate and the changelog read them); so does HEAD.
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  // `.gitignore` says `node_modules/`, which a symlink does not match: the clone ignores the link itself.
  appendFileSync(join(copy, '.git', 'info', 'exclude'), '\n/node_modules\n');
  for (const dir of workspaceDirs(root)) {
    const modules = join(root, dir, 'node_modules');
    if (existsSync(modules) && existsSync(join(copy, dir))) cpSync(modules, join(copy, dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  }
  return { root: copy, dispose: () => rmSync(parent, { recursive: true, force: true }) };
}
