// $refs the parser cannot take (cycles of plain refs, remote refs) are refused at the $ref before it
// runs, and problems in a $ref'd file are reported in that file.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, formatProblem, loadSpec } from '../src/index.js';

const MINIMAL = fileURLToPath(new URL('./fixtures/minimal.yaml', import.meta.url));
const REAL_SPEC = join(findWorkspaceRoot()!, 'spec/asyncapi.yaml');
const CHAT_ID = "    ChatId:\n      type: string\n      minLength: 1\n      description: A chat's id.\n      examples: [PJ0MRSHTDG]\n";

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'spec-loader-refs-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Writes files into the scratch folder; returns the path of the first. */
async function write(files: Record<string, string>): Promise<string> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(scratch, name), text);
  return join(scratch, Object.keys(files)[0]!);
}
/** minimal.yaml with more schemas after Ping (`schemas` is indented as under components.schemas). */
async function minimalWith(schemas: string): Promise<string> {
  return `${await readFile(MINIMAL, 'utf8')}${schemas}`;
}
/** The real spec with its ChatId schema replaced. */
async function realWith(chatId: string): Promise<string> {
  const source = await readFile(REAL_SPEC, 'utf8');
  expect(source).toContain(CHAT_ID);
  return source.replace(CHAT_ID, chatId);
}
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

describe('$ref cycles', () => {
  it('refuses A -> B -> A at the $ref that closes it, naming the chain, without running the parser', async () => {
    const text = await minimalWith("    A: { $ref: '#/components/schemas/B' }\n    B: { $ref: '#/components/schemas/A' }\n");
    const file = await write({ 'two.yaml': text });
    const spec = await loadSpec(file);
    expect(spec.document).toBeUndefined();
    expect(spec.problems).toEqual([
      { severity: 'error', code: 'ref-cycle', message: '$ref cycle: #/components/schemas/A -> B -> A', file, line: lineOf(text, '    B:'), column: 10, pointer: '/components/schemas/B/$ref' },
    ]);
  });

  it('refuses a schema that refers to itself', async () => {
    const text = await minimalWith("    A:\n      $ref: '#/components/schemas/A'\n");
    const spec = await loadSpec(await write({ 'self.yaml': text }));
    expect(spec.problems.map((p) => [p.code, p.line, p.message])).toEqual([['ref-cycle', lineOf(text, "$ref: '#/components/schemas/A'"), '$ref cycle: #/components/schemas/A -> A']]);
  });

  it('refuses a ref into its own inside (the pointer runs through the ref)', async () => {
    const text = await minimalWith("    A: { $ref: '#/components/schemas/A/properties/x' }\n");
    const spec = await loadSpec(await write({ 'inside.yaml': text }));
    expect(spec.problems.map((p) => [p.code, p.pointer])).toEqual([['ref-cycle', '/components/schemas/A/$ref']]);
  });

  it('refuses ChatId -> ChatId2 -> ChatId in the real spec (the generator used to hang on it)', async () => {
    const text = await realWith("    ChatId: {$ref: '#/components/schemas/ChatId2'}\n    ChatId2: {$ref: '#/components/schemas/ChatId'}\n");
    const file = await write({ 'asyncapi.yaml': text });
    const spec = await loadSpec(file);
    expect(spec.problems.map((p) => formatProblem(p, scratch))).toEqual([
      `asyncapi.yaml:${lineOf(text, 'ChatId2:')}:15 error ref-cycle at /components/schemas/ChatId2/$ref: $ref cycle: #/components/schemas/ChatId -> ChatId2 -> ChatId`,
    ]);
  });

  it('refuses a cycle through another file, in the file whose $ref closes it', async () => {
    const text = await realWith("    ChatId: {$ref: './cycle-ext.yaml#/ChatId'}\n");
    const file = await write({ 'cycle-main.yaml': text, 'cycle-ext.yaml': "ChatId: {$ref: './cycle-main.yaml#/components/schemas/ChatId'}\n" });
    const spec = await loadSpec(file);
    expect(spec.problems).toEqual([
      expect.objectContaining({ code: 'ref-cycle', file: join(scratch, 'cycle-ext.yaml'), line: 1, pointer: '/ChatId/$ref', message: '$ref cycle: #/components/schemas/ChatId -> ./cycle-ext.yaml#/ChatId -> ChatId' }),
    ]);
  });

  it('accepts recursion through a real schema: a Tree whose children are Trees', async () => {
    const text = (await minimalWith(
      "    Tree:\n      type: object\n      description: A tree.\n      properties:\n        children:\n          type: array\n          description: Its subtrees.\n          items: { $ref: '#/components/schemas/Tree' }\n",
    )).replace("        at:\n          type: integer\n          description: When.\n", "        at:\n          type: integer\n          description: When.\n        tree: { $ref: '#/components/schemas/Tree' }\n");
    const spec = await loadSpec(await write({ 'tree.yaml': text }));
    expect(spec.problems).toEqual([]);
    expect(spec.document).toBeDefined();
  });
});

describe("problems in a $ref'd file", () => {
  it('are reported in that file, at its line and pointer', async () => {
    const text = await realWith("    ChatId: { $ref: './ext.yaml#/ChatId' }\n");
    const ext = "ChatId:\n  type: string\n  minLength: \"x\"\n  description: A chat's id.\n";
    const file = await write({ 'with-ext.yaml': text, 'ext.yaml': ext });
    const spec = await loadSpec(file);
    const problem = spec.problems.find((p) => p.pointer === '/ChatId/minLength');
    expect(problem, spec.problems.map((p) => formatProblem(p, scratch)).join('\n')).toMatchObject({ file: join(scratch, 'ext.yaml'), line: 3, column: 14 });
    expect(formatProblem(problem!, scratch)).toBe('ext.yaml:3:14 error asyncapi-document-resolved at /ChatId/minLength: "minLength" property type must be integer');
    // Nothing of the other file is put under the main file's name.
    expect(spec.problems.filter((p) => p.file === file && p.pointer.startsWith('/ChatId'))).toEqual([]);
  });

  it('a pointer missing in an existing file is reported at the $ref that names it', async () => {
    const text = await realWith("    ChatId: { $ref: './ext2.yaml#/Nope' }\n");
    const file = await write({ 'missing-pointer.yaml': text, 'ext2.yaml': "ChatId: { type: string, description: An id. }\n" });
    const spec = await loadSpec(file);
    expect(spec.problems).toEqual([
      { severity: 'error', code: 'invalid-ref', message: '$ref ./ext2.yaml#/Nope: ./ext2.yaml has no /Nope', file, line: lineOf(text, 'ext2.yaml'), column: 15, pointer: '/components/schemas/ChatId/$ref' },
    ]);
  });
});

describe('a misspelt key whose value is a $ref', () => {
  it.each([
    ['paylod', "      payload: { $ref: '#/components/schemas/GetChatsSummaryArguments' }", '/components/messages/getChatsSummaryRequest/paylod'],
    ['chanel', "    tags: [{ name: requests }]\n    channel: { $ref: '#/channels/customer' }\n    messages: [{ $ref: '#/channels/customer/messages/getChatsSummaryRequest' }]", '/operations/getChatsSummary/chanel'],
  ])('%s is reported at the key that is wrong, not at the target of its $ref', async (typo, written, pointer) => {
    const source = await readFile(REAL_SPEC, 'utf8');
    expect(source.split(written)).toHaveLength(2);
    const text = source.replace(written, written.replace(/\b(payload|channel):/, `${typo}:`));
    const file = await write({ [`${typo}.yaml`]: text });
    const spec = await loadSpec(file);
    const problem = spec.problems.find((p) => p.message === `Property "${typo}" is not expected to be here`);
    expect(problem, spec.problems.map((p) => formatProblem(p, scratch)).join('\n')).toMatchObject({ file, pointer, line: lineOf(text, `${typo}:`) });
    expect(problem!.column).toBe(text.split('\n')[problem!.line - 1]!.indexOf(typo) + 1);
  });
});

describe('remote $refs', () => {
  it.each(['http://127.0.0.1:9/chat-id.yaml#/ChatId', 'https://127.0.0.1:9/chat-id.yaml'])('%s is refused at the $ref, never fetched', async (ref) => {
    const text = await realWith(`    ChatId: { $ref: '${ref}' }\n`);
    const file = await write({ 'remote.yaml': text });
    const spec = await loadSpec(file);
    expect(spec.problems).toEqual([expect.objectContaining({ severity: 'error', code: 'unsupported-ref', file, line: lineOf(text, ref), pointer: '/components/schemas/ChatId/$ref' })]);
    expect(spec.problems[0]!.message).toContain(`$ref ${ref}: only local`);
  });
});

describe('one wrong keyword', () => {
  it('is said once, where it is, not again at every schema that refers to its schema', async () => {
    const text = await realWith(CHAT_ID.replace('minLength: 1', 'minLength: "x"'));
    const file = await write({ 'wrong-keyword.yaml': text });
    const spec = await loadSpec(file);
    expect(spec.problems.map((p) => formatProblem(p, scratch))).toEqual([
      `wrong-keyword.yaml:${lineOf(text, 'minLength: "x"')}:18 error asyncapi-document-resolved at /components/schemas/ChatId/minLength: "minLength" property type must be integer`,
    ]);
  });

  it('two of them in two schemas are both said', async () => {
    const text = (await realWith(CHAT_ID.replace('minLength: 1', 'minLength: "x"'))).replace(/( {4}RatingComment:\n(?: {6}.*\n)*? {6})maxLength: 1024/, '$1maxLength: "5"');
    expect(text).toContain('maxLength: "5"');
    const file = await write({ 'two-wrong-keywords.yaml': text });
    const spec = await loadSpec(file);
    expect(spec.problems.map((p) => p.pointer).sort()).toEqual(['/components/schemas/ChatId/minLength', '/components/schemas/RatingComment/maxLength']);
  });
});
