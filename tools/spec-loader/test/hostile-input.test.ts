// Inputs that made the loader hang, throw or misplace its report: nesting the parser takes
// exponential time on, an alias bomb, $refs that are not references, keys the parser cannot take
// in a $ref'd file, numbers JSON cannot hold, a byte order mark. Each is one located problem, quickly, before the parser runs.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec, MAX_NESTING } from '../src/index.js';

const MINIMAL = fileURLToPath(new URL('./fixtures/minimal.yaml', import.meta.url));

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'spec-loader-hostile-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function write(name: string, text: string): Promise<string> {
  await writeFile(join(scratch, name), text);
  return join(scratch, name);
}
/** minimal.yaml with `extra` lines put under `info:` (indented two spaces). */
async function minimalWithInfo(extra: string): Promise<string> {
  return (await readFile(MINIMAL, 'utf8')).replace('info:\n', `info:\n${extra}`);
}
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

describe('nesting', () => {
  // The document is level 1, `info` 2: under `x-deep`, brackets nested to make the deepest level `depth`.
  const nested = (depth: number) => `  x-deep: ${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}\n`;

  it(`refuses a document nested deeper than ${MAX_NESTING} levels, at the first node too deep, before the parser (which would take minutes)`, async () => {
    const text = await minimalWithInfo(nested(41));
    const file = await write('deep.yaml', text);
    const started = Date.now();
    const spec = await loadSpec(file);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(spec.document).toBeUndefined();
    expect(spec.problems).toEqual([
      expect.objectContaining({ severity: 'error', code: 'too-deep', file, line: lineOf(text, 'x-deep'), column: 11 + MAX_NESTING - 2, pointer: `/info/x-deep${'/0'.repeat(MAX_NESTING - 2)}` }),
    ]);
    expect(spec.problems[0]!.message).toBe(`nested ${MAX_NESTING + 1} levels deep or more; at most ${MAX_NESTING} are allowed (the AsyncAPI parser's time grows exponentially with nesting): move inner schemas to components/schemas and $ref them`);
  });

  it(`takes a document exactly ${MAX_NESTING} levels deep`, async () => {
    const spec = await loadSpec(await write('at-limit.yaml', await minimalWithInfo(nested(MAX_NESTING))));
    expect(spec.problems.filter((p) => p.code === 'too-deep')).toEqual([]);
    expect(spec.document).toBeDefined();
  });

  it("refuses it in a $ref'd file too, in that file", async () => {
    const external = await write('deep-part.yaml', `Deep:\n  x: ${'['.repeat(MAX_NESTING)}${']'.repeat(MAX_NESTING)}\n`);
    const text = `${await readFile(MINIMAL, 'utf8')}    Other: { $ref: './deep-part.yaml#/Deep' }\n`;
    const spec = await loadSpec(await write('refs-deep.yaml', text));
    expect(spec.problems).toEqual([expect.objectContaining({ code: 'too-deep', file: external, line: 2 })]);
  });
});

