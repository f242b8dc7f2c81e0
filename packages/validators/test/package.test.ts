// The built package (dist/, made by `tsup`; turbo's `test` task depends on `build`) as its users
// load it: by name through its `exports`, from ES modules and from CommonJS, whole or one message
// at a time, plus its plain JSON Schemas. And the precompiled validators compile nothing at run
// time: no `new Function`/`eval` in the code, and the package works where code generation from
// strings is disallowed (a strict Content-Security-Policy, or node --disallow-code-generation-from-strings).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as source from '../src/index.js';
import { frameOf, loadProtocol, PACKAGE_DIR } from './support/protocol.js';

type Api = typeof source;
type MessageModule = Record<string, unknown>;

const PACKAGE = '@customer-chat/validators';
const DIST = join(PACKAGE_DIR, 'dist');
const require = createRequire(import.meta.url);

const { model } = await loadProtocol();
const samples = model.messages.flatMap((message) =>
  message.examples.map((example) => ({
    name: message.name,
    payload: example.payload ?? null,
    frame: frameOf(message, example.payload ?? null) ?? null,
  })),
);

const REQUIRED_DIST_FILES = ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts', 'messages/user_is_typing.js', 'messages/user_is_typing.cjs'];

/** Fails with what to do when the package has not been built. */
function requireDist(): void {
  const missing = REQUIRED_DIST_FILES.filter((file) => !existsSync(join(DIST, file)));
  if (missing.length > 0) {
    throw new Error(
      `packages/validators/dist is not built (missing ${missing.join(', ')}). Run \`npx tsup\` in packages/validators, ` +
        'or the repository\'s `pnpm test`, whose turbo `test` task depends on `build`.',
    );
  }
}

/** Loads through the package's name (its `exports` map), not a path. */
async function importByName<T>(specifier: string): Promise<T> {
  requireDist();
  return (await import(/* @vite-ignore */ specifier)) as T;
}

/** Runs a script in a plain Node process in the package directory (Node's own ESM/CJS loaders, no vite). */
function runNode(script: string, options: { flags?: string[]; module?: boolean } = {}): unknown {
  requireDist();
  const args = [...(options.flags ?? []), ...(options.module === false ? [] : ['--input-type=module']), '-e', script];
  const output = execFileSync(process.execPath, args, {
    cwd: PACKAGE_DIR,
    encoding: 'utf8',
    env: { ...process.env, SAMPLES: JSON.stringify(samples), NODE_OPTIONS: '' },
    timeout: 30_000,
  });
  return JSON.parse(output.trim().split('\n').pop()!) as unknown;
}

/** What a script reports after validating every example (payload and frame) with a loaded package. */
const CHECK_SAMPLES = `
  const samples = JSON.parse(process.env.SAMPLES);
  const failures = [];
  for (const { name, payload, frame } of samples) {
    if (!api.validate(name, payload).ok) failures.push('payload ' + name);
    if (frame !== null && !api.validateFrame(name, frame).ok) failures.push('frame ' + name);
  }
  const broken = api.validate('user_is_typing', { chat: 'c1' });
  const typing = one.validateUserIsTyping({ chat: 'c1', user: 'u1' }).ok && !one.isUserIsTyping({ chat: 'c1' });
  const report = { checked: samples.length, failures, errors: broken.ok ? [] : broken.errors, names: api.messageNames, typing };
`;
const PRINT_REPORT = 'console.log(JSON.stringify(report));';

const EXPECTED_REPORT = {
  checked: samples.length,
  failures: [],
  errors: [{ path: '/user', keyword: 'required', message: expect.any(String) }],
  names: [...source.messageNames],
  typing: true,
};

