// Writes bench/mutation.md from Stryker's JSON report of the validators runtime's mutation run;
// report files given as arguments replace the default one (a later one wins for the files it measured).
import { writeMutationReport } from '../../../tools/scripts/mutation-report.mjs';

writeMutationReport({
  packageUrl: new URL('..', import.meta.url),
  title: "Mutation score of the validators' runtime",
  command: 'pnpm --filter @customer-chat/validators mutation',
  about:
    'each mutant is one small change to `src/runtime` (the explainer that lists why a value fails, the glue of `validate()` and the code-point count), run against the tests that cover it, with the random runs of the property tests scaled down (`stryker.vitest.config.ts`).',
  notes: [],
  reports: process.argv.slice(2),
});
