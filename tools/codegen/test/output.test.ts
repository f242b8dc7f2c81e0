// writeOutput / checkOutput on a temporary root: files are written atomically and only when they
// change, strays in owned directories are removed (write) or reported (check), and check writes
// nothing. Then determinism: the real spec generates byte-identical files twice.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generate, REPOSITORY_ROOT } from '../src/index.js';
import { failureLines } from '../src/cli-errors.js';
import { checkOutput, OutputError, writeOutput, type OutputPlan } from '../src/output.js';
import { definePlugin, type Plugin, type ProtocolModel } from '../src/index.js';
import { runPlugins } from '../src/runner.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'codegen-output-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const OLD = new Date('2001-02-03T04:05:06Z');

function plan(): OutputPlan {
  return {
    files: [
      { path: 'gen/a.ts', content: 'export const a = 1;\n' },
      { path: 'gen/sub/b.ts', content: 'export const b = 2;\n' },
      { path: 'schemas/c.json', content: '{ "c": 3 }\n' },
      { path: 'elsewhere/d.md', content: '# d\n' },
    ],
    ownedDirectories: ['gen', 'schemas'],
  };
}

async function put(path: string, content: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

/** Every file under the root: path -> content and mtime. */
async function tree(directory = root): Promise<Record<string, { content: string; mtime: number }>> {
  const out: Record<string, { content: string; mtime: number }> = {};
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) Object.assign(out, await tree(path));
    else out[relative(root, path)] = { content: await readFile(path, 'utf8'), mtime: (await stat(path)).mtimeMs };
  }
  return out;
}

async function age(paths: string[]): Promise<void> {
  for (const path of paths) await utimes(join(root, path), OLD, OLD);
}

