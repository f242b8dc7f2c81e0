// The tests Stryker runs against each mutant: every suite that reaches the runtime, with the random
// runs of the property tests scaled down (each mutant reruns the tests that cover it; the seeded
// cases and every spec example still run). Left out: the package test (it builds and packs), the
// cross-language test (it starts Python) and the count of differential cases, which holds only
// at full scale.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/package.test.ts', 'test/other-languages.test.ts'],
    testNamePattern: /^(?!.*is at least 100,000 over the messages)/,
    env: { GUARD_RUNS: '0.05', MUTANT_RUNS: '20' },
    testTimeout: 120_000,
  },
});
