// Writes bench/mutation.md from Stryker's JSON report of the server's mutation run; report files
// given as arguments replace the default one (a later one wins for the files it measured).
import { writeMutationReport } from '../../../tools/scripts/mutation-report.mjs';

writeMutationReport({
  packageUrl: new URL('..', import.meta.url),
  title: "Mutation score of the reference server's protocol core",
  command: 'pnpm --filter @customer-chat/reference-server mutation',
  about:
    'each mutant is one small change to `src/chat-store.ts`, `src/sessions.ts`, `src/dispatch.ts` or `src/handlers.ts` (the CLI, the admin HTTP API and `src/gen` are not mutated), run against the tests that cover it, over real sockets on 127.0.0.1.',
  notes: [
    'The first full run (2026-11-30), before the tests its survivors asked for, scored 76.8% (677 of 882 mutants; dead code has gone since).',
    'Stryker runs the whole suite except three files (`stryker.vitest.config.ts`): `cli.test.ts` and `reply-delay.test.ts` run the server in a child process, where mutants are never switched on, and `fuzz.test.ts` is seeded at random (its kills would change from run to run) and costs seconds per mutant.',
    'Most survivors cannot be observed from a socket: defensive checks on paths no caller takes (a connection bound twice, a customer looked up before login), changes with the same outcome (an introduction the connection already had), the exact byte boundaries of the output budget, which depend on the kernel, and the reply delay, which only the child-process test exercises.',
  ],
  reports: process.argv.slice(2),
});
