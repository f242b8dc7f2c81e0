// The CLI as a user runs it, in a child process: the exact summary line, every line once, no
// scratch path, a final newline, and the exit codes its --help and the README document.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec } from '@customer-chat/spec-loader';
import { REPOSITORY_ROOT } from '@customer-chat/spec-model';
import { afterAll, describe, expect, it } from 'vitest';

const PACKAGE = join(REPOSITORY_ROOT, 'tools/spec-diff');
/** The caller's directory (INIT_CWD, as pnpm sets it): fixtures are named relative to it. */
const work = mkdtempSync(join(tmpdir(), 'spec-diff-cli-'));
const scratches: string[] = [];
afterAll(() => {
  for (const dir of [work, ...scratches]) rmSync(dir, { recursive: true, force: true });
});
interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** What the run left in its os.tmpdir(). */
  leftovers: string[];
}

function run(...args: string[]): Promise<Run> {
  const scratch = mkdtempSync(join(tmpdir(), 'spec-diff-cli-tmp-'));
  scratches.push(scratch);
  const env = { ...process.env, INIT_CWD: work, TMPDIR: scratch };
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: PACKAGE, env }, (error, stdout, stderr) => {
      const leftovers = readdirSync(scratch).filter((entry) => entry.startsWith('spec-diff-'));
      done({ code: error ? Number(error.code) : 0, stdout, stderr, leftovers });
    });
  });
}

const lines = (text: string) => text.split('\n').slice(0, -1);

/** Output a reader can trust: newline-terminated, no line twice, no temporary path. */
function expectClean(output: string) {
  expect(output.endsWith('\n')).toBe(true);
  const all = lines(output);
  expect(all.filter((line, i) => all.indexOf(line) !== i)).toEqual([]);
  expect(output).not.toContain(tmpdir());
}

// Fixtures are edits of the spec at HEAD, so they do not depend on work in progress. The loader
// reads it (the one reader of the YAML); each fixture is written as JSON, which is YAML too.
const headFile = join(work, 'head.yaml');
writeFileSync(headFile, execFileSync('git', ['show', 'HEAD:spec/asyncapi.yaml'], { cwd: REPOSITORY_ROOT, encoding: 'utf8' }));
const headSpec = (await loadSpec(headFile)).raw;
type Schemas = Record<string, { properties: Record<string, unknown>; required: string[] } & Record<string, unknown>>;
function fixture(name: string, edit: (schemas: Schemas) => void = () => {}): string {
  const doc = structuredClone(headSpec) as { components: { schemas: Schemas } };
  edit(doc.components.schemas);
  writeFileSync(join(work, name), JSON.stringify(doc, null, 2));
  return name;
}

const same = fixture('same.yaml');
// One breaking change (a new required request field, which also counts as a safe new field) and
// one edit made in both branches of the EventInput union, used by send_event and start_chat.
const changed = fixture('changed.yaml', (s) => {
  s.SendEventArguments!.properties.priority = { type: 'string', description: 'Urgency.' };
  s.SendEventArguments!.required.push('priority');
  for (const branch of ['MessageEventInput', 'FileEventInput']) s[branch]!.properties.note = { type: 'string', description: 'A note.' };
});
// PushHeaders is the headers schema of every push, so the generator meets the problem once per push.
const broken = fixture('broken.yaml', (s) => (s.PushHeaders!.patternProperties = { '^x-': { type: 'string' } }));

const majors = join(work, 'majors');
mkdirSync(majors);
const packages = ['spec', 'validators', 'sdk', 'reference-server'].map((p) => `"@customer-chat/${p}": major`);
writeFileSync(join(majors, 'change.md'), `---\n${packages.join('\n')}\n---\n\n**spec**: a change.\n`);

