// Mutation testing of the server's protocol core (`pnpm --filter @customer-chat/reference-server mutation`):
// Stryker changes the code of the chat store, the sessions, the dispatcher and the request handlers
// one mutant at a time and runs the tests that cover it, over real sockets; a mutant no test notices
// is an assertion missing. Not part of `pnpm test` (minutes, not seconds); its figures are kept in
// bench/mutation.md. The CLI, the admin HTTP API and the generated code (src/gen) are not mutated.
import { strykerConfig } from '../../tools/scripts/stryker-config.mjs';

export default strykerConfig(new URL('.', import.meta.url), {
  mutate: ['src/chat-store.ts', 'src/sessions.ts', 'src/dispatch.ts', 'src/handlers.ts'],
  vitestConfig: 'stryker.vitest.config.ts',
  concurrency: 2,
  // The sandbox (a copy of this package) sits two levels under the repository root, as the package
  // itself does, so the paths that leave the package resolve as they do here: the server finds the
  // admin API document in the repository's spec folder, and tsconfig.json finds its base config
  // (git ignores any .stryker-tmp/). Stryker's rewrite of tsconfig paths, which assumes its default
  // sandbox one level deeper inside the package, is turned off by naming a tsconfig that does not exist.
  tempDirName: '../../.stryker-tmp',
  tsconfigFile: 'no-tsconfig-rewrite.json',
});
