// Browser bundle size of the SDK (`pnpm bench`): each entry bundled for the browser with esbuild,
// minified, as an application would ship it; raw and gzip (level 9). Writes bench/size.md.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const entries = [
  { name: '@customer-chat/sdk (validation on)', file: 'dist/index.js' },
  { name: '@customer-chat/sdk/unvalidated', file: 'dist/unvalidated.js' },
];
const rows: string[] = [];
const results: Record<string, { minified: number; gzip: number }> = {};
for (const entry of entries) {
  const output = await build({ entryPoints: [entry.file], bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
  const code = output.outputFiles[0]!.contents;
  const sizes = { minified: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
  results[entry.name] = sizes;
  rows.push(`| ${entry.name} | ${(sizes.minified / 1024).toFixed(1)} KB | ${(sizes.gzip / 1024).toFixed(1)} KB |`);
}
const table = [
  '# SDK bundle size (`pnpm bench`)',
  '',
  `Each entry bundled for the browser with esbuild, minified; gzip level 9. ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.`,
  '',
  '| bundle | minified | minified + gzip |',
  '| --- | ---: | ---: |',
  ...rows,
  '',
  'For comparison, the sizes PROTOCOL-NOTES reports for the same SDK family (not measured here):',
  'v4.0.2 about 53 KB minified, 17 KB gzip; v0.9.1 about 86 KB minified, 28 KB gzip.',
  '',
].join('\n');
writeFileSync(new URL('size.md', import.meta.url), table);
console.log(table);
console.log(JSON.stringify(results));
