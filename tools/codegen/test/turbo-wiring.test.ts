// `pnpm generate --check` runs the `generate:check` turbo task. It once passed on a stale tree:
// through `dependsOn: ["^build"]` turbo regenerated the files before checking them, and a cached
// pass could be replayed. The check must neither depend on a generating task nor be cached.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitattributesLines, ownedDirectories, plugins, REPOSITORY_ROOT, turboOutputs } from '../src/index.js';

const task = (file: string) => (JSON.parse(readFileSync(join(REPOSITORY_ROOT, file), 'utf8')) as { tasks: Record<string, { dependsOn?: string[]; cache?: boolean }> }).tasks['generate:check'];

it.each(['turbo.json', 'tools/codegen/turbo.json'])('%s: generate:check depends on nothing and is never cached', (file) => {
  expect(task(file)).toMatchObject({ dependsOn: [], cache: false });
});

// What names generated files is derived from the registered plugins; the checked-in wiring must
// say the same, or a new plugin's files would be neither cached, checked nor marked generated.
describe('wiring derived from the registered plugins', () => {
  const turbo = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'tools/codegen/turbo.json'), 'utf8')) as {
    tasks: Record<string, { outputs?: string[]; inputs?: string[] }>;
  };

  it("turbo's generate outputs are exactly the plugins' folders", () => {
    expect(turbo.tasks['generate']?.outputs).toEqual(turboOutputs(plugins));
  });

  it('generate:check reads every folder the plugins write', () => {
    const inputs = turbo.tasks['generate:check']?.inputs ?? [];
    expect(inputs.filter((input) => input.startsWith('$TURBO_ROOT$/packages/'))).toEqual(turboOutputs(plugins));
  });

  it('.gitattributes marks exactly the plugins\' folders as generated', () => {
    const lines = readFileSync(join(REPOSITORY_ROOT, '.gitattributes'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(lines).toEqual(gitattributesLines(plugins));
  });

  it('generate --check compares every folder a plugin owns', () => {
    expect(ownedDirectories(plugins)).toEqual([
      'packages/validators/schemas',
      'packages/validators/src/gen',
      'packages/sdk/src/gen',
      'packages/reference-server/src/gen',
      'packages/sdk/test/gen',
      'packages/conformance/src/gen',
    ]);
  });
});
