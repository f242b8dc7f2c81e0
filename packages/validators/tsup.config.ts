import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per message, so `@customer-chat/validators/messages/<name>` pulls only what it uses.
const messages = Object.fromEntries(
  readdirSync('src/gen/messages')
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [`messages/${file.slice(0, -3)}`, `src/gen/messages/${file}`]),
);

export default defineConfig({
  entry: { index: 'src/index.ts', explain: 'src/explain.ts', ...messages },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  // Each entry one self-contained file: the root loads as one module (no chunks to resolve), and
  // every module is side-effect free, so a bundler keeps only what a program imports from it.
  splitting: false,
  treeshake: true,
  sourcemap: false,
  target: 'es2022',
  platform: 'neutral',
  silent: true,
});
