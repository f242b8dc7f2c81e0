// The build replaces site/, markdown/ and examples/ under its output directory, but only those a
// build wrote (listed in its marker file, or holding nothing but generated files): a user's own
// `examples/` stops the build before anything is deleted. Its command line takes one directory
// and --help; an option-like argument is refused rather than built into.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_MARKER, buildSite, parseBuildArguments } from '../src/build.js';
import { PACKAGE_DIR } from './helpers.js';

mkdirSync(join(PACKAGE_DIR, '.tmp'), { recursive: true });
const scratch = mkdtempSync(join(PACKAGE_DIR, '.tmp', 'build-output-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const NO_HISTORY = { history: { releases: [], unreleased: undefined } };

describe('buildSite output directory', () => {
  it("refuses to build over a user's examples/ folder, deleting nothing", async () => {
    const outDir = join(scratch, 'user');
    mkdirSync(join(outDir, 'examples'), { recursive: true });
    writeFileSync(join(outDir, 'examples', 'mine.ts'), 'export const mine = 1;\n');
    await expect(buildSite(outDir, NO_HISTORY)).rejects.toThrow(
      new RegExp(`refusing to build into ${outDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*examples was not written by this build .*move it away or build into another directory`),
    );
    expect(readFileSync(join(outDir, 'examples', 'mine.ts'), 'utf8')).toBe('export const mine = 1;\n');
    expect(existsSync(join(outDir, 'site'))).toBe(false);
  }, 60_000);

  it('rebuilds over its own output (marked), and over a build from before the marker', async () => {
    const outDir = join(scratch, 'own');
    await buildSite(outDir, NO_HISTORY);
    expect(JSON.parse(readFileSync(join(outDir, BUILD_MARKER), 'utf8'))).toMatchObject({ directories: ['site', 'markdown', 'examples'] });
    writeFileSync(join(outDir, 'site', 'stale.html'), 'left over\n');
    await buildSite(outDir, NO_HISTORY);
    expect(existsSync(join(outDir, 'site', 'stale.html'))).toBe(false);
    // An older build wrote no marker: its directories hold only generated files, so they are replaced too.
    rmSync(join(outDir, BUILD_MARKER));
    await buildSite(outDir, NO_HISTORY);
    expect(readdirSync(join(outDir, 'site'))).toContain('index.html');
    // Without the marker, one file of the user's among generated ones is enough to stop it.
    rmSync(join(outDir, BUILD_MARKER));
    writeFileSync(join(outDir, 'markdown', 'notes.md'), '# my notes\n');
    await expect(buildSite(outDir, NO_HISTORY)).rejects.toThrow(/markdown was not written by this build/);
    expect(existsSync(join(outDir, 'markdown', 'notes.md'))).toBe(true);
  }, 120_000);
});

describe('build command line', () => {
  it('takes at most one output directory, and no option but --help', () => {
    expect(parseBuildArguments([])).toMatchObject({ outDir: join(PACKAGE_DIR, 'dist') });
    expect(parseBuildArguments(['out'])).toEqual({ outDir: join(process.cwd(), 'out') });
    expect(parseBuildArguments(['--help'])).toBe('help');
    expect(() => parseBuildArguments(['--out=x'])).toThrow('unknown option "--out=x"');
    expect(() => parseBuildArguments(['a', 'b'])).toThrow('one output directory at most, got 2: "a" "b"');
  });

  it('prints its usage for --help (exit 0) and refuses an option (exit 2), building nothing', () => {
    const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/build.ts', ...args], { cwd: PACKAGE_DIR, encoding: 'utf8', timeout: 60_000 });
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: tsx src\/build\.ts \[outDir\]/);
    const wrong = run(['--out', join(scratch, 'never')]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('build: unknown option "--out"');
    expect(wrong.stderr).toContain('usage: tsx src/build.ts');
    for (const name of ['--help', '--out']) expect(existsSync(join(PACKAGE_DIR, name)), name).toBe(false);
  }, 60_000);
});
