// Mutation testing of the validators' hand-written runtime (`pnpm --filter @customer-chat/validators mutation`):
// Stryker changes the explainer (src/runtime/explain.ts), the validation glue and the code-point
// count one mutant at a time and runs the tests that cover it; a mutant no test notices is an
// assertion missing. Not part of `pnpm test` (minutes, not seconds); its figures are kept in
// bench/mutation.md. The generated code (src/gen) is not mutated: the differential tests hold it to ajv.
import { strykerConfig } from '../../tools/scripts/stryker-config.mjs';

export default strykerConfig(new URL('.', import.meta.url), {
  mutate: ['src/runtime/**/*.ts'],
  vitestConfig: 'stryker.vitest.config.ts',
  concurrency: 2,
});
