import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The browser suite runs on its own (test/browser/vitest.config.ts), after Chromium is ensured.
    exclude: ['test/browser/**'],
    testTimeout: 60_000,
    // Type-level tests (generated from the spec): checked by tsc, reported by vitest.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
