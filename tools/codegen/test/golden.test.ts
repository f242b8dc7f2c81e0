// Golden tests: every file generated from the small fixture specs in test/fixtures/ is compared
// byte for byte with a readable copy under test/golden/<fixture>/<repository path>. After an
// intended change of the output, refresh them with `npx vitest run -u` and review the diff.
// The golden TypeScript is also type-checked (the package's tsconfig excludes test/golden), and
// the golden guards and validators are run against the fixtures' own examples.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, REPOSITORY_ROOT } from '../src/index.js';
import { camelCase } from '../src/printer/generated-file.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const FIXTURES = ['chat', 'minimal'] as const;
const fixtureFile = (name: string) => join(HERE, 'fixtures', `${name}.yaml`);
const goldenDir = (name: string) => join(HERE, 'golden', name);
const RUNTIME_DIR = join(REPOSITORY_ROOT, 'packages/validators/src/runtime');
const EXPLAIN_ENTRY = join(REPOSITORY_ROOT, 'packages/validators/src/explain.ts');
const GEN_DIR = 'packages/validators/src/gen';

type Guard = (data: unknown) => boolean;
type Validate = (data: unknown) => { ok: boolean; errors?: Array<{ path: string; keyword: string }> };

// Generated once per fixture, at collection time, so that each file gets its own test.
// The fixtures have no x-client-lifecycle, so no client: they cover the shared emitters.
const FIXTURE_TARGETS = ['models', 'json-schemas', 'guards', 'validators'];
const plans = Object.fromEntries(await Promise.all(FIXTURES.map(async (name) => [name, await generate(fixtureFile(name), undefined, FIXTURE_TARGETS)] as const)));

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? listFiles(join(directory, e.name)) : [join(directory, e.name)])));
  return nested.flat();
}

const temporaryDirectories: string[] = [];
afterAll(async () => {
  await Promise.all(temporaryDirectories.map((d) => rm(d, { recursive: true, force: true })));
});
async function temporaryDirectory(prefix: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), prefix));
  temporaryDirectories.push(directory);
  return directory;
}

describe.each(FIXTURES)('golden files of test/fixtures/%s.yaml', (name) => {
  const plan = plans[name]!;

  it('names the fixture as the source of every file', () => {
    expect(plan.model.source).toBe(`tools/codegen/test/fixtures/${name}.yaml`);
    for (const file of plan.files) expect(file.content, file.path).toContain(`from tools/codegen/test/fixtures/${name}.yaml. DO NOT EDIT.`);
  });

  it.each(plan.files.map((f) => [f.path, f] as const))('%s', async (_path, file) => {
    await expect(file.content).toMatchFileSnapshot(join(goldenDir(name), file.path));
  });

  it('has no golden file that is not generated any more (delete it)', async () => {
    const golden = (await listFiles(goldenDir(name))).map((f) => relative(goldenDir(name), f).split('\\').join('/')).sort();
    expect(golden).toEqual(plan.files.map((f) => f.path).sort());
  });
});

describe('the fixtures exercise what the brief asks for', () => {
  it('chat: a discriminated union with a fallback, a nullable type, a map, a payload-less client event', () => {
    const { model } = plans.chat!;
    expect(model.discriminators).toEqual([
      { union: 'Note', property: 'kind', branches: [{ value: 'text', schema: 'TextNote' }, { value: 'link', schema: 'LinkNote' }], fallback: 'UnknownNote' },
    ]);
    expect(model.schemas.find((s) => s.name === 'NullableTimestamp')?.schema.type).toEqual(['integer', 'null']);
    expect(model.schemas.find((s) => s.name === 'Tags')?.schema.additionalProperties).toMatchObject({ type: 'string' });
    expect(model.messages.find((m) => m.name === 'connection_lost')).toMatchObject({ kind: 'client', payload: undefined, headers: undefined });
    expect(model.messages.map((m) => [m.name, m.kind, m.action])).toEqual([
      ['post_note', 'request', 'post_note'],
      ['post_note_response', 'response', 'post_note'],
      ['error_response', 'error', undefined],
      ['note_posted', 'push', 'note_posted'],
      ['kicked', 'push', 'kicked'],
      ['connection_lost', 'client', undefined],
      ['disconnected', 'client', undefined],
    ]);
    expect(model.disconnectionReasons.map((r) => [r.value, r.reaction])).toEqual([
      ['server_restart', 'reconnect'],
      ['kicked_out', 'stay_disconnected'],
    ]);
    expect(model.errorTypes.map((e) => [e.value, e.clientCode])).toEqual([
      ['validation', 'VALIDATION'],
      ['internal', 'INTERNAL'],
    ]);
  });

  it('minimal: a wire message without payload, headers without traits', () => {
    const { model } = plans.minimal!;
    expect(model.messages.find((m) => m.name === 'heartbeat')).toMatchObject({ kind: 'push', payload: undefined, headersSchema: 'PushHeaders' });
    expect(model.requests).toEqual([
      expect.objectContaining({
        id: 'ping',
        action: 'ping',
        request: expect.objectContaining({ key: 'pingRequest' }),
        response: expect.objectContaining({ key: 'pingResponse' }),
        error: expect.objectContaining({ key: 'errorResponse' }),
        errors: ['internal'],
      }),
    ]);
  });
});

