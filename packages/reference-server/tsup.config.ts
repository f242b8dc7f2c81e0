import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: true,
  // tsup keeps the `#!/usr/bin/env node` line of src/cli.ts and marks the output executable.
  silent: true,
});
