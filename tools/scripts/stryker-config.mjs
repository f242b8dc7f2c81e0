// The Stryker configuration the packages' mutation runs share (`pnpm --filter <package> mutation`):
// vitest runner, per-test coverage, a JSON report that tools/scripts/mutation-report.mjs turns into
// the package's bench/mutation.md. A package gives what it mutates and what differs.
import { fileURLToPath } from 'node:url';

/**
 * @param {URL} packageUrl the package directory (`new URL('.', import.meta.url)` in its config)
 * @param {{ mutate: string[], vitestConfig: string } & Record<string, unknown>} options
 */
export function strykerConfig(packageUrl, { mutate, vitestConfig, ...overrides }) {
  return {
    testRunner: 'vitest',
    // Under pnpm the runner plugin is named by its file path (Stryker looks for plugins next to itself).
    plugins: [fileURLToPath(new URL('node_modules/@stryker-mutator/vitest-runner/dist/src/index.js', packageUrl))],
    vitest: { configFile: vitestConfig },
    mutate,
    coverageAnalysis: 'perTest',
    reporters: ['clear-text', 'json'],
    jsonReporter: { fileName: 'reports/mutation/mutation.json' },
    timeoutMS: 10_000,
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
    ...overrides,
  };
}
