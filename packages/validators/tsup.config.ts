import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

// One entry per message, so `@customer-chat/validators/messages/<name>` pulls only what it uses.
const messages = Object.fromEntries(
  readdirSync('src/gen/messages')
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [`messages/${file.slice(0, -3)}`, `src/gen/messages/${file}`]),
);

const common: Options = { format: ['esm', 'cjs'], dts: true, treeshake: true, sourcemap: false, target: 'es2022', platform: 'neutral', silent: true };

// For Node, the root again, with `#explain` (what a failed check calls) requiring the /explain entry
// on the first failure instead of carrying it (see src/node/explain-on-first-failure.ts; the
// CommonJS file requires it with its own `require`, src/node/load-explainer-commonjs.ts, left to
// Node); and /guards again, minified like the root.
type Resolver = { onResolve(options: { filter: RegExp }, callback: () => { path: string; external?: boolean }): void };
const explainOnFirstFailure = (format: 'esm' | 'cjs') => ({
  name: 'explain-on-first-failure',
  setup(build: Resolver) {
    build.onResolve({ filter: /^#explain$/ }, () => ({ path: resolve('src/node/explain-on-first-failure.ts') }));
    if (format === 'cjs') {
      build.onResolve({ filter: /\/load-explainer\.js$/ }, () => ({ path: resolve('src/node/load-explainer-commonjs.ts') }));
      build.onResolve({ filter: /^\.\/explain\.cjs$/ }, () => ({ path: './explain.cjs', external: true }));
    }
  },
});
// Minified, with a source map beside it (`node --enable-source-maps` reads it for stack traces;
// nothing loads it otherwise): Node compiles every byte of a module at import, and the minified
// root imports about 0.5 ms faster (bench/footprint.md). Bundlers get the readable root and
// minify it themselves.
// Rollup's pass (treeshake) writes the CommonJS exports as plain assignments, which load faster than
// esbuild's getters; it also appends the map comment a second time, which onSuccess takes off.
const nodeRoot = (format: 'esm' | 'cjs'): Options => ({
  ...common,
  format: [format],
  entry: { 'index.node': 'src/index.ts', 'guards.node': 'src/guards.ts' },
  splitting: false,
  dts: false,
  platform: 'node',
  minify: true,
  sourcemap: true,
  treeshake: true,
  esbuildOptions: (options) => void (options.sourcesContent = false),
  esbuildPlugins: [explainOnFirstFailure(format)],
  onSuccess: async () => {
    for (const name of ['index.node', 'guards.node']) {
      const file = `dist/${name}.${format === 'esm' ? 'js' : 'cjs'}`;
      writeFileSync(file, readFileSync(file, 'utf8').replace(/(\/\/# sourceMappingURL=\S+)\n\1\n?$/, '$1\n'));
    }
  },
});

// `dist` is emptied by the build script before both builds run (they run side by side).
export default defineConfig([
  // The root, /explain and /guards each one self-contained file: each loads as one module (no
  // chunks to resolve), and every module is side-effect free, so a bundler keeps only what a
  // program imports from it.
  { ...common, entry: { index: 'src/index.ts', explain: 'src/explain.ts', guards: 'src/guards.ts' }, splitting: false },
  // Their types are the root's (dist/index.d.ts and .d.cts).
  nodeRoot('esm'),
  nodeRoot('cjs'),
  // The message subpaths share their guards, schemas and explainer in chunks: self-contained, each
  // would carry its own copy of them (some 128 KB per file, 12 MB installed).
  { ...common, entry: messages, splitting: true },
]);
