// The repository is self-contained: no file in it reads, imports or names a path outside its root.
// Every relative path reference (one or more parent steps, each `..` and a slash, followed by a path
// segment, in code, scripts, JSON, YAML and Markdown alike) is resolved from the directory of the
// file that contains it; a `resolve` or `join` call anchored on a variable naming the repository
// root (repoRoot, REPO_ROOT, ROOT...) is resolved from the root, with its string arguments; an absolute path into the root's parent directory (found at run time) is out too,
// and so is a symlink pointing out of the root. The detector is a pure function, tested on made-up
// inputs first so that the check is shown to be able to fail.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** One reference out of the root: `file:line: path`. */
interface Escape {
  file: string;
  line: number;
  path: string;
}

interface Where {
  /** The absolute path of the parent of the repository root, POSIX separators. */
  parentDir: string;
  /** The name of the repository root's folder inside `parentDir`. */
  rootName: string;
}

// Characters of a path token. A token stops at quotes, brackets, spaces, `:`, `#`, `?`, `,`...
const PATH_CHARS = String.raw`[\w.@~+%/-]`;
const SEGMENT_CHAR = String.raw`[\w.@~+%-]`;
const UP = String.raw`\.\.\/`;
/** A path token with a parent step followed by a segment (possibly a last `..`), after optional leading segments. */
const RELATIVE_TOKEN = new RegExp(`(?<!${PATH_CHARS})${PATH_CHARS}*?${UP}${SEGMENT_CHAR}${PATH_CHARS}*`, 'g');
/** A `resolve` / `join` call whose first argument names the repository root, then string arguments. */
const ROOT_JOIN = /\b(?:resolve|join)\(\s*([A-Za-z_$][\w$]*)\s*((?:,\s*(?:'[^'\n]*'|"[^"\n]*"|`[^`$\n]*`)\s*)+)[,)]/g;
const ROOT_NAME = /^(?:repo|repository|workspace|monorepo|project)?_?root(?:_?dir)?$/i;
const STRING_LITERAL = /'([^'\n]*)'|"([^"\n]*)"|`([^`\n]*)`/g;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const leavesRoot = (normalized: string): boolean => normalized === '..' || normalized.startsWith('../');
/** Drops the full stop ending a sentence, not a last `..` segment. */
const trimToken = (token: string): string => token.replace(/(?<=[^/.])\.+$/, '');

/**
 * Every reference out of the repository root in `text`, the content of the file `file` (a path
 * relative to the root, POSIX separators).
 */
function findEscapes(file: string, text: string, where: Where): Escape[] {
  const escapes: Escape[] = [];
  const fileDir = posix.dirname(file);
  const rootPath = posix.join(where.parentDir, where.rootName);
  const insideRoot = (absolute: string): boolean => absolute === rootPath || absolute.startsWith(`${rootPath}/`);
  const absoluteToken =
    where.parentDir === '/' || where.parentDir === ''
      ? undefined // a root directly under `/`: every absolute path would be "in its parent"
      : new RegExp(`(?<!${PATH_CHARS})${escapeRegExp(where.parentDir)}(?:/${PATH_CHARS}*)?(?!${PATH_CHARS})`, 'g');

  // In Markdown, a fenced block whose first line names a file (`// tools/x/y.ts`) shows that
  // file: its relative paths are resolved from there.
  const isMarkdown = file.endsWith('.md');
  let fence: string | undefined;
  let blockDir: string | undefined;
  const lines = text.split('\n');
  lines.forEach((content, index) => {
    const line = index + 1;
    if (isMarkdown) {
      const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(content);
      if (fence === undefined && opening) {
        fence = opening[1];
        const named = /^\s*(?:\/\/|#)\s*([\w.@-]+(?:\/[\w.@-]+)+\.\w+)\s*$/.exec(lines[index + 1] ?? '');
        blockDir = named ? posix.dirname(named[1]!) : undefined;
        return;
      }
      if (fence !== undefined && opening && opening[1]!.startsWith(fence)) {
        fence = undefined;
        blockDir = undefined;
        return;
      }
    }
    const baseDir = blockDir ?? fileDir;
    const found = new Set<string>();
    const add = (path: string) => {
      if (found.has(path)) return;
      found.add(path);
      escapes.push({ file, line, path });
    };

    for (const match of content.matchAll(RELATIVE_TOKEN)) {
      const token = trimToken(match[0]);
      const before = content[match.index - 1];
      // Relative to something else than the file: right after an interpolation, an expression or a
      // URL's scheme; absolute tokens are checked below.
      if (before === '}' || before === ')' || before === ']' || before === ':' || token.startsWith('/')) continue;
      if (leavesRoot(posix.normalize(posix.join(baseDir, token)))) add(token);
    }

    for (const match of content.matchAll(ROOT_JOIN)) {
      if (!ROOT_NAME.test(match[1] ?? '')) continue;
      const parts = [...(match[2] ?? '').matchAll(STRING_LITERAL)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
      const joined = posix.normalize(posix.join('.', ...parts));
      if (leavesRoot(joined)) add(joined);
    }

    if (absoluteToken) {
      for (const match of content.matchAll(absoluteToken)) {
        if (!insideRoot(posix.normalize(match[0]))) add(match[0]);
      }
    }
  });
  return escapes;
}

/** A symlink whose target (relative to its own folder, or absolute) is outside the root. */
function symlinkEscapes(file: string, target: string, where: Where): Escape[] {
  const rootPath = posix.join(where.parentDir, where.rootName);
  const resolved = target.startsWith('/')
    ? posix.relative(rootPath, posix.normalize(target))
    : posix.normalize(posix.join(posix.dirname(file), target));
  return resolved === '..' || resolved.startsWith('../') || posix.isAbsolute(resolved) ? [{ file, line: 0, path: target }] : [];
}

const format = (escapes: Escape[]): string[] => escapes.map(({ file, line, path }) => `${file}:${line}: ${path}`);

describe('the detector (made-up inputs)', () => {
  const where: Where = { parentDir: '/made-up/parent', rootName: 'repo' };
  const up = (n: number): string => '..'.concat('/').repeat(n);

  it('finds a relative path that climbs out of the root from a nested file', () => {
    const text = ['# Guide', '', `Read the [notes](${up(3)}outside/notes.md) first.`, `import x from '${up(4)}elsewhere/x.js';`].join('\n');
    expect(format(findEscapes('docs/guide/page.md', text, where))).toEqual([
      `docs/guide/page.md:3: ${up(3)}outside/notes.md`,
      `docs/guide/page.md:4: ${up(4)}elsewhere/x.js`,
    ]);
  });

  it('resolves a Markdown code block that names its file from that file', () => {
    const named = ['```ts', '// tools/codegen/src/plugins/x/index.ts', `import { p } from '${up(2)}plugin.js';`, '```'].join('\n');
    expect(format(findEscapes('README.md', named, where))).toEqual([]);
    const unnamed = ['```ts', `import { p } from '${up(2)}plugin.js';`, '```', `[up](${up(2)}plugin.js)`].join('\n');
    expect(format(findEscapes('README.md', unnamed, where))).toEqual([`README.md:2: ${up(2)}plugin.js`, `README.md:4: ${up(2)}plugin.js`]);
  });

  it('keeps a relative path that stays inside the root', () => {
    const text = [
      `import { a } from '${up(2)}src/a.js';`,
      `"extends": "${up(2)}tsconfig.base.json"`,
      `const ROOT = fileURLToPath(new URL('${up(1)}..', import.meta.url));`,
      `node ${up(2)}tools/scripts/x.mjs`,
    ].join('\n');
    expect(findEscapes('docs/guide/page.ts', text, where)).toEqual([]);
  });

  it('finds a path that stays inside only for a deeper file', () => {
    const text = `see ${up(2)}outside/notes.md.`;
    expect(findEscapes('a/b/c.md', text, where)).toEqual([]);
    expect(format(findEscapes('a/c.md', text, where))).toEqual([`a/c.md:1: ${up(2)}outside/notes.md`]);
  });

  it('resolves paths with leading segments and ignores URLs, interpolations and a parent step alone', () => {
    const text = [
      `tools/x/${up(4)}outside`, // tools/x, then four steps up: out
      `https://example.com/a/${up(1)}b`,
      '`${dir}/' + `${up(5)}x\``,
      `'${up(1)}'`,
    ].join('\n');
    expect(format(findEscapes('README.md', text, where))).toEqual([`README.md:1: tools/x/${up(4)}outside`]);
  });

  it('finds a join anchored on the repository root that climbs out of it', () => {
    const dots = '.'.repeat(2);
    const text = [
      `const seed = resolve(repoRoot, '${dots}', 'outside', 'notes.md');`,
      `const other = path.join(REPO_ROOT, '${up(1)}other');`,
      `const fine = resolve(repoRoot, 'spec', '${dots}', 'packages');`,
      `const unrelated = resolve(packageDir, '${dots}', '${dots}');`,
    ].join('\n');
    expect(format(findEscapes('spec/test/x.test.ts', text, where))).toEqual([
      `spec/test/x.test.ts:1: ${up(1)}outside/notes.md`,
      `spec/test/x.test.ts:2: ${up(1)}other`,
    ]);
  });

  it('finds absolute paths into the parent of the root, not into the root', () => {
    const text = [
      'cat /made-up/parent/outside/notes.md',
      'cd /made-up/parent',
      'ls /made-up/parent/repo/spec',
      'ls /made-up/parent-other/x /other/made-up/parent/x',
      `cat /made-up/parent/repo/${up(1)}shared`,
    ].join('\n');
    expect(format(findEscapes('README.md', text, where))).toEqual([
      'README.md:1: /made-up/parent/outside/notes.md',
      'README.md:2: /made-up/parent',
      `README.md:5: /made-up/parent/repo/${up(1)}shared`,
    ]);
  });

  it('finds a symlink that points out of the root', () => {
    expect(symlinkEscapes('a/link', `${up(2)}shared`, where)).toHaveLength(1);
    expect(symlinkEscapes('a/link', `${up(1)}spec`, where)).toEqual([]);
    expect(symlinkEscapes('a/link', '/made-up/parent/shared', where)).toHaveLength(1);
    expect(symlinkEscapes('a/link', '/made-up/parent/repo/spec', where)).toEqual([]);
  });
});

describe('the repository', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: here, encoding: 'utf8' }).trim();
  const where: Where = { parentDir: dirname(root).split('\\').join('/'), rootName: basename(root) };
  // Tracked files and new ones not ignored yet (they are about to be committed).
  const files = [
    ...new Set(
      execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
        .split('\0')
        .filter((file) => file !== ''),
    ),
  ].sort();

  it('has files to check', () => {
    expect(files).toContain('package.json');
    expect(files).toContain('tools/repo-checks/test/self-contained.test.ts');
  });

  it('names no path outside its root', () => {
    const escapes: Escape[] = [];
    for (const file of files) {
      if (basename(file) === 'pnpm-lock.yaml') continue;
      const absolute = join(root, file);
      if (!existsSync(absolute) && !isSymlink(absolute)) continue; // deleted in the working tree
      if (isSymlink(absolute)) {
        escapes.push(...symlinkEscapes(file, readlinkSync(absolute), where));
        continue;
      }
      if (!lstatSync(absolute).isFile()) continue; // a submodule
      const content = readFileSync(absolute);
      if (content.subarray(0, 8000).includes(0)) continue; // binary
      escapes.push(...findEscapes(file, content.toString('utf8'), where));
    }
    expect(format(escapes), 'files naming a path outside the repository root').toEqual([]);
  });
});

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