describe.concurrent('spec:diff output', () => {
  it('lists each change once between a git ref and a file, and ends with the summary', async () => {
    const { code, stdout, stderr, leftovers } = await run('HEAD', '--head', changed);
    expectClean(stdout);
    expect(stderr).toBe('');
    expect(lines(stdout)[0]).toBe('spec:diff spec/asyncapi.yaml@HEAD -> changed.yaml');
    expect(lines(stdout).filter((line) => line.includes('send_event/event/note'))).toHaveLength(1);
    expect(lines(stdout).at(-1)).toBe('1 breaking, 3 safe');
    expect(lines(stdout)).toHaveLength(1 + 4 + 1);
    expect(code).toBe(1);
    expect(leftovers).toEqual([]);
  });

  it('says 0 breaking, 0 safe for an unchanged document, exit 0', async () => {
    const { code, stdout } = await run('HEAD', '--head', same);
    expectClean(stdout);
    expect(lines(stdout)).toEqual(['spec:diff spec/asyncapi.yaml@HEAD -> same.yaml', '0 breaking, 0 safe']);
    expect(code).toBe(0);
  });

  it('with --gate, passes a breaking change that has its major changesets, summary last', async () => {
    const { code, stdout } = await run('HEAD', '--head', changed, '--gate', '--changesets', 'majors');
    expectClean(stdout);
    expect(lines(stdout).at(-1)).toBe('1 breaking, 3 safe');
    expect(code).toBe(0);
  });

  it('names a problem in the compared document once, by file:line, and exits 2', async () => {
    const { code, stdout, stderr } = await run('HEAD', '--head', broken);
    expect(stdout).toBe('');
    expectClean(stderr);
    const [problem, last, ...rest] = lines(stderr);
    expect(problem).toMatch(/^broken\.yaml:\d+:\d+ error codegen-unsupported at \/components\/schemas\/PushHeaders\/patternProperties: /);
    expect(last).toBe('spec:diff: 1 problem(s) in broken.yaml; nothing compared.');
    expect(rest).toEqual([]);
    expect(code).toBe(2);
  });

  // The first commit's document no longer passes the generator's checks: a base with problems.
  it('names problems in a base read from git as spec/asyncapi.yaml@<ref>, not its scratch copy', async () => {
    const { code, stdout, stderr } = await run('26e5409', '--head', same);
    expect(stdout).toBe('');
    expectClean(stderr);
    const all = lines(stderr);
    expect(all.length).toBeGreaterThan(1);
    for (const problem of all.slice(0, -1)) expect(problem).toMatch(/^spec\/asyncapi\.yaml@26e5409:\d+:\d+ /);
    expect(all.at(-1)).toBe(`spec:diff: ${all.length - 1} problem(s) in spec/asyncapi.yaml@26e5409; nothing compared.`);
    expect(code).toBe(2);
  });
});

describe.concurrent('bad usage and unreadable input: one line, exit 2', () => {
  const cases: Record<string, [string[], RegExp]> = {
    'an unknown option': [['--frobnicate'], /^spec:diff: Unknown option '--frobnicate' \(see spec:diff --help\)$/],
    'an option without its value': [['HEAD', '--head'], /^spec:diff: Option '--head <value>' argument missing /],
    'two bases': [['HEAD', 'HEAD~1'], /^spec:diff: one base at most, got 2: HEAD HEAD~1 /],
    'a missing --head file': [['HEAD', '--head', 'missing.yaml'], /^spec:diff: --head missing\.yaml: no such file or directory$/],
    'a missing --changesets directory': [['HEAD', '--changesets', 'missing'], /^spec:diff: --changesets missing: no such file or directory$/],
    'an unknown git ref': [['no-such-ref'], /^spec:diff: cannot read spec\/asyncapi\.yaml@no-such-ref: /],
    'a misspelled base file': [['spec/asyncapi.yml'], /^spec:diff: spec\/asyncapi\.yml: no such file or directory \(nor a git ref\)$/],
    'a directory as the base': [['majors', '--head', same], /^spec:diff: majors: is a directory, not a file \(nor a git ref\)$/],
    'a directory as the --head file': [['HEAD', '--head', 'majors'], /^spec:diff: --head majors: is a directory, not a file$/],
    'a file as the --changesets directory': [['HEAD', '--changesets', same], /^spec:diff: --changesets same\.yaml: not a directory$/],
  };
  for (const [what, [args, message]] of Object.entries(cases)) {
    it(what, async () => {
      const { code, stdout, stderr } = await run(...args);
      expect(stdout).toBe('');
      expect(stderr.endsWith('\n')).toBe(true);
      expect(lines(stderr)).toEqual([expect.stringMatching(message)]);
      expect(code).toBe(2);
    });
  }
});

it('--help documents the exit codes, as the README does', async () => {
  const { code, stdout } = await run('--help');
  expect(code).toBe(0);
  const exitCodes = stdout.slice(stdout.indexOf('exit codes:')).trimEnd();
  for (const exit of [0, 1, 2]) expect(exitCodes).toMatch(new RegExp(`^  ${exit}  \\S`, 'm'));
  expect(readFileSync(join(PACKAGE, 'README.md'), 'utf8')).toContain(exitCodes);
});
