// `pnpm generate --check` runs the `generate:check` turbo task. It once passed on a stale tree:
// through `dependsOn: ["^build"]` turbo regenerated the files before checking them, and a cached
// pass could be replayed. The check must neither depend on a generating task nor be cached.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../src/index.js';

const task = (file: string) => (JSON.parse(readFileSync(join(REPOSITORY_ROOT, file), 'utf8')) as { tasks: Record<string, { dependsOn?: string[]; cache?: boolean }> }).tasks['generate:check'];

it.each(['turbo.json', 'tools/codegen/turbo.json'])('%s: generate:check depends on nothing and is never cached', (file) => {
  expect(task(file)).toMatchObject({ dependsOn: [], cache: false });
});
