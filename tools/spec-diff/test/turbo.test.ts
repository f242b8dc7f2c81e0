// The gate in the test task reads the spec, the changesets, the release tags and the versions of
// other packages, none of which turbo hashes for this package: its result must never be replayed.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '@customer-chat/spec-model';
import { expect, it } from 'vitest';

it('turbo runs the test task (with the gate) every time, never from its cache', () => {
  const turbo = join(REPOSITORY_ROOT, 'node_modules/.bin/turbo');
  const dry = execFileSync(turbo, ['run', 'test', '--filter=@customer-chat/spec-diff', '--dry=json'], { cwd: REPOSITORY_ROOT, encoding: 'utf8', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } });
  const task = (JSON.parse(dry) as { tasks: Array<{ taskId: string; command: string; resolvedTaskDefinition: { cache: boolean } }> }).tasks.find((t) => t.taskId === '@customer-chat/spec-diff#test');
  expect(task?.command).toContain('--gate');
  expect(task?.resolvedTaskDefinition.cache).toBe(false);
});