describe('writeOutput', () => {
  it('writes every file, creating directories, and reports them', async () => {
    const result = await writeOutput(root, plan());
    expect(result).toEqual({ written: ['gen/a.ts', 'gen/sub/b.ts', 'schemas/c.json', 'elsewhere/d.md'], removed: [] });
    const files = await tree();
    expect(Object.fromEntries(Object.entries(files).map(([path, f]) => [path, f.content]))).toEqual({
      'gen/a.ts': 'export const a = 1;\n',
      'gen/sub/b.ts': 'export const b = 2;\n',
      'schemas/c.json': '{ "c": 3 }\n',
      'elsewhere/d.md': '# d\n',
    });
  });

  it('skips unchanged files (their mtime stays) and rewrites changed ones', async () => {
    await writeOutput(root, plan());
    await age(plan().files.map((f) => f.path));
    expect(await writeOutput(root, plan())).toEqual({ written: [], removed: [] });
    for (const file of plan().files) expect((await stat(join(root, file.path))).mtime, file.path).toEqual(OLD);

    const changed = plan();
    changed.files[1] = { path: 'gen/sub/b.ts', content: 'export const b = 20;\n' };
    expect(await writeOutput(root, changed)).toEqual({ written: ['gen/sub/b.ts'], removed: [] });
    expect(await readFile(join(root, 'gen/sub/b.ts'), 'utf8')).toBe('export const b = 20;\n');
    expect((await stat(join(root, 'gen/sub/b.ts'))).mtime).not.toEqual(OLD);
    expect((await stat(join(root, 'gen/a.ts'))).mtime).toEqual(OLD);
  });

  it('rewrites a file whose content differs on disk, even by one byte', async () => {
    await writeOutput(root, plan());
    await put('gen/a.ts', 'export const a = 1;\r\n');
    expect((await writeOutput(root, plan())).written).toEqual(['gen/a.ts']);
    expect(await readFile(join(root, 'gen/a.ts'), 'utf8')).toBe('export const a = 1;\n');
  });

  it('removes the folders its strays leave empty, never an owned directory nor a folder still in use', async () => {
    await put('gen/deep/er/old.ts', 'old\n');
    await put('gen/sub/stray.ts', 'old\n');
    await put('schemas/frames/gone.json', '{}\n');
    await mkdir(join(root, 'gen/empty-before'), { recursive: true });
    await writeOutput(root, { ...plan(), files: plan().files.filter((f) => f.path !== 'schemas/c.json') });
    expect(await readdir(join(root, 'gen')).then((names) => names.sort())).toEqual(['a.ts', 'empty-before', 'sub']);
    expect(await readdir(join(root, 'gen/sub'))).toEqual(['b.ts']);
    // The owned directory itself stays, even with nothing left in it.
    expect(await readdir(join(root, 'schemas'))).toEqual([]);
  });

  it('removes stray files anywhere in owned directories, and only there', async () => {
    await put('gen/stray.ts', 'old\n');
    await put('gen/deep/er/old.ts', 'old\n');
    await put('schemas/frames/gone.json', '{}\n');
    await put('elsewhere/keep.md', 'mine\n');
    await put('gen-other/keep.ts', 'not owned: a sibling with a common prefix\n');
    const result = await writeOutput(root, plan());
    expect(result.removed).toEqual(['gen/deep/er/old.ts', 'gen/stray.ts', 'schemas/frames/gone.json']);
    expect(Object.keys(await tree()).sort()).toEqual([
      'elsewhere/d.md',
      'elsewhere/keep.md',
      'gen-other/keep.ts',
      'gen/a.ts',
      'gen/sub/b.ts',
      'schemas/c.json',
    ]);
  });

  it('leaves no temporary files behind', async () => {
    await writeOutput(root, plan());
    const changed = plan();
    changed.files[0] = { path: 'gen/a.ts', content: 'changed\n' };
    await writeOutput(root, changed);
    const names = Object.keys(await tree());
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(names).toHaveLength(4);
  });

  it('writes nothing when one target cannot be written (a directory in its place), and says so', async () => {
    await writeOutput(root, plan());
    await age(plan().files.map((f) => f.path));
    const before = await tree();
    // schemas/c.json, written after gen/a.ts and gen/sub/b.ts, is a directory now.
    await rm(join(root, 'schemas/c.json'));
    await mkdir(join(root, 'schemas/c.json/inside'), { recursive: true });
    const changed = plan();
    changed.files = changed.files.map((f) => ({ ...f, content: `${f.content}// changed\n` }));
    const error = await writeOutput(root, changed).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).written).toEqual([]);
    expect(failureLines(error, false)).toEqual([expect.stringMatching(/^codegen: schemas\/c\.json is not a regular file; nothing written\.$/)]);
    const after = await tree();
    delete before['schemas/c.json'];
    expect(after).toEqual(before);
  });

  it('stopped while writing (Ctrl-C), removes its temporaries and touches no target', async () => {
    await writeOutput(root, plan());
    await age(plan().files.map((f) => f.path));
    const before = await tree();
    const changed = plan();
    changed.files = changed.files.map((f) => ({ ...f, content: `${f.content}// changed\n` }));
    // Stopped once the first temporary is written, as the CLI's signal handler stops it.
    let checks = 0;
    const signal = { throwIfAborted: () => {
      if ((checks += 1) > 1) throw new Error('interrupted by SIGINT');
    } } as unknown as AbortSignal;
    const error = await writeOutput(root, changed, signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OutputError);
    expect(failureLines(error, false)).toEqual(['codegen: interrupted by SIGINT; nothing written.']);
    expect(await tree()).toEqual(before);
  });

  it('names the files it did write when a rename fails part way (the CLI\'s line)', () => {
    // A rename failing after others succeeded (a disk error) cannot be provoked portably; the report is what matters.
    const error = new OutputError(new Error('EIO: i/o error, rename'), ['gen/a.ts'], ['gen/b.ts']);
    expect(failureLines(error, false)).toEqual(['codegen: EIO: i/o error, rename; 1 file(s) written (gen/a.ts), 1 not (gen/b.ts).']);
  });

  it('copes with owned directories that do not exist yet', async () => {
    const result = await writeOutput(root, { files: [{ path: 'x/y.txt', content: 'y\n' }], ownedDirectories: ['gen', 'schemas'] });
    expect(result).toEqual({ written: ['x/y.txt'], removed: [] });
  });
});

