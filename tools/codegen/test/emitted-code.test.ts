// What the plugins emit for edited copies of the real spec (spec/asyncapi.yaml): code that is
// right for every payload and every name the document may use, or a located refusal.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SpecError } from '@customer-chat/spec-loader';
import { brokenCopies, replaceOnce, type BrokenCopies } from '@customer-chat/spec-model/testing';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, REPOSITORY_ROOT } from '../src/index.js';

const REAL = await readFile(join(REPOSITORY_ROOT, 'spec/asyncapi.yaml'), 'utf8');

let copies: BrokenCopies;
beforeAll(async () => {
  copies = await brokenCopies('codegen-emitted-');
});
afterAll(() => copies.dispose());

/** The generated files of the named plugins for an edited copy, by repository path. */
async function filesOf(source: string, targets: string[]): Promise<Map<string, string>> {
  const plan = await generate(await copies.write(source), REPOSITORY_ROOT, targets);
  return new Map(plan.files.map((f) => [f.path, f.content]));
}

const renamed = (source: string, from: string, to: string) => source.replace(new RegExp(`\\b${from}\\b`, 'g'), to);
/** Adds a schema before ChatId: a name (a string schema) or a whole `Name:` entry. */
const addSchema = (source: string, schema: string) =>
  replaceOnce(source, '    ChatId:\n      type: string\n', `    ${schema.includes('\n') ? schema : `${schema}: { type: string, description: Clashes with a generated name. }\n`}    ChatId:\n      type: string\n`);

describe('the SDK client defaults a request\'s arguments to {} only when {} is a valid payload', () => {
  it('keeps the default where every argument is optional, drops it under minProperties', async () => {
    const files = await filesOf(REAL, ['sdk', 'sdk-type-tests']);
    const client = files.get('packages/sdk/src/gen/client.ts')!;
    expect(client).toContain('getChatsSummary(args: GetChatsSummaryArguments = {}): Promise<');
    // CustomerUpdate has minProperties: 1: `{}` fails validateUpdateCustomer.
    expect(client).toContain('updateCustomer(args: CustomerUpdate): Promise<');
    const typeTests = files.get('packages/sdk/test/gen/types.test-d.ts')!;
    expect(typeTests).toContain('(api.updateCustomer).parameter(0).toEqualTypeOf<CustomerUpdate>()');
    expect(typeTests).toContain('(api.getChatsSummary).parameter(0).toEqualTypeOf<GetChatsSummaryArguments | undefined>()');
  });

  it('gives a string payload no default (`= {}` would not compile)', async () => {
    const source = replaceOnce(
      REAL,
      "      payload: { $ref: '#/components/schemas/GetChatsSummaryArguments' }\n      examples:\n        - name: firstPage\n          summary: The first ten chats\n          payload: { offset: 0, limit: 10 }\n        - name: defaults\n          summary: Server defaults (offset 0, limit 10)\n          payload: {}\n",
      "      payload: { $ref: '#/components/schemas/ChatId' }\n      examples:\n        - name: one\n          payload: PJ0MRSHTDG\n",
    );
    const files = await filesOf(source, ['sdk']);
    expect(files.get('packages/sdk/src/gen/client.ts')).toContain('getChatsSummary(args: ChatId): Promise<');
  });
});

describe('properties named after members of Object.prototype', () => {
  it('get their own type and description in the models (not the parent schema\'s)', async () => {
    // A schema of its own: no example of the document goes through it.
    const source = addSchema(
      REAL,
      [
        'Builtins:',
        '      type: object',
        '      description: Properties named like members of every object.',
        '      required: [valueOf]',
        '      properties:',
        "        valueOf: { $ref: '#/components/schemas/ChatId' }",
        '        constructor: { type: string, description: The constructor property. }',
        '        toString: { type: integer, description: The toString property. }',
        '',
      ].join('\n'),
    );
    const models = (await filesOf(source, ['models'])).get('packages/validators/src/gen/models.ts')!;
    const chat = models.slice(models.indexOf('export interface Builtins {'));
    expect(chat.slice(0, chat.indexOf('\n}\n'))).toContain(
      [
        '  /** A chat\'s id. */',
        '  valueOf: ChatId;',
        '  /** The constructor property. */',
        '  constructor?: string;',
        '  /** The toString property. */',
        '  toString?: number;',
      ].join('\n'),
    );
  });
});

/** The problems generate() fails with (failing the test when it succeeds). */
async function problemsOf(source: string, targets: string[]) {
  const file = await copies.write(source);
  const error = await generate(file, REPOSITORY_ROOT, targets).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SpecError);
  return { file, problems: (error as SpecError).problems };
}

