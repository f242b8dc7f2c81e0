// Mutation testing of the SDK's hand-written runtime (`pnpm --filter @customer-chat/sdk mutation`):
// Stryker changes the runtime's code one mutant at a time and runs the unit tests that cover it; a
// mutant no test notices is an assertion missing. Not part of `pnpm test` (minutes, not seconds);
// its figures are kept in bench/mutation.md.
import { strykerConfig } from '../../tools/scripts/stryker-config.mjs';

export default strykerConfig(new URL('.', import.meta.url), {
  mutate: ['src/runtime/**/*.ts', '!src/runtime/index.ts', '!src/runtime/protocol.ts'],
  vitestConfig: 'stryker.vitest.config.ts',
  concurrency: 4,
});
