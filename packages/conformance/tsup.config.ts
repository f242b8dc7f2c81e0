import { defineConfig, type Options } from 'tsup';

// `@customer-chat/http-upgrade` is a private workspace package (source only): bundled in.
const common: Options = { platform: 'node', target: 'node20', sourcemap: true, silent: true, noExternal: ['@customer-chat/http-upgrade'] };

// `dist` is emptied by the build script before both builds run (they run side by side).
export default defineConfig([
  // The library, for import and require.
  { ...common, entry: ['src/index.ts'], format: ['esm', 'cjs'], dts: { entry: 'src/index.ts' } },
  // The CLIs, which the bins import as ES modules only (a CommonJS copy would ship unreachable).
  // tsup keeps their `#!/usr/bin/env node` line and marks the output executable.
  { ...common, entry: ['src/cli.ts', 'src/proxy-cli.ts'], format: ['esm'] },
]);
