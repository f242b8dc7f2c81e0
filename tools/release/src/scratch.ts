// A scratch copy of the repository to release from without touching it: a clone of the committed
// tree (the release insists on a clean one) using the repository's installed dependencies, so no
// install is needed. The root node_modules is linked; each package's node_modules (pnpm's links,
// relative) is copied, so a package resolves its workspace siblings inside the copy.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Scratch {
  /** The copy's root. */
  readonly root: string;
  dispose(): void;
}

/** The workspace folders that hold a package (from pnpm-workspace.yaml's globs, one level deep). */
export function packageDirs(root: string): string[] {
  const dirs: string[] = [];
  for (const parent of ['spec', 'tools', 'packages', 'apps']) {
    const base = join(root, parent);
    if (!existsSync(base)) continue;
    if (existsSync(join(base, 'package.json'))) dirs.push(parent);
    else for (const entry of readdirSync(base, { withFileTypes: true })) if (entry.isDirectory() && existsSync(join(base, entry.name, 'package.json'))) dirs.push(`${parent}/${entry.name}`);
  }
  return dirs;
}

export function scratchCopy(root: string): Scratch {
  const parent = mkdtempSync(join(tmpdir(), 'customer-chat-release-'));
  const copy = join(parent, 'repo');
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, copy], { stdio: 'pipe' });
  // The tags come along with the clone (the gate and the changelog read them); so does HEAD.
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  // `.gitignore` says `node_modules/`, which a symlink does not match: the clone ignores the link itself.
  appendFileSync(join(copy, '.git', 'info', 'exclude'), '\n/node_modules\n');
  for (const dir of packageDirs(root)) {
    const modules = join(root, dir, 'node_modules');
    if (existsSync(modules) && existsSync(join(copy, dir))) cpSync(modules, join(copy, dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  }
  return { root: copy, dispose: () => rmSync(parent, { recursive: true, force: true }) };
}
