import { defineConfig } from 'vitest/config';

// Generous limits: machines here are shared and tests run beside other packages' suites.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } });
