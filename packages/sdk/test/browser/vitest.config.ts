// The browser suite: `vitest run --config test/browser/vitest.config.ts` from packages/sdk.
import { browserSuiteConfig } from '../../../../tools/scripts/browser-suite.mjs';

export default browserSuiteConfig(new URL('../..', import.meta.url));
