import { copyFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';
import { ADMIN_API_DOCUMENT_FILE } from './src/admin-api-document.js';

const common: Options = {
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // `import.meta.url` in the CommonJS build too: the admin API document is found next to the bundle.
  shims: true,
  silent: true,
  // `@customer-chat/http-upgrade` is a private workspace package (source only): bundled in.
  noExternal: ['@customer-chat/http-upgrade'],
};

// `dist` is emptied by the build script before both builds run (they run side by side).
export default defineConfig([
  // The library, for import and require.
  {
    ...common,
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    // The admin API's OpenAPI document ships in dist/, where the server looks for it first: the
    // installed package has no spec/ folder.
    onSuccess: async () => {
      copyFileSync(`../../spec/${ADMIN_API_DOCUMENT_FILE}`, `dist/${ADMIN_API_DOCUMENT_FILE}`);
    },
  },
  // The CLI, which the bin imports as an ES module only (a CommonJS copy would ship unreachable).
  // tsup keeps the `#!/usr/bin/env node` line of src/cli.ts and marks the output executable.
  { ...common, entry: ['src/cli.ts'], format: ['esm'] },
]);
