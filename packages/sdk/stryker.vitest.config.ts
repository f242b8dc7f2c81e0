// The unit tests of the runtime (test/runtime), the ones Stryker runs against each mutant.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/runtime/**/*.test.ts'], testTimeout: 30_000 } });
