// The CLI as a user runs it, in a child process: the exact summary line, every line once, no
// scratch path, a final newline, and the exit codes its --help and the README document.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
  return runWith({}, ...args);
}

/** `GIT_DIR` in `extra` makes the run read its refs and tags from that repository. */
function runWith(extra: Record<string, string>, ...args: string[]): Promise<Run> {
  const scratch = mkdtempSync(join(tmpdir(), 'spec-diff-cli-tmp-'));
  scratches.push(scratch);
  const env = { ...process.env, INIT_CWD: work, TMPDIR: scratch, ...extra };
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
type Messages = Record<string, { examples?: Array<{ payload: Record<string, unknown> }> }>;
function fixture(name: string, edit: (schemas: Schemas, messages: Messages) => void = () => {}): string {
  const doc = structuredClone(headSpec) as { components: { schemas: Schemas; messages: Messages } };
  edit(doc.components.schemas, doc.components.messages);
  writeFileSync(join(work, name), JSON.stringify(doc, null, 2));
  return name;
}

const same = fixture('same.yaml');
// One breaking change (a new required request field, which also counts as a safe new field) and
// one edit made in both branches of the EventInput union, used by send_event and start_chat.
const changed = fixture('changed.yaml', (s, m) => {
  s.SendEventArguments!.properties.priority = { type: 'string', description: 'Urgency.' };
  s.SendEventArguments!.required.push('priority');
  // The model holds examples to their schema.
  for (const example of m.sendEventRequest!.examples ?? []) example.payload.priority = 'high';
  for (const branch of ['MessageEventInput', 'FileEventInput']) s[branch]!.properties.note = { type: 'string', description: 'A note.' };
});
// PushHeaders is the headers schema of every push, so the generator meets the problem once per push.
const broken = fixture('broken.yaml', (s) => (s.PushHeaders!.patternProperties = { '^x-': { type: 'string' } }));

// This repository's history without its tags (no release yet), and with a release and its
// prerelease: bare clones sharing its objects, so nothing is copied.
function repository(...tags: string[]): string {
  const dir = join(work, `git-${tags.length}`);
  execFileSync('git', ['clone', '-q', '--bare', '--shared', '--no-tags', REPOSITORY_ROOT, dir]);
  for (const tag of tags) execFileSync('git', ['tag', tag, 'HEAD'], { cwd: dir });
  return dir;
}
const unreleased = { GIT_DIR: repository() };
const released = { GIT_DIR: repository('@customer-chat/spec@1.0.0-next.0', '@customer-chat/spec@1.0.0') };

/** A directory of one changeset, named relative to the caller's directory. */
function changesets(name: string, text: string): string {
  mkdirSync(join(work, name));
  writeFileSync(join(work, name, 'change.md'), text);
  return name;
}
const unclosed = changesets('unclosed', '---\n"@customer-chat/spec": major\n"@customer-chat/sdk": [\n---\n\nA change.\n');

// A spec split in files ($refs to a file beside it), committed in a repository of its own: a git
// base must be read with the files it refers to, and a problem shown in the file it is in.
const splitRepo = join(work, 'split-git');
const timestamp = (type: string) => `Timestamp:\n  type: ${type}\n  minimum: 0\n  description: Milliseconds since the Unix epoch.\n`;
const splitSpec = (ref: string) => {
  const doc = structuredClone(headSpec) as { components: { schemas: Schemas } };
  doc.components.schemas.MessageEvent!.properties.timestamp = { $ref: ref };
  return JSON.stringify(doc, null, 2);
};
function commit(files: Record<string, string>, tag: string): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(splitRepo, name, '..'), { recursive: true });
    writeFileSync(join(splitRepo, name), text);
  }
  const git = (...args: string[]) => execFileSync('git', ['-C', splitRepo, '-c', 'user.name=spec-diff', '-c', 'user.email=spec-diff@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args]);
  git('add', '-A');
  git('commit', '-q', '-m', tag);
  git('tag', tag);
}
execFileSync('git', ['init', '-q', splitRepo]);
commit({ 'spec/asyncapi.yaml': splitSpec('./common.yaml#/Timestamp'), 'spec/common.yaml': timestamp('integer') }, 'split');
commit({ 'spec/common.yaml': timestamp('integr') }, 'split-broken');
commit({ 'spec/asyncapi.yaml': splitSpec('../schemas/common.yaml#/Timestamp') }, 'split-outside');
const split = { GIT_DIR: join(splitRepo, '.git') };
// The same split as files on the command line, in a folder of their own.
mkdirSync(join(work, 'split'));
writeFileSync(join(work, 'split/asyncapi.yaml'), splitSpec('./common.yaml#/Timestamp'));
writeFileSync(join(work, 'split/common.yaml'), timestamp('integer'));
writeFileSync(join(work, 'split/broken.yaml'), splitSpec('./broken-common.yaml#/Timestamp'));
writeFileSync(join(work, 'split/broken-common.yaml'), timestamp('integr'));

const majors = join(work, 'majors');
mkdirSync(majors);
const packages = ['spec', 'validators', 'sdk', 'reference-server', 'conformance', 'docs'].map((p) => `"@customer-chat/${p}": major`);
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

  it('with --gate, takes no folder named like a changeset for one', async () => {
    mkdirSync(join(work, 'with-folder/drafts.md'), { recursive: true });
    writeFileSync(join(work, 'with-folder/change.md'), readFileSync(join(majors, 'change.md')));
    const { code, stdout, stderr } = await run('HEAD', '--head', changed, '--gate', '--changesets', 'with-folder');
    expect(stderr).toBe('');
    expect(lines(stdout).at(-1)).toBe('1 breaking, 3 safe');
    expect(code).toBe(0);
  });

  it('an unexpected error (here a TMPDIR that is a file) is one line, no stack trace, exit 2', async () => {
    writeFileSync(join(work, 'not-a-folder'), '');
    // tsx's own cache would fail first in that TMPDIR.
    const { code, stdout, stderr } = await runWith({ TMPDIR: join(work, 'not-a-folder'), TSX_DISABLE_CACHE: '1' }, 'HEAD', '--head', same);
    expect(stdout).toBe('');
    expect(lines(stderr)).toEqual([expect.stringMatching(/^spec:diff: unexpected error, no verdict: Error: ENOTDIR: not a directory, mkdtemp /)]);
    expect(code).toBe(2);
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

  it('names a YAML syntax error once, by file:line:column only', async () => {
    writeFileSync(join(work, 'unparsable.yaml'), 'asyncapi: 3.0.0\ninfo: [unclosed\n');
    const { code, stderr } = await run('HEAD', '--head', 'unparsable.yaml');
    // The parser's message repeated the position, `... at line 3, column 1:`, announcing nothing.
    expect(lines(stderr)).toEqual(['unparsable.yaml:2:7 error yaml-syntax at /: this "[" is never closed: a "]" is missing (then 1 more syntax error on line 3, which may only follow from this one: fix it first)', 'spec:diff: 1 problem(s) in unparsable.yaml; nothing compared.']);
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

describe.concurrent('a spec split in files', () => {
  it('is read from git with the files it refers to', async () => {
    const { code, stdout, stderr, leftovers } = await runWith(split, 'split', '--head', 'split/asyncapi.yaml');
    expect(stderr).toBe('');
    expect(lines(stdout)).toEqual(['spec:diff spec/asyncapi.yaml@split -> split/asyncapi.yaml', '0 breaking, 0 safe']);
    expect(code).toBe(0);
    expect(leftovers).toEqual([]);
  });

  it('names a problem in a referred file by that file, at the ref for a git base', async () => {
    const { code, stdout, stderr } = await runWith(split, 'split-broken', '--head', 'split/asyncapi.yaml');
    expect(stdout).toBe('');
    expectClean(stderr);
    const all = lines(stderr);
    // The document's own problems (its schemas that use the broken one) come with it, in the document.
    expect(all).toContainEqual(expect.stringMatching(/^spec\/common\.yaml@split-broken:2:9 error \S+ at \/Timestamp\/type: /));
    for (const problem of all.slice(0, -1)) expect(problem).toMatch(/^spec\/(common|asyncapi)\.yaml@split-broken:\d+:\d+ /);
    expect(all.at(-1)).toBe(`spec:diff: ${all.length - 1} problem(s) in spec/asyncapi.yaml@split-broken; nothing compared.`);
    expect(code).toBe(2);
  });

  it('names a problem in a referred file by that file, beside the document as given', async () => {
    const { code, stderr } = await run('HEAD', '--head', 'split/broken.yaml');
    expectClean(stderr);
    const all = lines(stderr);
    expect(all).toContainEqual(expect.stringMatching(/^split\/broken-common\.yaml:2:9 error \S+ at \/Timestamp\/type: /));
    for (const problem of all.slice(0, -1)) expect(problem).toMatch(/^split\/broken(-common)?\.yaml:\d+:\d+ /);
    expect(all.at(-1)).toBe(`spec:diff: ${all.length - 1} problem(s) in split/broken.yaml; nothing compared.`);
    expect(code).toBe(2);
  });

  it('a git base referring to a file outside its folder: no scratch path in what is said', async () => {
    const { code, stdout, stderr } = await runWith(split, 'split-outside', '--head', 'split/asyncapi.yaml');
    expect(stdout).toBe('');
    expectClean(stderr);
    for (const problem of lines(stderr).slice(0, -1)) expect(problem).toMatch(/^spec\/asyncapi\.yaml@split-outside:\d+:\d+ /);
    expect(code).toBe(2);
  });
});

describe.concurrent('the last release as the base', () => {
  it('is the newest release by semver (not its prerelease), named by its version', async () => {
    const { code, stdout } = await runWith(released, '--head', same);
    expect(lines(stdout)).toEqual(['spec:diff spec/asyncapi.yaml@1.0.0 -> same.yaml', '0 breaking, 0 safe']);
    expect(code).toBe(0);
  });
});

// Before the first release nothing can break, but what the run is given must still be readable.
describe.concurrent('with no release to compare with, bad input: exit 2', () => {
  const cases: Record<string, [string[], RegExp]> = {
    'a document with problems': [['--head', broken], /^spec:diff: 1 problem\(s\) in broken\.yaml; nothing compared\.$/],
    'a missing --head file': [['--head', 'missing.yaml'], /^spec:diff: --head missing\.yaml: no such file or directory$/],
    'a missing --changesets directory': [['--gate', '--changesets', 'missing'], /^spec:diff: --changesets missing: no such file or directory$/],
    'a bad changeset': [['--gate', '--changesets', 'unclosed'], /^unclosed\/change\.md:3:24: /],
  };
  for (const [what, [args, message]] of Object.entries(cases)) {
    it(what, async () => {
      const { code, stdout, stderr } = await runWith(unreleased, ...args);
      expect(stdout).toBe('');
      expect(lines(stderr).at(-1)).toMatch(message);
      expect(code).toBe(2);
    });
  }
});

/** A changesets folder whose change.md is a link to nothing (a file moved away). */
function dangling(name: string): string {
  mkdirSync(join(work, name));
  symlinkSync(join(work, name, 'moved-away.md'), join(work, name, 'change.md'));
  return name;
}

describe.concurrent('bad changesets: one line naming the file, line and column, exit 2', () => {
  const cases: Record<string, [string, string]> = {
    'a file that cannot be read (no line or column then)': [dangling('dangling'), 'dangling/change.md: cannot be read: ENOENT: no such file or directory'],
    'a YAML syntax error, counted in lines of the file': [unclosed, 'unclosed/change.md:3:24: the front matter is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    'a list, not a mapping': [changesets('list', '---\r\n- "@customer-chat/sdk": major\r\n---\r\n\r\nA change.\r\n'), 'list/change.md:2:1: the front matter is not a map of package names to bumps'],
    'a package not in the workspace (a typo would pass for a changeset releasing nothing)': [changesets('typo', '---\n"@customer-chat/skd": major\n---\n\nA change.\n'), 'typo/change.md:2:1: "@customer-chat/skd" is not a package of this workspace'],
    'an unknown bump': [changesets('huge', '---\n"@customer-chat/sdk": huge\n---\n\nA change.\n'), 'huge/change.md:2:23: "@customer-chat/sdk": "huge" is not a bump (major, minor, patch or none)'],
  };
  for (const [what, [dir, message]] of Object.entries(cases)) {
    it(what, async () => {
      const { code, stdout, stderr } = await run('HEAD', '--head', changed, '--gate', '--changesets', dir);
      expect(stdout).toBe('');
      expect(lines(stderr)).toEqual([message]);
      expect(code).toBe(2);
    });
  }
});

describe.concurrent('bad usage and unreadable input: one line, exit 2', () => {
  const cases: Record<string, [string[], RegExp]> = {
    'an unknown option': [['--frobnicate'], /^spec:diff: Unknown option '--frobnicate' \(see spec:diff --help\)$/],
    'an option without its value': [['HEAD', '--head'], /^spec:diff: Option '--head <value>' argument missing /],
    'two bases': [['HEAD', 'HEAD~1'], /^spec:diff: one base at most, got 2: HEAD HEAD~1 /],
    'a missing --head file': [['HEAD', '--head', 'missing.yaml'], /^spec:diff: --head missing\.yaml: no such file or directory$/],
    'a missing --changesets directory': [['HEAD', '--gate', '--changesets', 'missing'], /^spec:diff: --changesets missing: no such file or directory$/],
    'an unknown git ref': [['no-such-ref'], /^spec:diff: cannot read spec\/asyncapi\.yaml@no-such-ref: /],
    // `pnpm spec:diff -- --gate` passes the `--` on: git would read the base as an option of its own.
    'an option after "--", taken as the base': [['--', '--gate'], /^spec:diff: --gate: no such file, and no git ref starts with "-" /],
    'a base git would take as its --output option': [['--', '--output=written'], /^spec:diff: --output=written: no such file, and no git ref starts with "-" /],
    'a misspelled base file': [['spec/asyncapi.yml'], /^spec:diff: spec\/asyncapi\.yml: no such file or directory \(nor a git ref\)$/],
    'a directory as the base': [['majors', '--head', same], /^spec:diff: majors: is a directory, not a file \(nor a git ref\)$/],
    'a directory as the --head file': [['HEAD', '--head', 'majors'], /^spec:diff: --head majors: is a directory, not a file$/],
    'a file as the --changesets directory': [['HEAD', '--gate', '--changesets', same], /^spec:diff: --changesets same\.yaml: not a directory$/],
    'an empty --head': [['HEAD', '--head='], /^spec:diff: --head needs a value, got an empty one /],
    'an empty base': [['', '--head', same], /^spec:diff: the base is empty /],
    '--head given twice': [['HEAD', '--head', same, '--head', changed], /^spec:diff: one --head at most, got 2: same\.yaml changed\.yaml /],
    '--changesets without --gate': [['HEAD', '--changesets', 'majors'], /^spec:diff: --changesets is read by --gate only, which is not given /],
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

it('through the root script, reads paths from the directory it was started in', async () => {
  // `-w`: the root's script from a package's folder. A nested `pnpm --filter` in it would reset
  // INIT_CWD to the repository root, where no asyncapi.yaml is.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') && key !== 'INIT_CWD'));
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((done) => {
    execFile('npx', ['--yes', 'pnpm@10.34.8', '-s', '-w', 'spec:diff', '--head', 'asyncapi.yaml', 'HEAD'], { cwd: join(REPOSITORY_ROOT, 'spec'), env }, (error, out) => done({ code: error ? Number(error.code) : 0, stdout: out }));
  });
  expect(stdout).toContain('spec:diff spec/asyncapi.yaml@HEAD -> asyncapi.yaml\n');
  expect(code).toBe(0);
});
