// Problems name their file from the repository root, whichever package folder a task runs in
// (turbo runs `pnpm generate` inside each package), so a location can be pasted where the user
// typed the command.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayPath, findWorkspaceRoot, formatProblem, type SpecProblem } from '../src/index.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'spec-loader-paths-'));
  await mkdir(join(scratch, 'repo/tools/codegen'), { recursive: true });
  await mkdir(join(scratch, 'repo/spec'), { recursive: true });
  await mkdir(join(scratch, 'elsewhere/sub'), { recursive: true });
  await writeFile(join(scratch, 'repo/pnpm-workspace.yaml'), 'packages: []\n');
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const problem = (file: string): SpecProblem => ({ severity: 'error', code: 'x', message: 'broken', file, line: 3, column: 7, pointer: '/info' });

describe('displayPath and formatProblem', () => {
  it('finds the nearest ancestor with pnpm-workspace.yaml', () => {
    expect(findWorkspaceRoot(join(scratch, 'repo/tools/codegen'))).toBe(join(scratch, 'repo'));
    expect(findWorkspaceRoot(join(scratch, 'elsewhere/sub'))).toBeUndefined();
  });

  it('names a file of the repository from its root, from any package folder', () => {
    const file = join(scratch, 'repo/spec/asyncapi.yaml');
    expect(displayPath(file, join(scratch, 'repo/tools/codegen'))).toBe('spec/asyncapi.yaml');
    expect(displayPath(file, join(scratch, 'repo/spec'))).toBe('spec/asyncapi.yaml');
    expect(displayPath(file, join(scratch, 'repo'))).toBe('spec/asyncapi.yaml');
  });

  it('names a file outside the repository by its absolute path', () => {
    const file = join(scratch, 'elsewhere/broken.yaml');
    expect(displayPath(file, join(scratch, 'repo/tools/codegen'))).toBe(file);
  });

  it('outside a workspace, names a file relative to the working directory when below it, else absolutely', () => {
    expect(displayPath(join(scratch, 'elsewhere/sub/a.yaml'), join(scratch, 'elsewhere'))).toBe('sub/a.yaml');
    expect(displayPath(join(scratch, 'elsewhere/a.yaml'), join(scratch, 'elsewhere/sub'))).toBe(join(scratch, 'elsewhere/a.yaml'));
  });

  it('formatProblem, run from a package folder of this repository, prints the path from the repository root', () => {
    // The test runs in tools/spec-loader, as turbo runs a task: the location must not be `fixtures/...` or `../../spec/...`.
    const root = findWorkspaceRoot()!;
    expect(root).toBeDefined();
    expect(formatProblem(problem(join(root, 'spec/asyncapi.yaml')))).toBe('spec/asyncapi.yaml:3:7 error x at /info: broken');
    expect(formatProblem(problem(join(root, 'tools/spec-loader/test/fixtures/minimal.yaml')))).toBe('tools/spec-loader/test/fixtures/minimal.yaml:3:7 error x at /info: broken');
  });
});