describe('the built package', () => {
  it('has been built (dist/)', () => {
    requireDist();
    expect(existsSync(join(DIST, 'messages'))).toBe(true);
  });

  it('loads with import() by name and validates like the sources', async () => {
    const api = await importByName<Api>(PACKAGE);
    expect(typeof api.validate).toBe('function');
    expect(api.messageNames).toEqual(source.messageNames);
    expect(api.frameNames).toEqual(source.frameNames);
    for (const { name, payload } of samples) expect(api.validate(name as never, payload).ok, name).toBe(true);
    expect(api.validate('get_chats_summary', { limit: 26 })).toEqual(source.validate('get_chats_summary', { limit: 26 }));
    expect(() => api.validate('__proto__' as never, {})).toThrow(TypeError);
    expect(new api.ValidationError('x', [])).toBeInstanceOf(Error);
  });

  it('loads with require() (createRequire) by name and validates like the sources', () => {
    requireDist();
    expect(require.resolve(PACKAGE)).toBe(join(DIST, 'index.node.cjs'));
    const api = require(PACKAGE) as Api;
    expect(typeof api.validate).toBe('function');
    expect(api.messageNames).toEqual(source.messageNames);
    for (const { name, payload, frame } of samples) {
      expect(api.validate(name as never, payload).ok, name).toBe(true);
      if (frame !== null) expect(api.validateFrame(name as never, frame).ok, name).toBe(true);
    }
    expect(api.validate('user_is_typing', { chat: 'c1' })).toEqual(source.validate('user_is_typing', { chat: 'c1' }));
  });

  describe('on Node, the root without the explainer, which it loads at the first failed check', () => {
    // Broken copies of every example: each payload with its first property removed, or replaced.
    const broken = samples.flatMap(({ name, payload }): { name: string; payload: unknown }[] => {
      if (typeof payload !== 'object' || payload === null) return [{ name, payload: 42 }];
      const [first] = Object.keys(payload);
      return first === undefined ? [{ name, payload: [] }] : [{ name, payload: { ...payload, [first]: [[]] } }, { name, payload: Object.fromEntries(Object.entries(payload).slice(1)) }];
    });
    const expected = broken.map(({ name, payload }) => source.validate(name as never, payload));

    it('resolves to dist/index.node.js / .cjs, which carry neither the explainer nor the schemas', () => {
      const nodeRoot = runNode(`console.log(JSON.stringify(import.meta.resolve('${PACKAGE}')))`) as string;
      expect(nodeRoot.endsWith('/dist/index.node.js')).toBe(true);
      for (const file of ['index.node.js', 'index.node.cjs']) {
        const built = readFileSync(join(DIST, file), 'utf8');
        // Minified: the schemas' JSON and the explainer's messages are the strings that would show.
        expect(built, file).not.toContain('"additionalProperties":false');
        expect(built, file).not.toContain('must have required property');
        expect(built, file).toContain('validateUserIsTyping');
        expect(built, file).toMatch(/\(["']\.\/explain\.cjs["']\)/);
      }
    });

    const LOADS = {
      'ES module': `const api = await import('${PACKAGE}');`,
      // Node before 20.16 has no process.getBuiltinModule: the ES module imports node:module instead.
      'ES module, on a Node without process.getBuiltinModule': `delete process.getBuiltinModule; const api = await import('${PACKAGE}');`,
      CommonJS: `const api = require('${PACKAGE}');`,
    };
    for (const [format, load] of Object.entries(LOADS)) {
      it(`${format}: nothing of /explain is loaded until a check fails; then its errors are the sources' own`, () => {
        const report = runNode(
          `
          const { createRequire } = require('node:module');
          const cache = createRequire(process.cwd() + '/').cache;
          const explainLoaded = () => Object.keys(cache).some((file) => file.endsWith('explain.cjs'));
          ${load}
          const samples = JSON.parse(process.env.SAMPLES);
          const atImport = explainLoaded();
          const allValid = samples.every(({ name, payload }) => api.validate(name, payload).ok);
          const afterValid = explainLoaded();
          const broken = ${JSON.stringify(broken)};
          const results = broken.map(({ name, payload }) => api.validate(name, payload));
          let thrown;
          try { api.assertUserIsTyping({ chat: 'c1' }); } catch (error) { thrown = { message: error.message, branded: error instanceof api.ValidationError }; }
          console.log(JSON.stringify({ atImport, allValid, afterValid, afterFailure: explainLoaded(), results, thrown }));`.replaceAll("require('node:module')", format === 'CommonJS' ? "require('node:module')" : "(await import('node:module')).default"),
          { module: format !== 'CommonJS' },
        );
        expect(report).toEqual({
          atImport: false,
          allValid: true,
          afterValid: false,
          afterFailure: true,
          results: expected,
          thrown: { message: "invalid user_is_typing: /user must have required property 'user'", branded: true },
        });
      });
    }

    it('a program bundled for Node (esbuild, platform node) takes the root with the explainer inside, and runs from anywhere', async () => {
      const { build } = await import('esbuild');
      const out = join(mkdtempSync(join(tmpdir(), 'validators-bundled-')), 'app.mjs');
      try {
        await build({
          stdin: { contents: `import { validate } from '${PACKAGE}'; console.log(JSON.stringify(validate('user_is_typing', { chat: 'c1' })));`, resolveDir: PACKAGE_DIR },
          bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'silent',
        });
        expect(readFileSync(out, 'utf8')).not.toContain('explain.cjs');
        const printed = execFileSync(process.execPath, [out], { encoding: 'utf8', cwd: tmpdir() });
        expect(JSON.parse(printed)).toEqual(source.validate('user_is_typing', { chat: 'c1' }));
      } finally {
        rmSync(dirname(out), { recursive: true, force: true });
      }
    });
  });

  it('serves one message alone at @customer-chat/validators/messages/<name>, from ESM and CommonJS', async () => {
    const specifier = `${PACKAGE}/messages/user_is_typing`;
    const esm = await importByName<MessageModule>(specifier);
    const cjs = require(specifier) as MessageModule;
    expect(require.resolve(specifier)).toBe(join(DIST, 'messages', 'user_is_typing.cjs'));
    for (const loaded of [esm, cjs]) {
      expect(Object.keys(loaded).sort()).toEqual(['assertUserIsTyping', 'isUserIsTyping', 'isUserIsTypingFrame', 'validateUserIsTyping', 'validateUserIsTypingFrame']);
      const validateOne = loaded.validateUserIsTyping as Api['validateUserIsTyping'];
      expect(validateOne({ chat: 'c1', user: 'u1' }).ok).toBe(true);
      expect(validateOne({ chat: 'c1' })).toEqual(source.validateUserIsTyping({ chat: 'c1' }));
      const validateFrame = loaded.validateUserIsTypingFrame as Api['validateUserIsTypingFrame'];
      expect(validateFrame({ action: 'user_is_typing', type: 'push', payload: { chat: 'c1', user: 'u1' } }).ok).toBe(true);
      expect((loaded.isUserIsTypingFrame as Api['isUserIsTypingFrame'])({ action: 'user_is_typing', type: 'push', payload: { chat: 'c1' } })).toBe(false);
    }
  });

  it('serves the guards alone at @customer-chat/validators/guards, from ESM and CommonJS: the root\'s guards and tables, its verdicts, nothing of validate()', async () => {
    const specifier = `${PACKAGE}/guards`;
    const esm = await importByName<Record<string, unknown>>(specifier);
    const cjs = require(specifier) as Record<string, unknown>;
    expect(require.resolve(specifier)).toBe(join(DIST, 'guards.node.cjs'));
    const guardNames = Object.keys(source).filter((name) => /^is[A-Z]/.test(name) || name.endsWith('Guards')).sort();
    expect(guardNames).toContain('isNewEvent');
    expect(guardNames).toContain('payloadGuards');
    for (const loaded of [esm, cjs]) {
      expect(Object.keys(loaded).filter((name) => name !== 'default').sort()).toEqual(guardNames);
      const payloadGuards = loaded.payloadGuards as Api['payloadGuards'];
      expect(Object.keys(payloadGuards).sort()).toEqual(Object.keys(source.payloadGuards).sort());
      for (const { name, payload, frame } of samples) {
        expect(payloadGuards[name as keyof typeof payloadGuards](payload), name).toBe(true);
        if (frame !== null) expect((loaded.frameGuards as Api['frameGuards'])[name as keyof Api['frameGuards']](frame), name).toBe(true);
      }
      expect((loaded.isUserIsTyping as Api['isUserIsTyping'])({ chat: 'c1' })).toBe(false);
    }
    // One file that imports nothing, without the explainer or the schemas it walks.
    for (const [file, root] of [['guards.js', 'index.js'], ['guards.node.js', 'index.node.js']] as const) {
      const built = readFileSync(join(DIST, file), 'utf8');
      expect(built, file).not.toMatch(/^import |\bimport\(/m);
      expect(built, file).not.toContain('must have required property');
      expect(built.length, file).toBeLessThan(readFileSync(join(DIST, root), 'utf8').length * 0.8);
    }
  });

  it('an assertX of a message subpath throws an instanceof ValidationError of the root, in ESM and CommonJS (separate bundles)', async () => {
    const specifier = `${PACKAGE}/messages/user_is_typing`;
    const rootEsm = await importByName<Api>(PACKAGE);
    const rootCjs = require(PACKAGE) as Api;
    for (const loaded of [await importByName<MessageModule>(specifier), require(specifier) as MessageModule]) {
      let thrown: unknown;
      try {
        (loaded.assertUserIsTyping as (data: unknown) => void)({ chat: 'c1' });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(rootEsm.ValidationError);
      expect(thrown).toBeInstanceOf(rootCjs.ValidationError);
      expect(thrown).toBeInstanceOf(Error);
    }
    // Only what a ValidationError made carries the mark: a plain error of the same name is not one.
    expect(Object.assign(new Error('x'), { name: 'ValidationError' })).not.toBeInstanceOf(rootEsm.ValidationError);
  });

  it('serves every message subpath the build made, in both formats', () => {
    requireDist();
    const built = readdirSync(join(DIST, 'messages')).filter((f) => f.endsWith('.cjs')).map((f) => f.slice(0, -4)).sort();
    expect(built).toEqual([...source.messageNames].sort());
    for (const name of built) expect(existsSync(join(DIST, 'messages', `${name}.js`)), name).toBe(true);
  });

  it('shares the guards, schemas and explainer of the message subpaths (no per-message copy)', () => {
    requireDist();
    // Self-contained, each message file carried the explainer and every schema (some 128 KB each,
    // 12 MB installed); sharing chunks, a message file is a few imports and its own functions.
    const sizes = readdirSync(join(DIST, 'messages'))
      .filter((f) => f.endsWith('.js') || f.endsWith('.cjs'))
      .map((f) => ({ f, bytes: readFileSync(join(DIST, 'messages', f)).length }));
    expect(sizes.filter(({ bytes }) => bytes > 8 * 1024)).toEqual([]);
  });

  it('exposes the plain JSON Schemas at @customer-chat/validators/schemas/<name>.json', () => {
    const payload = require.resolve(`${PACKAGE}/schemas/user_is_typing.json`);
    expect(payload).toBe(join(PACKAGE_DIR, 'schemas', 'user_is_typing.json'));
    const schema = JSON.parse(readFileSync(payload, 'utf8')) as { $id: string; $schema: string; required: string[] };
    expect(schema.$id).toBe('urn:customer-chat:payload:user_is_typing');
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.required).toEqual(['chat', 'user']);
    const frame = JSON.parse(readFileSync(require.resolve(`${PACKAGE}/schemas/frames/user_is_typing.json`), 'utf8')) as { $id: string };
    expect(frame.$id).toBe('urn:customer-chat:frame:user_is_typing');
    expect(() => require.resolve(`${PACKAGE}/schemas/no_such_message.json`)).toThrow();
    expect(() => require.resolve(`${PACKAGE}/src/index.ts`)).toThrow(/not defined by "exports"/);
  });

  it('works in plain Node as an ES module (import by name)', () => {
    const report = runNode(`
      const api = await import('${PACKAGE}');
      const one = await import('${PACKAGE}/messages/user_is_typing');
      ${CHECK_SAMPLES} ${PRINT_REPORT}`);
    expect(report).toEqual(EXPECTED_REPORT);
  });

  it('works in plain Node as CommonJS (require by name)', () => {
    const report = runNode(
      `
      const api = require('${PACKAGE}');
      const one = require('${PACKAGE}/messages/user_is_typing');
      ${CHECK_SAMPLES} ${PRINT_REPORT}`,
      { module: false },
    );
    expect(report).toEqual(EXPECTED_REPORT);
  });
});

describe('nothing is compiled at run time', () => {
  const CODE_FROM_STRINGS = /\bnew\s+Function\b|\bFunction\s*\(|\beval\s*\(/;

  it('the generated code and the runtime have no new Function, Function() or eval()', () => {
    const sources = ['src/gen/guards/index.ts', 'src/gen/schema-set.ts', 'src/gen/index.ts', 'src/runtime/explain.ts', 'src/runtime/validation.ts'].map((file) => readFileSync(join(PACKAGE_DIR, file), 'utf8'));
    expect(sources[0]!.length).toBeGreaterThan(10_000);
    for (const source of sources) {
      expect(source).not.toMatch(CODE_FROM_STRINGS);
      expect(source).not.toMatch(/\brequire\s*\(/);
    }
  });

  it('neither has the built code', () => {
    requireDist();
    const files = readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(c?js)$/.test(f));
    expect(files.length).toBeGreaterThan(4);
    const offending = files.filter((f) => CODE_FROM_STRINGS.test(readFileSync(join(DIST, f), 'utf8')));
    expect(offending).toEqual([]);
  });

  it('the package loads and validates with code generation from strings disallowed (as under a strict CSP)', () => {
    const flags = ['--disallow-code-generation-from-strings'];
    // The flag is in force: compiling a string throws.
    expect(runNode(`let threw = false; try { new Function('return 1'); } catch { threw = true; } console.log(JSON.stringify(threw));`, { flags })).toBe(true);
    const esm = runNode(`const api = await import('${PACKAGE}'); const one = await import('${PACKAGE}/messages/user_is_typing'); ${CHECK_SAMPLES} ${PRINT_REPORT}`, { flags });
    expect(esm).toEqual(EXPECTED_REPORT);
    const cjs = runNode(`const api = require('${PACKAGE}'); const one = require('${PACKAGE}/messages/user_is_typing'); ${CHECK_SAMPLES} ${PRINT_REPORT}`, { flags, module: false });
    expect(cjs).toEqual(EXPECTED_REPORT);
  });

  it('the package loads and validates with globalThis.Function replaced by a throwing proxy', () => {
    const report = runNode(`
      const RealFunction = globalThis.Function;
      let calls = 0;
      const refuse = () => { calls += 1; throw new Error('Function called at run time'); };
      globalThis.Function = new Proxy(RealFunction, { apply: refuse, construct: refuse });
      let api, one, outcome;
      try {
        api = await import('${PACKAGE}');
        one = await import('${PACKAGE}/messages/user_is_typing');
        let proxied = false;
        try { new globalThis.Function('return 1'); } catch { proxied = true; }
        calls -= 1;
        ${CHECK_SAMPLES}
        outcome = { ...report, proxied };
      } finally {
        globalThis.Function = RealFunction;
      }
      outcome.calls = calls;
      console.log(JSON.stringify(outcome));`);
    expect(report).toEqual({ ...EXPECTED_REPORT, proxied: true, calls: 0 });
  });
});