/**
 * Writes a fixture's generated files (the content the tests above pin to the golden files, so that
 * this also holds while `vitest -u` rewrites them) and the validators runtime into `root`, laid out
 * as in the repository.
 */
async function writeGenerated(name: string, root: string): Promise<void> {
  for (const file of plans[name]!.files) {
    await mkdir(dirname(join(root, file.path)), { recursive: true });
    await writeFile(join(root, file.path), file.content);
  }
  await cp(RUNTIME_DIR, join(root, 'packages/validators/src/runtime'), { recursive: true });
  await cp(EXPLAIN_ENTRY, join(root, 'packages/validators/src/explain.ts'));
  // ESM, with the runtime's import specifiers, as the package is.
  await writeFile(join(root, 'packages/validators/package.json'), '{ "type": "module", "imports": { "#runtime/*": "./src/runtime/*.ts", "#explain": "./src/explain.ts" } }\n');
}

/** The repository's strict compiler settings; generated code must not need Node's types. */
function compilerOptions(): ts.CompilerOptions {
  const base = ts.getParsedCommandLineOfConfigFile(join(REPOSITORY_ROOT, 'tsconfig.base.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  return { ...base!.options, noEmit: true, declaration: false, sourceMap: false, types: [] };
}

/** A program over the golden sources of the fixtures, copied to `root/<fixture>/`. */
async function goldenProgram(root: string, names: readonly string[]): Promise<ts.Program> {
  const roots: string[] = [];
  for (const name of names) {
    await writeGenerated(name, join(root, name));
    const gen = join(root, name, GEN_DIR);
    roots.push(join(gen, 'models.ts'), join(gen, 'index.ts'), join(gen, 'schema-set.ts'), join(gen, 'guards/index.ts'), ...(await listFiles(join(gen, 'messages'))));
  }
  return ts.createProgram(roots, compilerOptions());
}

function diagnosticsText(program: ts.Program, root: string): string {
  const diagnostics = ts.getPreEmitDiagnostics(program);
  return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' });
}

describe('the golden TypeScript (type-checked: the package tsconfig excludes test/golden)', () => {
  it('compiles with zero diagnostics under the repository settings (both fixtures, no Node types)', async () => {
    const root = await temporaryDirectory('codegen-golden-tsc-');
    const program = await goldenProgram(root, FIXTURES);
    const options = program.getCompilerOptions();
    expect([options.strict, options.exactOptionalPropertyTypes, options.noUncheckedIndexedAccess, options.verbatimModuleSyntax]).toEqual([true, true, true, true]);
    const sources = FIXTURES.flatMap((name) => plans[name]!.files.filter((f) => f.path.endsWith('.ts') && !f.path.endsWith('.d.ts')));
    expect(program.getRootFileNames()).toHaveLength(sources.length);
    expect(diagnosticsText(program, root)).toBe('');
    // The validators' imports resolve to the golden guards and the copied runtime.
    const files = program.getSourceFiles().map((f) => relative(root, f.fileName).split('\\').join('/'));
    expect(files).toContain('minimal/packages/validators/src/runtime/validation.ts');
    expect(files).toContain('chat/packages/validators/src/runtime/explain.ts');
  }, 30_000);

  it('reports a broken golden file (the check is not vacuous)', async () => {
    const root = await temporaryDirectory('codegen-golden-tsc-broken-');
    await writeGenerated('chat', join(root, 'chat'));
    const models = join(root, 'chat', GEN_DIR, 'models.ts');
    await writeFile(models, (await readFile(models, 'utf8')).replace('export type NullableTimestamp =', 'export type NullableTime ='));
    const program = ts.createProgram([models], compilerOptions());
    expect(diagnosticsText(program, root)).toMatch(/models\.ts\(\d+,\d+\): error TS\d+: Cannot find name 'NullableTimestamp'/);
  }, 30_000);
});

describe('the golden guards and validators', () => {
  /** A fixture's golden validators (and the runtime they import), transpiled to JavaScript and loaded as an ES module. */
  async function loadValidators(name: string): Promise<Record<string, unknown>> {
    const root = await temporaryDirectory(`codegen-golden-js-${name}-`);
    await writeFile(join(root, 'package.json'), '{ "type": "module", "imports": { "#runtime/*": "./runtime/*.js", "#explain": "./explain.js" } }\n');
    const transpile = async (source: string, target: string) => {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true } }).outputText);
    };
    for (const file of plans[name]!.files.filter((f) => f.path.startsWith(`${GEN_DIR}/`) && f.path.endsWith('.ts'))) {
      await transpile(file.content, join(root, 'gen', file.path.slice(GEN_DIR.length + 1).replace(/\.ts$/, '.js')));
    }
    await transpile(await readFile(EXPLAIN_ENTRY, 'utf8'), join(root, 'explain.js'));
    for (const file of await readdir(RUNTIME_DIR)) {
      if (file.endsWith('.ts')) await transpile(await readFile(join(RUNTIME_DIR, file), 'utf8'), join(root, 'runtime', file.replace(/\.ts$/, '.js')));
    }
    return (await import(/* @vite-ignore */ pathToFileURL(join(root, 'gen/index.js')).href)) as Record<string, unknown>;
  }

  it.each(FIXTURES)('%s: accepts every example payload of the fixture', async (name) => {
    const validators = await loadValidators(name);
    const { model } = plans[name]!;
    let checked = 0;
    for (const message of model.messages) {
      if (message.payload === undefined) continue;
      const base = camelCase(message.name).replace(/^./, (c) => c.toUpperCase());
      const guard = validators[`is${base}`] as Guard;
      const validate = validators[`validate${base}`] as Validate;
      expect([typeof guard, typeof validate], message.name).toEqual(['function', 'function']);
      for (const example of message.examples) {
        expect([guard(example.payload), validate(example.payload)], `${message.name} ${example.name ?? ''}`).toEqual([true, { ok: true, value: example.payload }]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(1);
  }, 30_000);

  it('chat: the union takes unknown kinds through its fallback, never a known kind with a broken shape', async () => {
    const validators = await loadValidators('chat');
    const note = validators.isNotePosted as Guard;
    const frame = validators.isPostNoteFrame as Guard;
    const args = validators.isPostNote as Guard;
    expect(note({ kind: 'sketch' })).toBe(true);
    expect(note({ kind: 'text', text: 'Hi', editedAt: null })).toBe(true);
    expect(note({ kind: 'text', text: 'Hi', editedAt: 5 })).toBe(true);
    expect(note({ kind: 'text', text: 'Hi' })).toBe(false); // editedAt is required, nullable
    expect(note({ kind: 'text', text: 'Hi', editedAt: 'yesterday' })).toBe(false);
    expect(note({ kind: 'link', url: 'not a uri' })).toBe(false); // format uri
    expect(note({})).toBe(false);
    expect(args({ note: { kind: 'text', text: 'Hi', editedAt: null }, tags: { a: 'b' } })).toBe(true);
    expect(args({ note: { kind: 'text', text: 'Hi', editedAt: null }, tags: { a: 1 } })).toBe(false); // map values
    expect(args({ note: { kind: 'text', text: 'Hi', editedAt: null }, extra: 1 })).toBe(false); // closed
    const payload = { note: { kind: 'text', text: 'Hi', editedAt: null } };
    expect(frame({ requestId: '1', action: 'post_note', payload })).toBe(true);
    expect(frame({ requestId: '1', action: 'note_posted', payload })).toBe(false); // action pinned
    expect(frame({ requestId: '1', action: 'post_note' })).toBe(false); // payload required
    // A failure is explained at the place it happened, in the branch the discriminator names.
    const explained = (validators.validateNotePosted as Validate)({ kind: 'text', text: 'Hi', editedAt: 'yesterday' });
    expect(explained.ok).toBe(false);
    expect(explained.errors?.map((e) => [e.path, e.keyword])).toContainEqual(['/editedAt', 'type']);
    expect((validators.validatePostNote as Validate)({ note: { kind: 'text', text: 'Hi', editedAt: null }, extra: 1 }).errors).toEqual([
      { path: '/extra', keyword: 'additionalProperties', message: 'must NOT have additional properties' },
    ]);
  }, 30_000);

  it('minimal: a wire frame without payload validates with the payload left out or null, nothing else', async () => {
    const frame = (await loadValidators('minimal')).isHeartbeatFrame as Guard;
    expect(frame({ action: 'heartbeat' })).toBe(true);
    expect(frame({ action: 'heartbeat', payload: null })).toBe(true);
    expect(frame({ action: 'heartbeat', payload: {} })).toBe(false);
    expect(frame({ action: 'ping' })).toBe(false);
  }, 30_000);
});
