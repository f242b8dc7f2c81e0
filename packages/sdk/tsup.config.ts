import { resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

/**
 * The Node.js entries, minified, the ES module build with source maps beside it (`node --enable-source-maps` reads
 * them; nothing loads them otherwise): Node compiles every byte it imports, and minified they import
 * about a millisecond faster (bench/size.md); bundlers take the browser build and minify it
 * themselves. The CommonJS build requires `ws` with its own `require` (no top-level await there).
 */
function nodeBuild(format: 'esm' | 'cjs'): Options {
  return {
    entry: { node: 'src/node.ts', 'node-unvalidated': 'src/node-unvalidated.ts' },
    format: [format],
    splitting: true,
    dts: true,
    target: 'node20',
    platform: 'node',
    external: ['ws'],
    minify: true,
    // The CommonJS build's maps would be broken (tsup makes its chunks from the ES ones and the
    // chained map names the build folder's absolute path): maps for the ES module build only.
    sourcemap: format === 'esm',
    esbuildOptions: (options) => void (options.sourcesContent = false),
    esbuildPlugins: format === 'esm' ? [] : [{
      name: 'require-ws-commonjs',
      setup(build) {
        build.onResolve({ filter: /\/require-ws\.js$/ }, () => ({ path: resolve('src/require-ws-commonjs.ts') }));
      },
    }],
    silent: true,
  };
}

export default defineConfig([
  {
    // Browsers and runtimes with a global WebSocket: no Node built-in, no `ws`.
    entry: { index: 'src/index.ts', unvalidated: 'src/unvalidated.ts' },
    format: ['esm', 'cjs'],
    // Shared chunks in CommonJS too (ESM splits by default): a tool that requires the browser
    // build (a test runner resolving `browser` + `require`) gets one runtime for both entries.
    splitting: true,
    dts: true,
    clean: true,
    // es2022: `#private` fields and class static blocks stay native, not WeakMap helpers.
    target: 'es2022',
    platform: 'browser',
    silent: true,
  },
  // Both Node.js entries in one build per format, so `@customer-chat/sdk` and `/unvalidated` share
  // one runtime (one SDKError class for isSDKError, one CustomerSDK type); in CommonJS too.
  nodeBuild('esm'),
  nodeBuild('cjs'),
]);
