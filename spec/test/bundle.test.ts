// The bundle step (what `pnpm generate` and the build run first): each problem one located line,
// never a stack trace, and nothing written unless the spec is clean.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleSpec } from '../scripts/bundle-spec.js';
import { SPEC_FILE } from './spec.js';

const CHAT_ID = "    ChatId:\n      type: string\n      minLength: 1\n      description: A chat's id.\n      examples: [PJ0MRSHTDG]\n";
let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'spec-bundle-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function run(specFile: string, check = false) {
  const out: string[] = [];
  const err: string[] = [];
  const bundleFile = join(scratch, `bundle-${Math.random().toString(36).slice(2)}.json`);
  const code = await bundleSpec({ specFile, bundleFile, check, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err, written: existsSync(bundleFile), bundleFile };
}
async function specWith(name: string, from: string, to: string, extra: Record<string, string> = {}): Promise<string> {
  const source = await readFile(SPEC_FILE, 'utf8');
  expect(source.split(from)).toHaveLength(2);
  for (const [file, text] of Object.entries(extra)) await writeFile(join(scratch, file), text);
  await writeFile(join(scratch, name), source.replace(from, to));
  return join(scratch, name);
}
const LOCATED = /^\S+:\d+:\d+ (error|warning) \S+ at \S+: /;

describe('bundle', () => {
  it('writes the real spec as JSON', async () => {
    const run1 = await run(SPEC_FILE);
    expect(run1.err).toEqual([]);
    expect(run1.code).toBe(0);
    expect(JSON.parse(await readFile(run1.bundleFile, 'utf8'))).toMatchObject({ asyncapi: expect.any(String) });
  });

  it('a missing spec: one line naming the file, exit 1, no stack, nothing written', async () => {
    const result = await run(join(scratch, 'missing.yaml'));
    expect(result).toMatchObject({ code: 1, written: false });
    expect(result.err).toEqual([`${join(scratch, 'missing.yaml')}: no such file`, 'spec: the spec cannot be read; nothing written.']);
  });

  it('a $ref cycle: refused at the $ref (the parser used to hang), nothing written', async () => {
    const file = await specWith('cycle.yaml', CHAT_ID, "    ChatId: {$ref: '#/components/schemas/ChatId2'}\n    ChatId2: {$ref: '#/components/schemas/ChatId'}\n");
    const result = await run(file, false);
    expect(result).toMatchObject({ code: 1, written: false });
    expect(result.err[0]).toMatch(/cycle\.yaml:\d+:15 error ref-cycle at \/components\/schemas\/ChatId2\/\$ref: \$ref cycle: #\/components\/schemas\/ChatId -> ChatId2 -> ChatId$/);
  });

  it('a spec the generator refuses (a payload not a named schema) is not written either', async () => {
    const file = await specWith('inline.yaml', "      payload: { $ref: '#/components/schemas/GetChatsSummaryArguments' }", '      payload: { type: object, description: Inline., additionalProperties: false }');
    const result = await run(file);
    expect(result.err.join('\n')).toMatch(/codegen-unsupported at \/components\/messages\/getChatsSummaryRequest/);
    expect(result.err.slice(0, -1).every((line) => LOCATED.test(line)), result.err.join('\n')).toBe(true);
    expect(result).toMatchObject({ code: 1, written: false });
  });

  it('a $ref to another file is refused at the $ref: the package ships no other file for it to name', async () => {
    const file = await specWith('ext-ref.yaml', CHAT_ID, "    ChatId: { $ref: './ext.yaml#/ChatId' }\n", { 'ext.yaml': "ChatId:\n  type: string\n  minLength: 1\n  description: A chat's id.\n  examples: [PJ0MRSHTDG]\n" });
    const result = await run(file);
    expect(result).toMatchObject({ code: 1, written: false });
    expect(result.err).toContainEqual(expect.stringMatching(/ext-ref\.yaml:\d+:\d+ error bundle-file-ref at \/components\/schemas\/ChatId\/\$ref: \$ref \.\/ext\.yaml#\/ChatId: /));
  });
});
