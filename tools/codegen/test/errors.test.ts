// A broken spec fails with problems naming the file, the JSON pointer and the line (and column) of
// the offending node, and nothing is written. Each case is a small broken copy of
// test/fixtures/chat.yaml in a temporary directory. The CLI runs end to end, only on broken specs
// or with --check (it writes into the real repository when it succeeds).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCleanSpec, SpecError } from '@customer-chat/spec-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenCopies, position, replaceOnce, type BrokenCopies } from '@customer-chat/spec-model/testing';
import { failureLines, specArgumentProblem } from '../src/cli-errors.js';
import { createTwoFilesPatch } from 'diff';
import { checkOutput, writeOutput } from '../src/output.js';
import { generate, locatedPluginProblems, outputDirectories, PluginProblems, plugins, REPOSITORY_ROOT } from '../src/index.js';

const CODEGEN_DIR = fileURLToPath(new URL('..', import.meta.url));
const CHAT = await readFile(fileURLToPath(new URL('fixtures/chat.yaml', import.meta.url)), 'utf8');
const REAL_SPEC = join(REPOSITORY_ROOT, 'spec/asyncapi.yaml');

let copies: BrokenCopies;
let directory: string;
beforeAll(async () => {
  copies = await brokenCopies('codegen-errors-');
  directory = copies.directory;
});
afterAll(() => copies.dispose());

const writeBroken = (source: string): Promise<string> => copies.write(source);

// The model's own checks (each unsupported construct at its pointer, file, line and column) are
// tested in tools/spec-model; here, what generation does with a broken document.
describe('generate() on a broken copy of test/fixtures/chat.yaml', () => {
  it('reports a YAML syntax error with the file and line, through generate()', async () => {
    const source = replaceOnce(CHAT, '  title: Golden chat\n', '  title: Golden chat\n  title: Again\n');
    const file = await writeBroken(source);
    const error = await generate(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SpecError);
    const problems = (error as SpecError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'yaml-syntax', file, pointer: '', ...position(source, 'title: Again') });
    expect(problems[0]!.message).toMatch(/Map keys must be unique/);
  });
});

// Parts of the model a document may leave out but a plugin needs: a located problem from the model,
// before any plugin runs (not an Error thrown from inside the plugin, printed with a stack).
/** The problems generate() fails with for `file` and the named plugins (failing the test when it succeeds). */
async function problemsOf(file: string, targets: string[]) {
  const error = await generate(file, REPOSITORY_ROOT, targets).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpecError);
  return (error as SpecError).problems;
}

describe('generate() when a plugin needs what the document leaves out', () => {

  it('reports a missing x-client-lifecycle at /x-client-lifecycle when the sdk plugin runs', async () => {
    // test/fixtures/chat.yaml has no x-client-lifecycle (its golden targets do not need one).
    const file = await writeBroken(CHAT);
    const problems = await problemsOf(file, ['sdk']);
    expect(problems).toEqual([
      expect.objectContaining({ code: 'codegen-unsupported', file, pointer: '/x-client-lifecycle', line: 1, column: 1, message: expect.stringMatching(/x-client-lifecycle is missing .*the sdk plugin needs it/) }),
    ]);
  });

  it('reports a missing x-close-code on the disconnection reasons when the server plugin runs', async () => {
    const source = replaceOnce(CHAT, '      x-close-code: 4000\n', '');
    const file = await writeBroken(source);
    const problems = await problemsOf(file, ['server']);
    // Located at the schema where the extension belongs (its first line: the key itself is absent).
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'codegen-unsupported',
        file,
        pointer: '/components/schemas/DisconnectionReason/x-close-code',
        ...position(source, 'type: string\n      description: Why the server ends a session.'),
        message: expect.stringMatching(/x-close-code is missing on the disconnection reasons .*the server plugin needs it/),
      }),
    ]);
  });

  it('does not ask for them when no plugin needs them', async () => {
    await expect(generate(await writeBroken(replaceOnce(CHAT, '      x-close-code: 4000\n', '')), REPOSITORY_ROOT, ['models'])).resolves.toBeDefined();
  });
});

