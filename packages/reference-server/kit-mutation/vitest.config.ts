// The kit-mutation run's only test. The kit is taken from the conformance package's build (it is not
// a dependency of this package: the conformance package depends on this one for its own tests).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Two levels above this folder is the package, or Stryker's sandbox, which sits as deep under the
// repository as the package does; from either, the conformance package is ../../packages/conformance.
const conformance = fileURLToPath(new URL('../../../packages/conformance/dist/index.js', import.meta.url));

export default defineConfig({
  resolve: { alias: { '@customer-chat/conformance': conformance } },
  test: { include: ['kit-mutation/kit.test.ts'], root: fileURLToPath(new URL('..', import.meta.url)), testTimeout: 60_000 },
});
