// The tests Stryker runs against each mutant: the whole suite (real sockets on 127.0.0.1) except
// three. cli.test.ts and reply-delay.test.ts run the server in a child process, where Stryker's
// mutants are never switched on; fuzz.test.ts is seeded at random (a different run each time, so a
// mutant it kills once might survive the next run) and takes seconds per mutant it covers.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/cli.test.ts', 'test/reply-delay.test.ts', 'test/fuzz.test.ts'],
    testTimeout: 60_000,
  },
});
