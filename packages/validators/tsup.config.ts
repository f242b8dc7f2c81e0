import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per message, so `@customer-chat/validators/messages/<name>` pulls only what it uses.
const messages = Object.fromEntries(
  readdirSync('src/gen/messages')
    .filter((file) => file.endsWith('.ts'))
    .map((file) => [`messages/${file.slice(0, -3)}`, `src/gen/messages/${file}`]),
);

export default defineConfig({
  entry: { index: 'src/index.ts', ...messages },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  splitting: true,
  treeshake: true,
  sourcemap: false,
  target: 'es2020',
  platform: 'neutral',
  silent: true,
});
