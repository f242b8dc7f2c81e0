// The conformance kit under mutation testing (`pnpm --filter @customer-chat/reference-server mutation:kit`):
// the same mutants of the server's protocol core as `mutation` (stryker.config.mjs), each judged by
// one run of the conformance kit instead of the server's own tests (kit-mutation/kit.test.ts). A
// mutant the kit misses is a broken server the kit would pass. The conformance package must be built
// first (`pnpm build`). bench/kit-mutation.md sets the two runs side by side.
import config from './stryker.config.mjs';

export default {
  ...config,
  vitest: { configFile: 'kit-mutation/vitest.config.ts' },
  jsonReporter: { fileName: 'reports/mutation/kit.json' },
};
