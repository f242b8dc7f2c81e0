// The conformance kit as the only test of the server (`pnpm --filter @customer-chat/reference-server
// mutation:kit`): Stryker changes the server's protocol core one mutant at a time and this runs the
// whole kit, with its reference driver, against the changed server. A mutant the kit reports nothing
// about is a bug of a server that the kit would pass; bench/kit-mutation.md compares them with the
// mutants the server's own tests catch. The server's own check of what it sends is off: only the kit judges.
import { referenceDriver, runConformance } from '@customer-chat/conformance';
import { afterEach, expect, it } from 'vitest';
import { createReferenceServer, type ReferenceServer } from '../src/index.js';

let server: ReferenceServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

it('the conformance kit passes the server on every scenario', async () => {
  server = await createReferenceServer({ port: 0, log: () => {}, validateOutgoing: false });
  const { token } = server.issueToken();
  const report = await runConformance({ url: server.socketUrl('conformance'), token, driver: referenceDriver({ adminUrl: server.adminUrl }), timeoutMs: 2000 });
  // The names and reasons of what did not pass, so a killed mutant's report says why.
  expect(report.results.filter((result) => result.status !== 'passed').map(({ name, status, message }) => ({ name, status, message }))).toEqual([]);
});
