import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts', 'src/proxy-cli.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: true,
  // tsup keeps the `#!/usr/bin/env node` line of the CLIs and marks the output executable.
  silent: true,
});