// What a plugin refuses to emit is located like the model's problems, every one of them.
describe('generate() when a plugin cannot emit what the document names', () => {
  it('reports each clash of generated guard names at the pointer of the construct that takes the name', async () => {
    const clashes = [
      '    NotePosted: { type: string, description: Clashes with the guard of message note_posted. }\n',
      '    Kicked: { type: string, description: Clashes with the guard of message kicked. }\n',
      '    RequestHeadersFields: { type: string, description: Clashes with the check of the request headers. }\n',
    ].join('');
    const source = replaceOnce(CHAT, '    NullableTimestamp:\n', `${clashes}    NullableTimestamp:\n`);
    const file = await writeBroken(source);
    const problems = await problemsOf(file, ['guards']);
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'codegen-unsupported',
        file,
        pointer: '/components/schemas/RequestHeaders',
        ...position(source, 'type: object\n      description: Top-level fields of a request frame.'),
        message: 'guards: the frame fields of /components/schemas/RequestHeaders would declare isRequestHeadersFields, already declared by schema RequestHeadersFields; rename one of them',
      }),
      expect.objectContaining({
        pointer: '/components/messages/notePosted',
        message: 'guards: message note_posted would declare isNotePosted, already declared by schema NotePosted; rename one of them',
      }),
      expect.objectContaining({ pointer: '/components/messages/kicked', message: expect.stringContaining('message kicked would declare isKicked, already declared by schema Kicked') }),
    ]);
    expect(failureLines(new SpecError(problems))[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ error codegen-unsupported at /components/schemas/RequestHeaders: guards: `));
  });
});

describe('locatedPluginProblems', () => {
  it('keeps every problem when one pointer is malformed: that one at line 1, said to be malformed', async () => {
    const spec = await loadCleanSpec(await writeBroken(CHAT));
    const error = new PluginProblems('guards', [
      { pointer: '/components/schemas/Tags', message: 'first' },
      { pointer: 'components/schemas/ChatId', message: 'second' },
      { pointer: '/components/messages/kicked', message: 'third' },
    ]);
    expect(locatedPluginProblems(error, spec).problems).toEqual([
      expect.objectContaining({ pointer: '/components/schemas/Tags', message: 'guards: first', ...spec.locate('/components/schemas/Tags') }),
      expect.objectContaining({
        code: 'codegen-unsupported',
        file: spec.file,
        pointer: 'components/schemas/ChatId',
        line: 1,
        column: 1,
        message: 'guards: second (the plugin gave a malformed JSON pointer, "components/schemas/ChatId")',
      }),
      expect.objectContaining({ pointer: '/components/messages/kicked', message: 'guards: third', ...spec.locate('/components/messages/kicked') }),
    ]);
    expect(spec.locate('/components/messages/kicked').line).toBeGreaterThan(1);
  });
});

describe('failureLines (what the CLI prints when generation throws)', () => {
  it('prints an unexpected error as one line with its message, no stack', () => {
    const error = new Error('the guards cannot compile this\nsecond line');
    expect(failureLines(error, false)).toEqual(['codegen: the guards cannot compile this second line; nothing written.']);
  });

  it('adds the stack only when debugging', () => {
    const error = new Error('boom');
    const lines = failureLines(error, true);
    expect(lines[0]).toBe('codegen: boom; nothing written.');
    expect(lines[1]).toContain('at ');
  });
});

// ---- the CLI, end to end ------------------------------------------------------------------------

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI of the generator in `where.codegen` (this one by default), in `where.cwd` (that folder by default). */
function runCli(args: string[], where: { cwd?: string; initCwd?: string; codegen?: string } = {}): Promise<Run> {
  // INIT_CWD (set by pnpm to where the command was typed) only when the case sets it.
  const { INIT_CWD: _inherited, ...env } = process.env;
  const codegen = where.codegen ?? CODEGEN_DIR;
  return new Promise((resolve) => {
    // The package's own tsx, not npx: npm may print warnings of its own on stderr (CI's environment
    // does), and the tests read the CLI's stderr line by line.
    const options = { cwd: where.cwd ?? codegen, timeout: 60_000, env: where.initCwd === undefined ? env : { ...env, INIT_CWD: where.initCwd } };
    execFile(join(CODEGEN_DIR, 'node_modules', '.bin', 'tsx'), [join(codegen, 'src/cli.ts'), ...args], options, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Hash and mtime of every file the generator owns in the repository. */
async function snapshotGenerated(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else {
        const hash = createHash('sha256').update(await readFile(path)).digest('hex');
        out[relative(REPOSITORY_ROOT, path)] = `${hash} ${(await stat(path)).mtimeMs}`;
      }
    }
  }
  await walk(join(REPOSITORY_ROOT, 'packages/validators/src/gen'));
  await walk(join(REPOSITORY_ROOT, 'packages/validators/schemas'));
  return out;
}

describe('the CLI', () => {
  let broken: { file: string; source: string };
  let format: { file: string; source: string };
  let runs: { broken: Run; unknown: Run; check: Run; missing: Run; folder: Run; format: Run };
  let more: { h: Run; help: Run; outputsCheck: Run; relative: Run; initCwd: Run };
  let before: Record<string, string>;
  let after: Record<string, string>;
  let expectedCheck: string[];

  beforeAll(async () => {
    const source = replaceOnce(CHAT, '      description: Free-form tags, name to value.\n', '      description: Free-form tags, name to value.\n      allOf: [{ type: object }]\n');
    broken = { file: await writeBroken(source), source };
    const formatSource = replaceOnce(CHAT, '          format: uri\n', '          format: date-time\n');
    format = { file: await writeBroken(formatSource), source: formatSource };
    before = await snapshotGenerated();
    // In parallel: none of these runs may write anything.
    const [b, u, c, m, d, f] = await Promise.all([
      runCli(['--spec', broken.file]),
      runCli(['--bogus']),
      runCli(['--check']),
      runCli(['--spec', join(directory, 'does-not-exist.yaml')]),
      runCli(['--spec', directory]),
      runCli(['--spec', format.file]),
    ]);
    runs = { broken: b!, unknown: u!, check: c!, missing: m!, folder: d!, format: f! };
    const [h, help, outputsCheck, relative, initCwd] = await Promise.all([
      runCli(['-h']),
      runCli(['--help']),
      runCli(['--outputs', '--check']),
      runCli(['--spec', basename(broken.file)], { cwd: directory }),
      runCli(['--spec', basename(broken.file)], { initCwd: directory }),
    ]);
    more = { h: h!, help: help!, outputsCheck: outputsCheck!, relative: relative!, initCwd: initCwd! };
    after = await snapshotGenerated();
    expectedCheck = await checkOutput(REPOSITORY_ROOT, await generate(REAL_SPEC));
  }, 120_000);

  it('fails on a broken spec with exit code 1, naming file:line:col and the pointer', () => {
    const { line, column } = position(broken.source, '[{ type: object }]');
    expect(runs.broken.code).toBe(1);
    // The copy lies outside the repository: named by its absolute path (a file of the repository
    // would be named from the repository root, whatever folder the CLI runs in).
    const where = `${broken.file}:${line}:${column}`;
    expect(runs.broken.stderr).toContain(`${where} error codegen-unsupported at /components/schemas/Tags/allOf: schema keyword "allOf" is not supported`);
    // The CLI runs every plugin: the fixture's missing x-client-lifecycle (the sdk's) is reported with it.
    expect(runs.broken.stderr).toContain(`${broken.file}:1:1 error codegen-unsupported at /x-client-lifecycle: x-client-lifecycle is missing`);
    expect(runs.broken.stderr).toContain('codegen: 2 problem(s) in the spec; nothing written.');
    expect(runs.broken.stdout).toBe('');
  });

  it('leaves the previous output untouched', () => {
    expect(Object.keys(before).length).toBeGreaterThan(50);
    expect(after).toEqual(before);
  });

  it('exits 2 with the usage on an unknown argument', () => {
    expect(runs.unknown.code).toBe(2);
    expect(runs.unknown.stderr).toContain("Unknown option '--bogus'");
    expect(runs.unknown.stderr).toContain('usage: customer-chat-codegen [--check] [--spec <asyncapi.yaml>]');
  });

  it('prints the usage and exits 0 on -h and --help', () => {
    for (const run of [more.h, more.help]) {
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^usage: customer-chat-codegen /);
      expect(run.stdout).toContain('--check');
      expect(run.stderr).toBe('');
    }
  });

  it('refuses --check beside --outputs (it would be ignored) with exit 2', () => {
    expect(more.outputsCheck.code).toBe(2);
    expect(more.outputsCheck.stderr).toContain('codegen: --outputs takes no other option');
    expect(more.outputsCheck.stdout).toBe('');
  });

  it("resolves a relative --spec from the caller's directory (INIT_CWD under pnpm, else the working directory)", () => {
    for (const run of [more.relative, more.initCwd]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('error codegen-unsupported at /components/schemas/Tags/allOf');
      expect(run.stderr).not.toContain('no such file');
    }
  });

  it('names a missing default document as such, not as a --spec it was not given', async () => {
    const path = join(directory, 'gone.yaml');
    expect(await specArgumentProblem('spec/asyncapi.yaml', path, false)).toBe(`the default document spec/asyncapi.yaml (${path}): no such file`);
    expect(await specArgumentProblem(path, path)).toBe(`--spec ${path}: no such file`);
  });

  it('exits 2 (a wrong argument) with one line naming the path when the spec file does not exist', () => {
    const path = join(directory, 'does-not-exist.yaml');
    expect(runs.missing.code).toBe(2);
    expect(runs.missing.stderr).toBe(`codegen: --spec ${path}: no such file; nothing written.\n`);
  });

  it('exits 2 with one line naming the path when --spec is a directory', () => {
    expect(runs.folder.code).toBe(2);
    expect(runs.folder.stderr).toBe(`codegen: --spec ${directory} is a directory, not an AsyncAPI document; nothing written.\n`);
  });

  it('reports a format the guards cannot check at its keyword (file:line:col, pointer), with no stack', () => {
    const { line, column } = position(format.source, 'date-time');
    expect(runs.format.code).toBe(1);
    expect(runs.format.stderr).toContain(
      `${format.file}:${line}:${column} error codegen-unsupported at /components/schemas/LinkNote/properties/url/format: format "date-time" has no regular expression`,
    );
    expect(runs.format.stderr).toContain('codegen: 2 problem(s) in the spec; nothing written.');
    expect(runs.format.stderr).not.toMatch(/^\s+at /m);
    expect(runs.format.stdout).toBe('');
  });

  // Only one branch of this runs, the repository being in step or not: the scratch copy below runs both.
  it('--check agrees with checkOutput on the real spec: exit 0 when in step', () => {
    // Others may be editing the spec: the expectation follows the repository's actual state.
    if (expectedCheck.length === 0) {
      expect(runs.check.code).toBe(0);
      expect(runs.check.stdout).toMatch(/^codegen: \d+ generated files in step with spec\/asyncapi\.yaml\.\n$/);
    } else {
      expect(runs.check.code).toBe(1);
      expect(runs.check.stderr).toContain(`${expectedCheck.length} generated file(s) out of step`);
    }
  });
});

/**
 * A scratch copy of the repository for the CLI to run in, so that --check can meet a stale file
 * without one being made in the repository: the generator's sources and the folders it writes into
 * are real folders of the copy (the sources copied: the CLI finds its repository from where they
 * are; the folders empty), everything else a symlink into the repository (the spec, the hand-written
 * runtimes the plugins read, node_modules).
 */
async function scratchRepository(): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'codegen-scratch-'));
  const real = ['tools/codegen/src', ...outputDirectories(plugins)];
  const onPath = new Set(['', ...real.flatMap((dir) => dir.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/')))]);
  for (const dir of onPath) {
    await mkdir(join(scratch, dir), { recursive: true });
    if (real.some((r) => dir === r || dir.startsWith(`${r}/`))) continue;
    for (const entry of await readdir(join(REPOSITORY_ROOT, dir))) {
      const path = dir === '' ? entry : `${dir}/${entry}`;
      if (!onPath.has(path)) await symlink(join(REPOSITORY_ROOT, path), join(scratch, path));
    }
  }
  await cp(join(CODEGEN_DIR, 'src'), join(scratch, 'tools/codegen/src'), { recursive: true });
  return scratch;
}

describe('the CLI --check on a scratch copy of the repository', () => {
  let scratch: string;
  let plan: Awaited<ReturnType<typeof generate>>;
  let stale: { path: string; before: string; after: string; stray: string };
  let inStep: Run;
  let outOfStep: Run;

  beforeAll(async () => {
    scratch = await scratchRepository();
    plan = await generate(REAL_SPEC);
    await writeOutput(scratch, plan);
    const codegen = join(scratch, 'tools/codegen');
    inStep = await runCli(['--check'], { codegen });
    const file = plan.files.find((f) => f.path.startsWith(`${plan.ownedDirectories[0]}/`))!;
    stale = { path: file.path, before: file.content, after: file.content.replace('\n', '\n// edited by hand\n'), stray: `${plan.ownedDirectories[0]}/left-over.ts` };
    await writeFile(join(scratch, stale.path), stale.after);
    await writeFile(join(scratch, stale.stray), 'export {};\n');
    outOfStep = await runCli(['--check'], { codegen });
  }, 120_000);
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('exits 0 when every generated file is in step', () => {
    expect(inStep).toEqual({ code: 0, stdout: `codegen: ${plan.files.length} generated files in step with spec/asyncapi.yaml.\n`, stderr: '' });
  });

  it('exits 1 on a stale and a stray file, printing the diff and the stray, and changes neither', async () => {
    const diff = createTwoFilesPatch(`a/${stale.path}`, `b/${stale.path}`, stale.after, stale.before, 'on disk', 'generated');
    expect(diff).toContain('\n-// edited by hand\n');
    expect(outOfStep.code).toBe(1);
    expect(outOfStep.stdout).toBe('');
    expect(outOfStep.stderr).toBe(
      `${diff}\n${stale.stray}: not generated any more (remove it, or run pnpm generate)\n\ncodegen: 2 generated file(s) out of step with spec/asyncapi.yaml; run pnpm generate.\n`,
    );
    expect(await readFile(join(scratch, stale.path), 'utf8')).toBe(stale.after);
    expect(await readFile(join(scratch, stale.stray), 'utf8')).toBe('export {};\n');
  });
});
