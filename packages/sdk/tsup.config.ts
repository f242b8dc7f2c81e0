import { defineConfig } from 'tsup';

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
  {
    // Both Node.js entries in one build, so `@customer-chat/sdk` and `/unvalidated` share one
    // runtime (one SDKError class for isSDKError, one CustomerSDK type); in CommonJS too.
    entry: { node: 'src/node.ts', 'node-unvalidated': 'src/node-unvalidated.ts' },
    format: ['esm', 'cjs'],
    splitting: true,
    dts: true,
    target: 'node20',
    platform: 'node',
    external: ['ws'],
    // `import.meta.url` (for createRequire) in the CommonJS build too.
    shims: true,
    silent: true,
  },
]);
