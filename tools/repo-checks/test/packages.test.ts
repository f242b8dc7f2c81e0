// Every publishable (non-private) workspace package is ready for the people who install it: its
// tarball carries the repository's LICENSE, a README whose links work on the registry page (a
// relative link must point to a file of the tarball) and package.json with the repository,
// homepage and bugs fields pointing back here.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const REPOSITORY = 'https://github.com/customer-chat/customer-chat-protocol';
/** Packages that must be found as publishable, so that the checks below cannot pass on nothing. */
const KNOWN_PUBLISHABLE = ['@customer-chat/docs', '@customer-chat/reference-server', '@customer-chat/sdk', '@customer-chat/spec', '@customer-chat/validators'];

interface PackageJson {
  name?: string;
  private?: boolean;
  license?: string;
  homepage?: string;
  bugs?: string | { url?: string };
  repository?: string | { type?: string; url?: string; directory?: string };
  files?: string[];
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports?: unknown;
  bin?: unknown;
}

interface WorkspacePackage {
  /** The folder, relative to the repository root, POSIX separators. */
  dir: string;
  manifest: PackageJson;
}

/** The target of every link of a Markdown document: inline links and images, reference definitions, HTML href/src. */
function markdownLinks(markdown: string): string[] {
  const links: string[] = [];
  let fence: string | undefined;
  for (const raw of markdown.split('\n')) {
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(raw);
    if (fence !== undefined) {
      if (opening && opening[1]!.startsWith(fence)) fence = undefined;
      continue;
    }
    if (opening) {
      fence = opening[1]!;
      continue;
    }
    const line = raw.replace(/(`+)[^`]*?\1/g, '');
    for (const m of line.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g)) {
      links.push(m[1]!.replace(/^<|>$/g, ''));
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line);
    if (definition) links.push(definition[1]!.replace(/^<|>$/g, ''));
    for (const m of line.matchAll(/\b(?:href|src)\s*=\s*["']([^"']+)["']/gi)) links.push(m[1]!);
  }
  return links;
}

/** A link that does not name a file relative to the README: a URL, a scheme (`mailto:`) or an anchor. */
const isExternal = (link: string): boolean => /^[a-z][a-z\d+.-]*:/i.test(link) || link.startsWith('#');

/**
 * Why a link of a package's README does not work on the registry page, or undefined when it does.
 * `packed` lists the files of the tarball, relative to the package folder.
 */
