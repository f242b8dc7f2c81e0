// Mutation testing of the SDK's hand-written runtime (`pnpm --filter @customer-chat/sdk mutation`):
// Stryker changes the runtime's code one mutant at a time and runs the unit tests that cover it; a
// mutant no test notices is an assertion missing. Not part of `pnpm test` (minutes, not seconds);
// its figures are kept in bench/mutation.md.
// Under pnpm the runner plugin is named by its file path (Stryker looks for plugins next to itself).
import { fileURLToPath } from 'node:url';

export default {
  testRunner: 'vitest',
  plugins: [fileURLToPath(new URL('./node_modules/@stryker-mutator/vitest-runner/dist/src/index.js', import.meta.url))],
  vitest: { configFile: 'stryker.vitest.config.ts' },
  mutate: ['src/runtime/**/*.ts', '!src/runtime/index.ts', '!src/runtime/protocol.ts'],
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  concurrency: 4,
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
