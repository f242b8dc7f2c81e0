// The published package: its tarball holds the built site, the Markdown, the entry and the command;
// the entry (ES module and CommonJS) names folders that hold the pages.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from './helpers.js';

const PAGES = ['index', 'events', 'methods', 'protocol', 'schemas', 'changelog', 'console'];

describe('the published package', () => {
  let packed: string[] = [];
  beforeAll(() => {
    // The built site must be there (the package's build runs before its tests).
    expect(existsSync(join(PACKAGE_DIR, 'dist/site/index.html')), 'dist/site is not built').toBe(true);
    // stderr kept: npm warns about pnpm's settings in the environment, which says nothing about the package.
    const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    packed = (JSON.parse(output) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
  });

  it('ships the site, the Markdown, the entry and the command, and nothing of the sources', () => {
    for (const page of PAGES) expect(packed).toEqual(expect.arrayContaining([`dist/site/${page}.html`, `dist/markdown/${page}.md`]));
    expect(packed).toEqual(expect.arrayContaining(['dist/site/assets/site.js', 'dist/site/assets/search-index.js', 'package/index.js', 'package/index.cjs', 'bin/customer-chat-docs.mjs', 'README.md', 'LICENSE']));
    expect(packed.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('dist/examples/'))).toEqual([]);
  });

  it('names, from ES modules and CommonJS alike, the folders that hold the pages', async () => {
    const esm = (await import('@customer-chat/docs')) as { siteDirectory: string; markdownDirectory: string; pages: readonly string[] };
    const cjs = createRequire(import.meta.url)('@customer-chat/docs') as typeof esm;
    for (const entry of [esm, cjs]) {
      expect(entry.pages).toEqual(PAGES);
      for (const page of PAGES) {
        expect(readFileSync(join(entry.siteDirectory, `${page}.html`), 'utf8')).toMatch(/^<!doctype html>/i);
        expect(existsSync(join(entry.markdownDirectory, `${page}.md`))).toBe(true);
      }
    }
    expect(cjs.siteDirectory).toBe(esm.siteDirectory);
  });

  it('has the command as its bin, executable', () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ 'customer-chat-docs': './bin/customer-chat-docs.mjs' });
    expect(readFileSync(join(PACKAGE_DIR, manifest.bin['customer-chat-docs']!), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });
});