function brokenLink(link: string, packed: ReadonlySet<string>): string | undefined {
  if (isExternal(link)) return undefined;
  if (link.startsWith('/')) return 'a path from a site root, which the registry does not have';
  const path = decodeURIComponent(link.replace(/[?#].*$/, ''));
  const normalized = posix.normalize(path);
  if (normalized === '..' || normalized.startsWith('../')) return 'leaves the package folder';
  if (!packed.has(normalized.replace(/^\.\//, ''))) return 'not in the packed files';
  return undefined;
}

describe('the README link reader (made-up inputs)', () => {
  const parent = '..'.concat('/');

  it('finds inline links, images, definitions and HTML links, not code', () => {
    const markdown = [
      'See [the spec](docs/spec.md#frames "title") and ![logo](<logo one.png>).',
      '`[not](a-link.md)` and',
      '```md',
      '[not](in-a-fence.md)',
      '```',
      '[ref]: LICENSE',
      '<a href="https://example.com/x">x</a> [up](' + parent + 'other/file.md)',
    ].join('\n');
    expect(markdownLinks(markdown)).toEqual(['docs/spec.md#frames', 'logo one.png', 'LICENSE', parent + 'other/file.md', 'https://example.com/x']);
  });

  it('accepts URLs, anchors and packed files; rejects the rest', () => {
    const packed = new Set(['README.md', 'LICENSE', 'dist/index.js']);
    expect(brokenLink('https://example.com/a', packed)).toBeUndefined();
    expect(brokenLink('#usage', packed)).toBeUndefined();
    expect(brokenLink('./LICENSE', packed)).toBeUndefined();
    expect(brokenLink('dist/index.js#L1', packed)).toBeUndefined();
    expect(brokenLink(parent + 'spec/asyncapi.yaml', packed)).toBe('leaves the package folder');
    expect(brokenLink('src/index.ts', packed)).toBe('not in the packed files');
    expect(brokenLink('/spec/asyncapi.yaml', packed)).toBeDefined();
  });
});

const here = dirname(fileURLToPath(import.meta.url));
const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: here, encoding: 'utf8' }).trim();
const rootLicense = readFileSync(join(root, 'LICENSE'));

/** The lines of a Markdown document's shell code blocks (sh, bash, shell, console), a `$ ` prompt taken off. */
function shellLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: { marker: string; shell: boolean } | undefined;
  for (const raw of markdown.split('\n')) {
    const opening = /^\s{0,3}(`{3,}|~{3,})\s*(\w*)/.exec(raw);
    if (fence === undefined) {
      if (opening) fence = { marker: opening[1]!, shell: ['sh', 'bash', 'shell', 'console'].includes(opening[2]!) };
      continue;
    }
    if (opening && opening[1]!.startsWith(fence.marker)) fence = undefined;
    else if (fence.shell && raw.trim() !== '' && !raw.trim().startsWith('#')) lines.push(raw.trim().replace(/^\$\s+/, ''));
  }
  return lines;
}

/** Every file path a manifest field names (strings starting with `./`, at any depth of a conditions map). */
function manifestTargets(value: unknown): string[] {
  if (typeof value === 'string') return value.startsWith('./') ? [value] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(manifestTargets);
}

/** Whether a manifest target (`./dist/x.js`, or a `*` pattern) names at least one packed file. */
function packedMatch(target: string, packed: Set<string>): boolean {
  const path = target.slice(2);
  if (!path.includes('*')) return packed.has(path);
  const [before, after] = path.split('*') as [string, string];
  return [...packed].some((file) => file.startsWith(before) && file.endsWith(after) && file.length >= before.length + after.length);
}

/** The workspace packages of pnpm-workspace.yaml (folders and `folder/*` globs). */
function workspacePackages(): WorkspacePackage[] {
  const { packages: patterns } = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as { packages: string[] };
  const dirs = patterns.flatMap((pattern) => {
    if (pattern.endsWith('/*') && !pattern.slice(0, -2).includes('*')) {
      const base = pattern.slice(0, -2);
      return readdirSync(join(root, base))
        .map((name) => `${base}/${name}`)
        .filter((dir) => statSync(join(root, dir)).isDirectory());
    }
    if (pattern.includes('*') || pattern.startsWith('!')) throw new Error(`pnpm-workspace.yaml: pattern ${pattern} is not supported by this check`);
    return [pattern];
  });
  return dirs
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as PackageJson }));
}

/** The files `npm pack` puts in the package's tarball, relative to its folder. */
function packedFiles(dir: string): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: join(root, dir),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const [report] = JSON.parse(output) as { files: { path: string }[] }[];
  return (report?.files ?? []).map((file) => file.path);
}

const publishable = workspacePackages().filter(({ manifest }) => manifest.private !== true);

it('the root LICENSE is the MIT license of the customer-chat contributors', () => {
  const text = rootLicense.toString('utf8');
  expect(text).toMatch(/^MIT License\n/);
  expect(text).toContain('Copyright (c) 2026 The customer-chat contributors');
});

it('finds the publishable packages', () => {
  expect(publishable.map(({ manifest }) => manifest.name).sort()).toEqual(expect.arrayContaining(KNOWN_PUBLISHABLE));
});

describe.each(publishable.map((pkg) => [pkg.manifest.name ?? pkg.dir, pkg] as const))('%s', (_name, { dir, manifest }) => {
  const packageDir = join(root, dir);

  it('has a LICENSE identical to the root one', () => {
    const license = join(packageDir, 'LICENSE');
    expect(existsSync(license), `${dir}/LICENSE is missing`).toBe(true);
    expect(readFileSync(license).equals(rootLicense), `${dir}/LICENSE differs from the root LICENSE`).toBe(true);
    expect(manifest.license).toBe('MIT');
  });

  it('has a README', () => {
    const readme = join(packageDir, 'README.md');
    expect(existsSync(readme), `${dir}/README.md is missing`).toBe(true);
    expect(readFileSync(readme, 'utf8').trim()).not.toBe('');
  });

  it("starts every command of a package's bin with npx in its README (an installed bin is not on PATH)", () => {
    const readme = join(packageDir, 'README.md');
    const bins = new Set(workspacePackages().flatMap(({ manifest: m }) => Object.keys((m as { bin?: Record<string, string> }).bin ?? {})));
    const bare = shellLines(existsSync(readme) ? readFileSync(readme, 'utf8') : '').filter((line) => bins.has(line.split(/\s+/)[0]!));
    expect(bare.map((line) => `${dir}/README.md: ${line}`)).toEqual([]);
  });

  it('names the Node.js versions the repository runs it on, if it ships JavaScript', () => {
    // The root's engines is what CI and the README's commands run (its major line is the floor).
    const rootNode = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson).engines?.node;
    const floor = /^>=(\d+)/.exec(rootNode ?? '')?.[1];
    expect(floor, `the root package.json names no engines.node floor (${String(rootNode)})`).toBeDefined();
    const shipsJavaScript = manifest.bin !== undefined || /\.[cm]?js"/.test(JSON.stringify(manifest.exports ?? {}));
    if (shipsJavaScript) expect(manifest.engines?.node, `${dir}/package.json engines.node`).toBe(`>=${floor}`);
  });

  it('depends on the other packages of the repository by a caret range, not an exact version', () => {
    // `workspace:*` is published as an exact version: an app holding a patch of the dependency
    // besides would install two copies (two runtimes, two sets of guards).
    const internal = Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies }).filter(([name]) => name.startsWith('@customer-chat/'));
    expect(internal.filter(([, range]) => range !== 'workspace:^').map(([name, range]) => `${dir}: ${name} ${range}`)).toEqual([]);
  });

  it('points back to the repository: repository, homepage, bugs', () => {
    expect(manifest.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git`, directory: dir });
    expect(manifest.homepage).toBe(`${REPOSITORY}/tree/main/${dir}#readme`);
    const bugs = typeof manifest.bugs === 'string' ? manifest.bugs : manifest.bugs?.url;
    expect(bugs).toBe(`${REPOSITORY}/issues`);
  });

  describe('its tarball', () => {
    let packed = new Set<string>();
    // `pnpm pack --dry-run` starts pnpm through npx: seconds, more on a busy machine.
    beforeAll(() => {
      packed = new Set(packedFiles(dir));
    }, 120_000);

    it('holds LICENSE, README.md and package.json', () => {
      expect([...packed]).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    });

    it('holds every file its published manifest points to (exports, imports, bin, main, types)', () => {
      // pnpm publishes the manifest with `publishConfig`'s fields applied (npm pack, listing the files here, does not).
      const published = { ...manifest, ...((manifest as { publishConfig?: object }).publishConfig ?? {}) } as Record<string, unknown>;
      const targets = ['exports', 'imports', 'bin', 'main', 'module', 'types'].flatMap((field) => manifestTargets(published[field]).map((target) => ({ field, target })));
      const missing = targets.filter(({ target }) => !packedMatch(target, packed)).map(({ field, target }) => `${dir}/package.json ${field}: ${target}`);
      expect(missing).toEqual([]);
    });

    it('holds every file its README links to, so that the links work on the registry page', () => {
      const readme = join(packageDir, 'README.md');
      const links = existsSync(readme) ? markdownLinks(readFileSync(readme, 'utf8')) : [];
      const broken = links.flatMap((link) => {
        const why = brokenLink(link, packed);
        return why === undefined ? [] : [`${dir}/README.md: ${link} (${why})`];
      });
      expect(broken).toEqual([]);
    });
  });
});
