// Writes bench/mutation.md from Stryker's JSON report of the validators runtime's mutation run;
// report files given as arguments replace the default one (a later one wins for the files it measured).
import { writeMutationReport } from '../../../tools/scripts/mutation-report.mjs';

writeMutationReport({
  packageUrl: new URL('..', import.meta.url),
  title: "Mutation score of the validators' runtime",
  command: 'pnpm --filter @customer-chat/validators mutation',
  about:
    'each mutant is one small change to `src/runtime` (the explainer that lists why a value fails, the glue of `validate()` and the code-point count), run against the tests that cover it, with the random runs of the property tests scaled down (`stryker.vitest.config.ts`).',
  notes: [
    'The first full run (2026-11-30, 59 minutes) scored 84.2% (791 of 939), with `ajv-runtime.ts` at 54.0%: its code-point count and deep equality were reached only through the scaled-down property tests. `test/ajv-runtime.test.ts` now holds both to ajv\'s own helpers on generated inputs; the figures of `ajv-runtime.ts` below come from a run of that file alone, after it (a later report wins for the files it measured).',
    'The second full run (2026-11-30, 78 minutes, on a machine shared with other work) measured the explainer and `validation.ts` after `test/explain-generic.test.ts` (the explainer held to ajv on schema sets drawn from every keyword it supports) and `test/validation-runtime.test.ts` (the glue of validate(), rule by rule): explain.ts 88.7% -> 96.9%, validation.ts 86.2% -> 100%. A run of the explainer\'s lines 76-86 and 330-380 alone then measured the fixed cases added for its survivors (uniqueItems over several primitive types, arrays of non-JSON items); its verdicts replace the full run\'s for those mutants.',
    'The survivors left, read one by one: `explain.ts:80` (`value === null` made false: ajv\'s equality of null with null is true anyway) and `:83` (the catch block emptied: it returns undefined, as falsy as its false) change nothing observable; `:347` survived only the scaled-down random runs of the partial run (the full run killed all three); `:376` (`length > 1` made true or `>= 1`: a suffix on every string of one type keeps them apart as before) is equivalent, and `typeof item !== \'string\'` is killed by the case `[1, \'1_\']` added after the run.',
  ],
  reports: process.argv.slice(2),
});