describe('checkOutput', () => {
  const STRAY = (path: string) => `${path}: not generated any more (remove it, or run pnpm generate)\n`;

  it('returns nothing when every file is in step', async () => {
    await writeOutput(root, plan());
    expect(await checkOutput(root, plan())).toEqual([]);
  });

  it('returns a unified diff (on disk -> generated) for a stale file', async () => {
    await writeOutput(root, plan());
    await put('gen/sub/b.ts', 'export const b = 1;\n// hand edit\n');
    const diffs = await checkOutput(root, plan());
    expect(diffs).toEqual([
      [
        '===================================================================',
        '--- a/gen/sub/b.ts\ton disk',
        '+++ b/gen/sub/b.ts\tgenerated',
        '@@ -1,2 +1,1 @@',
        '-export const b = 1;',
        '-// hand edit',
        '+export const b = 2;',
        '',
      ].join('\n'),
    ]);
  });

  it('returns a "missing" diff that adds the whole file for a missing one', async () => {
    await writeOutput(root, plan());
    await rm(join(root, 'schemas/c.json'));
    const diffs = await checkOutput(root, plan());
    expect(diffs).toEqual([createTwoFilesPatch('a/schemas/c.json', 'b/schemas/c.json', '', '{ "c": 3 }\n', 'missing', 'generated')]);
    expect(diffs[0]).toContain('--- a/schemas/c.json\tmissing\n');
    expect(diffs[0]).toContain('\n+{ "c": 3 }\n');
  });

  it('reports stray files in owned directories, after the diffs, sorted', async () => {
    await writeOutput(root, plan());
    await put('schemas/z.json', '{}\n');
    await put('gen/deep/old.ts', 'old\n');
    await put('elsewhere/mine.md', 'not owned\n');
    await put('gen/a.ts', 'stale\n');
    const diffs = await checkOutput(root, plan());
    expect(diffs).toHaveLength(3);
    expect(diffs[0]).toMatch(/^=+\n--- a\/gen\/a\.ts\ton disk\n\+\+\+ b\/gen\/a\.ts\tgenerated\n/);
    expect(diffs.slice(1)).toEqual([STRAY('gen/deep/old.ts'), STRAY('schemas/z.json')]);
  });

  it('writes, removes and touches nothing', async () => {
    await writeOutput(root, plan());
    await put('gen/a.ts', 'stale\n');
    await rm(join(root, 'schemas/c.json'));
    await put('gen/stray.ts', 'stray\n');
    await age(['gen/a.ts', 'gen/sub/b.ts', 'elsewhere/d.md', 'gen/stray.ts']);
    const before = await tree();
    expect(await checkOutput(root, plan())).toHaveLength(3);
    expect(await tree()).toEqual(before);
  });

  it('is in step right after writeOutput, whatever was on disk before', async () => {
    await put('gen/a.ts', 'stale\n');
    await put('gen/stray.ts', 'stray\n');
    expect(await checkOutput(root, plan())).toHaveLength(5); // a stale, b c d missing, 1 stray
    await writeOutput(root, plan());
    expect(await checkOutput(root, plan())).toEqual([]);
  });
});

describe('determinism', () => {
  it('generates byte-identical files from the real spec twice', async () => {
    const spec = join(REPOSITORY_ROOT, 'spec/asyncapi.yaml');
    const first = await generate(spec);
    const second = await generate(spec);
    expect(first.files.length).toBeGreaterThan(100);
    expect(second.files.map((f) => f.path)).toEqual(first.files.map((f) => f.path));
    for (const [i, file] of first.files.entries()) expect(second.files[i]!.content, file.path).toBe(file.content);
    expect(second.ownedDirectories).toEqual(first.ownedDirectories);
    // Sorted by path, each path once.
    const paths = first.files.map((f) => f.path);
    expect([...paths].sort()).toEqual(paths);
    expect(new Set(paths).size).toBe(paths.length);
  }, 60_000);

  it('rejects an unknown plugin by name', async () => {
    await expect(generate(join(REPOSITORY_ROOT, 'spec/asyncapi.yaml'), REPOSITORY_ROOT, ['models', 'docs'])).rejects.toThrow(
      'unknown plugin "docs" (known: models, json-schemas, validators, guards, sdk, server, sdk-type-tests, conformance)',
    );
  }, 30_000);
});

