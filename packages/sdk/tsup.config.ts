import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // Browsers and runtimes with a global WebSocket: no Node built-in, no `ws`.
    entry: { index: 'src/index.ts', unvalidated: 'src/unvalidated.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'es2020',
    platform: 'browser',
    silent: true,
  },
  {
    entry: { node: 'src/node.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    target: 'node20',
    platform: 'node',
    external: ['ws'],
    silent: true,
  },
]);
