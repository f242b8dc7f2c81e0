// The workflows a hosted CI runs (.github/workflows), which cannot run here: each is valid
// against the workflow schema (@action-validator/cli, shown to fail on a broken copy), the test
// workflow runs the README's two commands (the ones .ci/run runs) on Node 20 and 22, the release
// workflow goes through `pnpm release` with provenance, and the docs workflow deploys the site
// the docs package builds.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const VALIDATOR = fileURLToPath(new URL('../node_modules/.bin/action-validator', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'workflows-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Workflow = { on: unknown; permissions?: Record<string, string>; jobs: Record<string, { steps?: Step[]; strategy?: { matrix?: Record<string, unknown> } }> };
const workflow = (name: string) => parse(readFileSync(join(WORKFLOWS, name), 'utf8')) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((job) => job.steps ?? []);

/** action-validator on a file (it tells a workflow by its folder, .github/workflows). */
function validate(file: string): { code: number; output: string } {
  const result = spawnSync(VALIDATOR, [file], { encoding: 'utf8' });
  return { code: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

describe('the CI workflows', () => {
  const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml'));

  it('are the three the release process needs', () => {
    expect(files.sort()).toEqual(['docs.yml', 'release.yml', 'test.yml']);
  });

  it.each(files)('%s is valid against the workflow schema', (file) => {
    const result = validate(join(WORKFLOWS, file));
    expect(result.code, result.output).toBe(0);
  });

  it('a broken copy is caught (the check can fail)', () => {
    const dir = join(work, '.github', 'workflows');
    mkdirSync(dir, { recursive: true });
    const broken = join(dir, 'test.yml');
    writeFileSync(broken, readFileSync(join(WORKFLOWS, 'test.yml'), 'utf8').replace('runs-on:', 'runs-onn:'));
    const result = validate(broken);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("Additional property 'runs-onn' is not allowed");
  });

  it('test runs the README’s two commands, as .ci/run does, on Node 20 and 22', () => {
    const test = workflow('test.yml');
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const commands = ci.split('\n').filter((line) => line.startsWith('npx '));
    expect(commands).toHaveLength(2);
    const runs = steps(test).map((s) => s.run).filter((run): run is string => run !== undefined);
    for (const command of commands) {
      expect(runs).toContain(command);
      // The README gives the main job's long-running form; CI its form that exits (`--once`).
      expect(readme).toContain(command.replace(' start --once', ' start'));
    }
    expect(Object.values(test.jobs)[0]!.strategy?.matrix?.node).toEqual(['20', '22']);
  });

  it('release goes through pnpm release (version pull request, then publish) with provenance', () => {
    const release = workflow('release.yml');
    const action = steps(release).find((s) => s.uses?.startsWith('changesets/action@'));
    expect(action?.with).toMatchObject({ version: 'npx --yes pnpm@10.34.8 release --version-only', publish: 'npx --yes pnpm@10.34.8 release --publish-only' });
    expect(action?.env).toMatchObject({ NPM_CONFIG_PROVENANCE: 'true' });
    expect(release.permissions).toMatchObject({ 'id-token': 'write', contents: 'write' });
  });

  it('docs builds the site and deploys the folder the docs package writes it to', () => {
    const docs = workflow('docs.yml');
    const upload = steps(docs).find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'));
    expect(upload?.with?.path).toBe('packages/docs/dist/site');
    expect(steps(docs).some((s) => s.uses?.startsWith('actions/deploy-pages@'))).toBe(true);
  });
});