// What the generator does with plugins whose output paths are wrong (the cases a review ran on a
// scratch root): it refuses them before writing, so nothing is written, removed or left half-done.
describe('plugins with bad output paths', () => {
  const context = { generator: { name: 'g', version: '0', source: 'spec.yaml' } };
  const emitting = (name: string, dir: string, owns: boolean, paths: string[]): Plugin =>
    definePlugin({ name, description: name, output: { dir, owns }, reads: [], dependsOn: [], emit: () => paths.map((path) => ({ path, content: 'x\n' })) });
  const generateInto = async (plugins: Plugin[]) => writeOutput(root, await runPlugins({} as ProtocolModel, context, plugins));

  it('write nothing and remove nothing, saying which plugin and path are wrong', async () => {
    await put('keep/handwritten.ts', 'mine\n');
    await put('out/a/names.txt', 'x\n');
    await age(['keep/handwritten.ts', 'out/a/names.txt']);
    const before = await tree();
    const outside = `${basename(root)}-escaped.txt`;
    const cases: Array<[Plugin[], string]> = [
      [[emitting('wide', '.', true, ['gen.txt'])], 'plugin "wide": output.dir "." is empty or "." (it must name a folder below the repository root)'],
      [[emitting('escape', 'out/a', true, [`../../../${outside}`])], `plugin "escape" emits "../../../${outside}", which climbs out with ".." (it must name a file inside out/a)`],
      [[emitting('dup', 'out/b', false, ['same.txt', 'other.txt', 'same.txt'])], 'plugin "dup" emits out/b/same.txt twice'],
    ];
    for (const [plugins, message] of cases) {
      const error = await generateInto(plugins).then(
        () => undefined,
        (e: unknown) => e,
      );
      // The CLI's one line for it.
      expect(failureLines(error, false), message).toEqual([`codegen: ${message}; nothing written.`]);
      expect(await tree(), message).toEqual(before);
    }
    await expect(stat(join(dirname(root), outside))).rejects.toThrow(/ENOENT/); // where out/a/../../../ leads
  });

  it('keep a file written under a folder spelt with a trailing slash (once removed as its own stray)', async () => {
    const slash = emitting('slash', 'out/a/', true, ['names.txt']);
    expect(await generateInto([slash])).toEqual({ written: ['out/a/names.txt'], removed: [] });
    expect(await generateInto([slash])).toEqual({ written: [], removed: [] });
    expect(Object.keys(await tree())).toEqual(['out/a/names.txt']);
    expect(await checkOutput(root, await runPlugins({} as ProtocolModel, context, [slash]))).toEqual([]);
  });
});

describe('a plan not in normal form (made by hand, not by runPlugins)', () => {
  it('is refused by writeOutput and checkOutput before they touch anything', async () => {
    await put('keep/handwritten.ts', 'mine\n');
    await put('gen/a.ts', 'old\n');
    const before = await tree();
    const cases: Array<[OutputPlan, string]> = [
      [{ files: [{ path: 'gen/a.ts', content: 'a\n' }], ownedDirectories: ['.'] }, 'output path "." is empty or "."'],
      [{ files: [{ path: 'gen/a.ts', content: 'a\n' }], ownedDirectories: ['gen/'] }, 'output path "gen/" is not in normal form (gen)'],
      [{ files: [{ path: 'gen//a.ts', content: 'a\n' }], ownedDirectories: [] }, 'output path "gen//a.ts" is not in normal form (gen/a.ts)'],
      [{ files: [{ path: '../escaped.txt', content: 'a\n' }], ownedDirectories: [] }, 'output path "../escaped.txt" climbs out with ".."'],
      [{ files: [{ path: 'gen/a.ts', content: 'a\n' }, { path: 'gen/a.ts', content: 'b\n' }], ownedDirectories: [] }, 'output path gen/a.ts is generated twice'],
    ];
    for (const [bad, message] of cases) {
      await expect(writeOutput(root, bad), message).rejects.toThrow(message);
      await expect(checkOutput(root, bad), message).rejects.toThrow(message);
      expect(await tree(), message).toEqual(before);
    }
  });
});
