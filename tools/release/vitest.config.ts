import { defineConfig } from 'vitest/config';

// The release tests clone, build and publish whole repositories: slow, and one at a time.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000, fileParallelism: false } });