describe('names the plugins cannot emit are refused at their pointer', () => {
  it('refuses operation ids that are members of the SDK client\'s base class', async () => {
    const source = replaceOnce(replaceOnce(REAL, '\n  updateCustomer:\n', '\n  connect:\n'), '\n  updateLastSeenTimestamp:\n', '\n  events:\n');
    const { file, problems } = await problemsOf(source, ['sdk']);
    expect(problems).toEqual([
      expect.objectContaining({ code: 'codegen-unsupported', file, pointer: '/operations/connect', message: expect.stringMatching(/^sdk: operation id connect would override ClientCore\.connect \(packages\/sdk\/src\/runtime\/client-core\.ts\)/) }),
      expect.objectContaining({ pointer: '/operations/events', message: expect.stringContaining('operation id events would override ClientCore.events') }),
    ]);
  });

  it('refuses schema names the reference server\'s module declares (an interface, a type parameter)', async () => {
    const source = renamed(renamed(REAL, 'CustomerUpdate', 'PushPayloads'), 'SendSneakPeekArguments', 'Session');
    const { problems } = await problemsOf(source, ['server']);
    expect(problems.map((p) => [p.pointer, p.message])).toEqual([
      ['/components/schemas/Session', 'server: Session is declared by the generated protocol.ts too; rename it'],
      ['/components/schemas/PushPayloads', 'server: PushPayloads is declared by the generated protocol.ts too; rename it'],
    ]);
  });

  it('refuses schema names the validators package exports otherwise (its index, its runtime)', async () => {
    const source = addSchema(addSchema(REAL, 'MessageName'), 'ValidationError');
    const { problems } = await problemsOf(source, ['validators']);
    expect(problems.map((p) => [p.pointer, p.message])).toEqual([
      ['/components/schemas/MessageName', 'validators: schema MessageName would be exported beside MessageName of the generated index; rename it'],
      ['/components/schemas/ValidationError', "validators: schema ValidationError would be exported beside ValidationError of the package's entry (packages/validators/src/index.ts); rename it"],
    ]);
  });

  it('gives WebSocket query parameters local names that are valid and distinct', async () => {
    const source = replaceOnce(
      REAL,
      '              description: The license (the chat platform account) the customer chats with.\n',
      [
        '              description: The license (the chat platform account) the customer chats with.',
        '            class: { type: string, description: A reserved word. }',
        "            '2fa': { type: string, description: Not an identifier. }",
        '            url: { type: string, description: The name of a local of socketUrl. }',
        '',
      ].join('\n'),
    );
    const protocol = (await filesOf(source, ['sdk'])).get('packages/sdk/src/gen/protocol.ts')!;
    const parsed = ts.createSourceFile('protocol.ts', protocol, ts.ScriptTarget.Latest, true) as ts.SourceFile & { parseDiagnostics: unknown[] };
    expect(parsed.parseDiagnostics).toEqual([]);
    const body = protocol.slice(protocol.indexOf('socketUrl(base, query) {'), protocol.indexOf('encodeRequest('));
    expect(body).toContain("const licenseId = query['licenseId'];");
    expect(body).toContain("const parameter1 = query['class'];");
    expect(body).toContain("const parameter2 = query['2fa'];");
    expect(body).toContain("const parameter3 = query['url'];\n    if (parameter3 !== undefined) url.searchParams.set('url', parameter3);");
  });
});

describe('what a plugin needs but does not find is a located problem, not a bare error', () => {
  it('the conformance kit: a situation missing from x-answers, at the catalogue\'s x-answers', async () => {
    const { problems } = await problemsOf(replaceOnce(REAL, '        unknown_group: group_not_found\n', ''), ['conformance']);
    expect(problems.map((p) => [p.code, p.pointer, p.message])).toEqual([
      ['codegen-unsupported', '/components/schemas/ErrorType/x-answers', 'conformance: the conformance kit needs the error of "unknown_group" in x-answers of the error catalogue (ErrorType)'],
    ]);
  });

  it('the conformance kit: no customer id in the login result, at the result\'s schema', async () => {
    const { problems } = await problemsOf(renamed(REAL, 'UserId', 'AccountId'), ['conformance']);
    expect(problems.map((p) => [p.code, p.pointer, p.message])).toEqual([
      ['codegen-unsupported', '/components/schemas/LoginResult', "conformance: the conformance kit needs the customer's id (a property typed UserId) in the result of login"],
    ]);
  });

  it('the conformance kit: an introduction push that names no user, at its payload\'s schema', async () => {
    const moved = replaceOnce(
      replaceOnce(REAL, '      x-introduction: true\n', ''),
      "      summary: Properties of a chat changed.\n",
      "      summary: Properties of a chat changed.\n      x-introduction: true\n",
    );
    const { problems } = await problemsOf(moved, ['conformance']);
    expect(problems.map((p) => [p.code, p.pointer, p.message])).toEqual([
      ['codegen-unsupported', '/components/schemas/ChatPropertiesUpdate', 'conformance: the conformance kit needs the user a push with x-introduction introduces: one property typed UserId in its payload, not in an array or a map (found none)'],
    ]);
  });

  it('the conformance kit: no request that closes a thread, at the pushes of a request that may meet one', async () => {
    const { problems } = await problemsOf(replaceOnce(REAL, "    x-errors: [authorization, not_found, chat_inactive]\n    x-pushes:\n      - { push: thread_closed, to: all }\n", '    x-errors: [authorization, not_found, chat_inactive]\n    x-pushes: []\n'), ['conformance']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'codegen-unsupported', pointer: expect.stringMatching(/^\/operations\/\w+\/x-pushes$/), line: expect.any(Number), message: 'conformance: the conformance kit needs a request that closes a thread (chat_inactive among its errors, a push to all)' });
  });
});
