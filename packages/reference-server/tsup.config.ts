import { copyFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { ADMIN_API_DOCUMENT_FILE } from './src/admin-api-document.js';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: true,
  // `import.meta.url` in the CommonJS build too: the admin API document is found next to the bundle.
  shims: true,
  // tsup keeps the `#!/usr/bin/env node` line of src/cli.ts and marks the output executable.
  silent: true,
  // The admin API's OpenAPI document ships in dist/, where the server looks for it first: the
  // installed package has no spec/ folder.
  onSuccess: async () => {
    copyFileSync(`../../spec/${ADMIN_API_DOCUMENT_FILE}`, `dist/${ADMIN_API_DOCUMENT_FILE}`);
  },
});
