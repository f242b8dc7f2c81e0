// The vitest configuration of a package's browser suite (headless Debian Chromium through
// playwright-core), run on its own after tools/scripts/ensure-chromium.mjs: the package's
// test/browser/**/*.test.ts, one file at a time (each shares one browser among its tests).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** `packageRoot`: the package's folder, as a URL (`new URL('../..', import.meta.url)` from test/browser). */
export function browserSuiteConfig(packageRoot) {
  return defineConfig({
    root: fileURLToPath(packageRoot),
    test: {
      include: ['test/browser/**/*.test.ts'],
      fileParallelism: false,
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  });
}