describe('aliases', () => {
  const bomb = '  x-lol:\n    a: &a [x,x,x,x,x,x,x,x,x,x]\n    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n';

  it('an alias bomb is one problem at its first alias, not an exception', async () => {
    const text = await minimalWithInfo(bomb);
    const file = await write('bomb.yaml', text);
    const spec = await loadSpec(file);
    expect(spec.problems).toEqual([
      expect.objectContaining({ severity: 'error', code: 'yaml-syntax', file, line: lineOf(text, '&b'), column: 12, message: 'its aliases cannot be expanded: Excessive alias count indicates a resource exhaustion attack' }),
    ]);
  });

  it("an alias bomb in a $ref'd file is said at the $ref", async () => {
    await write('bomb-part.yaml', `X: { type: string }\nlol:\n${bomb.replace('  x-lol:\n', '').replace(/^ {2}/gm, '  ')}`);
    const text = `${await readFile(MINIMAL, 'utf8')}    Other: { $ref: './bomb-part.yaml#/X' }\n`;
    const file = await write('refs-bomb.yaml', text);
    const spec = await loadSpec(file);
    expect(spec.problems).toEqual([expect.objectContaining({ code: 'invalid-ref', file, line: lineOf(text, 'bomb-part'), pointer: '/components/schemas/Other/$ref' })]);
    expect(spec.problems[0]!.message).toMatch(/^\$ref \.\/bomb-part\.yaml#\/X: \.\/bomb-part\.yaml cannot be read: its aliases cannot be expanded \(Excessive alias count indicates a resource exhaustion attack\) at line 4$/);
  });
});

describe('$refs to something that is not a file', () => {
  it('a $ref to a directory is said at the $ref, naming it', async () => {
    await mkdir(join(scratch, 'a-folder.yaml'), { recursive: true });
    const text = `${await readFile(MINIMAL, 'utf8')}    Other: { $ref: './a-folder.yaml#/X' }\n`;
    const file = await write('refs-folder.yaml', text);
    const spec = await loadSpec(file);
    expect(spec.problems).toEqual([
      expect.objectContaining({ code: 'invalid-ref', file, line: lineOf(text, 'a-folder'), pointer: '/components/schemas/Other/$ref', message: '$ref ./a-folder.yaml#/X: ./a-folder.yaml cannot be read: it is a directory, not a file' }),
    ]);
  });
});

describe('$refs that are not references', () => {
  it.each([
    ["a fragment without its leading /", '#components/schemas/Ping', '$ref #components/schemas/Ping: the part after # must be a JSON pointer, starting with / (#/components/schemas/Ping)'],
    ['a malformed percent-escape', './%E0.yaml#/X', '$ref ./%E0.yaml#/X: not a valid reference (URI malformed)'],
  ])('%s: one problem at the $ref', async (_, ref, message) => {
    const text = `${await readFile(MINIMAL, 'utf8')}    Other: { $ref: '${ref}' }\n`;
    const file = await write('bad-ref.yaml', text);
    const spec = await loadSpec(file);
    expect(spec.problems).toEqual([expect.objectContaining({ severity: 'error', code: 'invalid-ref', file, line: lineOf(text, 'Other:'), pointer: '/components/schemas/Other/$ref', message })]);
  });
});

describe("keys the parser cannot take, in a $ref'd file", () => {
  it.each(['hasOwnProperty', '__proto__'])('%s: refused in that file, at the key', async (key) => {
    const external = await write(`keys-${key}.yaml`, `X:\n  type: object\n  properties:\n    ${key}: { type: string }\n`);
    const text = `${await readFile(MINIMAL, 'utf8')}    Other: { $ref: './keys-${key}.yaml#/X' }\n`;
    const spec = await loadSpec(await write(`refs-keys-${key}.yaml`, text));
    expect(spec.problems).toEqual([expect.objectContaining({ code: 'unsupported-key', file: external, line: 4, column: 5, pointer: `/X/properties/${key}` })]);
  });
});

describe('numbers JSON cannot hold', () => {
  // The parser turns them into null while merging traits, and the generator then blamed payloads elsewhere.
  it.each([
    ['1e400', '1e400'],
    ['.inf', '.inf'],
    ['-.Inf', '-.Inf'],
    ['.nan', '.nan'],
  ])('%s: one problem at the value, before the parser', async (_, value) => {
    const text = (await readFile(MINIMAL, 'utf8')).replace('type: integer\n', `type: integer\n          maximum: ${value}\n`);
    const file = await write('non-finite.yaml', text);
    const spec = await loadSpec(file);
    expect(spec.document).toBeUndefined();
    expect(spec.problems).toEqual([
      expect.objectContaining({ severity: 'error', code: 'non-finite-number', file, line: lineOf(text, 'maximum:'), column: 20, pointer: '/components/schemas/Ping/properties/at/maximum' }),
    ]);
    expect(spec.problems[0]!.message).toMatch(new RegExp(`^${value.replace('.', '\\.')} is not a finite number: JSON has no Infinity or NaN`));
  });

  it("in a $ref'd file: in that file, at the value", async () => {
    const external = await write('non-finite-part.yaml', 'X:\n  type: string\n  maxLength: .inf\n');
    const text = `${await readFile(MINIMAL, 'utf8')}    Other: { $ref: './non-finite-part.yaml#/X' }\n`;
    const spec = await loadSpec(await write('refs-non-finite.yaml', text));
    expect(spec.problems).toEqual([expect.objectContaining({ code: 'non-finite-number', file: external, line: 3, column: 14, pointer: '/X/maxLength' })]);
  });
});

describe('a byte order mark', () => {
  it("changes no line or column of the parser's problems", async () => {
    const text = (await readFile(MINIMAL, 'utf8')).replace('type: integer', 'type: integr');
    const plain = await loadSpec(await write('typo.yaml', text));
    const marked = await loadSpec(await write('typo-bom.yaml', `\uFEFF${text}`));
    const at = (problems: typeof plain.problems) => problems.map(({ line, column, pointer }) => ({ line, column, pointer }));
    expect(plain.problems.length).toBeGreaterThan(0);
    expect(at(marked.problems)).toEqual(at(plain.problems));
    const typo = plain.problems.find((p) => p.pointer.endsWith('/at/type'));
    expect(typo).toMatchObject({ line: lineOf(text, 'integr'), column: 17 });
  });
});
