// Writes bench/mutation.md from Stryker's JSON report of the SDK runtime's mutation run; report
// files given as arguments replace the default one (a later one wins for the files it measured).
import { writeMutationReport } from '../../../tools/scripts/mutation-report.mjs';

writeMutationReport({
  packageUrl: new URL('..', import.meta.url),
  title: 'Mutation score of the SDK runtime',
  command: 'pnpm --filter @customer-chat/sdk mutation',
  about: "each mutant is one small change to `src/runtime`, run against the runtime's unit tests (`test/runtime`).",
  notes: [
    "The XMLHttpRequest path of `upload.ts` runs here under a scripted stand-in of the browser's `XMLHttpRequest`; the Chromium suite (`test/browser`) runs it for real. Most of the survivors below cannot be observed (a `clearTimeout` of nothing, a default that the caller always overrides, a branch the state machine never reaches).",
  ],
  reports: process.argv.slice(2),
});
