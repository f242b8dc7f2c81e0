// A broken spec fails with problems naming the file, the JSON pointer and the line (and column) of
// the offending node. Each case is a small broken copy of test/fixtures/chat.yaml (the generator's
// golden fixture) in a temporary directory, which the loader accepts and the model builder rejects.
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem, loadSpec, SpecError, type SpecProblem } from '@customer-chat/spec-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenCopies, position, replaceOnce, type BrokenCopies } from '../src/testing/broken-copies.js';
import { buildModel, loadModel, MODEL_PROBLEM_CODE, REPOSITORY_ROOT, type ParsedSpec } from '../src/index.js';

const CHAT = await readFile(fileURLToPath(new URL('fixtures/chat.yaml', import.meta.url)), 'utf8');

let copies: BrokenCopies;
let directory: string;
beforeAll(async () => {
  copies = await brokenCopies('spec-model-errors-');
  directory = copies.directory;
});
afterAll(() => copies.dispose());

const writeBroken = (source: string): Promise<string> => copies.write(source);

/** Loads a document the loader must find clean, as the model builder takes it. */
async function parsed(file: string): Promise<ParsedSpec> {
  const spec = await loadSpec(file);
  // The loader and its lint rules accept the document: the model's own checks catch it.
  expect(spec.problems.filter((p) => p.severity === 'error' || p.severity === 'warning')).toEqual([]);
  expect(spec.document).toBeDefined();
  return spec as ParsedSpec;
}

/** The model builder's problems with a document. */
async function modelProblems(file: string): Promise<SpecProblem[]> {
  const spec = await parsed(file);
  try {
    buildModel(spec, REPOSITORY_ROOT);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as SpecError).problems;
  }
  throw new Error('buildModel accepted the broken document');
}

interface BrokenCase {
  name: string;
  edits: Array<[from: string, to: string]>;
  pointer: string;
  /** A snippet of the broken document, unique in it, where the problem must be reported. */
  at: string;
  message: RegExp;
}

const CASES: BrokenCase[] = [
  {
    name: 'x-introduction that is not true',
    edits: [["      summary: Someone posted a note; tell notes apart by `kind`.\n", "      summary: Someone posted a note; tell notes apart by `kind`.\n      x-introduction: 'yes'\n"]],
    pointer: '/components/messages/notePosted/x-introduction',
    at: "'yes'",
    message: /x-introduction is true \(or left out\)/,
  },
  {
    name: 'x-introduction on a request',
    edits: [['      summary: Post a note.\n', '      summary: Post a note.\n      x-introduction: true # a request\n']],
    pointer: '/components/messages/postNoteRequest/x-introduction',
    at: 'true # a request',
    message: /only a push can introduce a user/,
  },
  {
    name: 'two pushes marked x-introduction',
    edits: [
      ["      summary: Someone posted a note; tell notes apart by `kind`.\n", "      summary: Someone posted a note; tell notes apart by `kind`.\n      x-introduction: true\n"],
      ['      summary: The server ends the session */ with a reason.\n', '      summary: The server ends the session */ with a reason.\n      x-introduction: true # second\n'],
    ],
    pointer: '/components/messages/kicked/x-introduction',
    at: 'true # second',
    message: /one push introduces users, and note_posted does already/,
  },
  {
    name: 'an unsupported keyword (allOf)',
    edits: [['      description: Free-form tags, name to value.\n', '      description: Free-form tags, name to value.\n      allOf: [{ type: object }]\n']],
    pointer: '/components/schemas/Tags/allOf',
    at: '[{ type: object }]',
    message: /schema keyword "allOf" is not supported by the generator/,
  },
  {
    name: 'an unsupported keyword (patternProperties)',
    edits: [
      [
        '      description: Free-form tags, name to value.\n',
        "      description: Free-form tags, name to value.\n      patternProperties: { '^x-': { type: string, description: An extension. } }\n",
      ],
    ],
    pointer: '/components/schemas/Tags/patternProperties',
    at: "{ '^x-'",
    message: /schema keyword "patternProperties" is not supported/,
  },
  {
    // ajv-formats checks date-time with a function: the generated guards, which inline each
    // format's regular expression, could not check it (the model stops it before any plugin runs).
    name: 'a format without a regular expression (date-time)',
    edits: [['          format: uri\n          description: Where the link goes.\n', '          format: date-time\n          description: Where the link goes.\n']],
    pointer: '/components/schemas/LinkNote/properties/url/format',
    at: 'date-time',
    message: /format "date-time" has no regular expression the precompiled validators can inline/,
  },
  {
    name: 'an unknown format',
    edits: [['          format: uri\n          description: Where the link goes.\n', '          format: no-such-format\n          description: Where the link goes.\n']],
    pointer: '/components/schemas/LinkNote/properties/url/format',
    at: 'no-such-format',
    message: /format "no-such-format" has no regular expression/,
  },
  {
    name: 'an unsupported keyword deep in a property',
    edits: [['          minLength: 1\n          description: The note\'s text.\n', "          minLength: 1\n          contentEncoding: base64\n          description: The note's text.\n"]],
    pointer: '/components/schemas/TextNote/properties/text/contentEncoding',
    at: 'base64',
    message: /schema keyword "contentEncoding" is not supported/,
  },
  {
    name: 'a oneOf without discriminator',
    edits: [['      discriminator: kind\n', '']],
    pointer: '/components/schemas/Note',
    at: '      description: A note on the board, told apart by `kind`.',
    message: /a oneOf needs a `discriminator`/,
  },
  {
    name: 'a union branch without const',
    edits: [['          const: link\n', '']],
    pointer: '/components/schemas/LinkNote/properties/kind',
    at: '          type: string\n          description: Always `link`.',
    message: /branch LinkNote of Note needs "const"/,
  },
  {
    name: 'a fallback that leaves out a value of another branch',
    edits: [['not: { enum: [text, link] }', 'not: { enum: [text] }']],
    pointer: '/components/schemas/UnknownNote',
    at: '      type: object\n      description: A note of a kind this version does not know.',
    message: /fallback UnknownNote must exclude exactly link, text/,
  },
  {
    name: 'a fallback that excludes a value no branch has',
    edits: [['not: { enum: [text, link] }', 'not: { enum: [text, link, video] }']],
    pointer: '/components/schemas/UnknownNote',
    at: '      type: object\n      description: A note of a kind this version does not know.',
    message: /fallback UnknownNote must exclude exactly link, text/,
  },
  {
    name: 'an inline payload',
    edits: [["      payload: { $ref: '#/components/schemas/PostNoteArguments' }", '      payload: { type: object, description: Inline. }']],
    pointer: '/components/messages/postNoteRequest/payload',
    at: '{ type: object, description: Inline. }',
    message: /a payload must be a \$ref to a named schema/,
  },
  {
    name: 'a payload that two identical named schemas could be',
    // The parser copies the payload of a message with traits, without its schema id: the model
    // tells which named schema it is by content, and two identical ones leave the name open.
    edits: [['    ErrorResult:\n', '    SameNote:\n      description: A note on the board, told apart by `kind`.\n      discriminator: kind\n      oneOf:\n        - $ref: \'#/components/schemas/TextNote\'\n        - $ref: \'#/components/schemas/LinkNote\'\n        - $ref: \'#/components/schemas/UnknownNote\'\n    ErrorResult:\n']],
    pointer: '/components/messages/notePosted/payload',
    at: "{ $ref: '#/components/schemas/Note' }\n      examples:\n        - name: link",
    message: /the schema is each of Note, SameNote: named schemas must differ/,
  },
  {
    name: 'a message no operation uses',
    edits: [
      [
        '\n  schemas:\n',
        "\n    orphan:\n      name: orphan\n      summary: Nobody sends it.\n      headers: { $ref: '#/components/schemas/PushHeaders' }\n      examples: [{ name: none, summary: None, payload: null }]\n\n  schemas:\n",
      ],
    ],
    pointer: '/components/messages/orphan',
    at: '      name: orphan',
    message: /message is not used by any operation/,
  },
  {
    name: 'a duplicate message name',
    edits: [['      name: kicked\n', '      name: note_posted\n']],
    pointer: '/components/messages/kicked',
    at: '      name: note_posted\n      summary: The server ends',
    message: /message name "note_posted" is used twice/,
  },
  {
    name: 'two message names that give the same generated names',
    edits: [['      name: kicked\n', '      name: note_posted_\n']],
    pointer: '/components/messages/kicked',
    at: '      name: note_posted_',
    message: /message name "note_posted_" gives the same generated names \(NotePosted\) as "note_posted"/,
  },
  {
    name: 'a request without error reply',
    edits: [
      [
        "        - $ref: '#/channels/socket/messages/postNoteResponse'\n        - $ref: '#/channels/socket/messages/errorResponse'\n",
        "        - $ref: '#/channels/socket/messages/postNoteResponse'\n",
      ],
    ],
    pointer: '/operations/postNote/reply',
    at: "      channel: { $ref: '#/channels/socket' }\n      messages:\n        - $ref: '#/channels/socket/messages/postNoteResponse'",
    message: /a request needs a reply with two messages/,
  },
  {
    name: 'a request without x-errors',
    edits: [['    x-errors: [validation, internal]\n', '']],
    pointer: '/operations/postNote',
    at: '    action: send',
    message: /must list the error types it can fail with in x-errors/,
  },
  {
    name: 'x-errors naming an unknown error type',
    edits: [['x-errors: [validation, internal]', 'x-errors: [validation, timeout]']],
    pointer: '/operations/postNote/x-errors/1',
    at: 'timeout]',
    message: /"timeout" is not an error type of the catalogue/,
  },
  {
    name: 'x-errors listing an error every request inherits',
    edits: [["      payload: { $ref: '#/components/schemas/ErrorResult' }\n      examples:\n        - name: validation", "      x-errors: [internal]\n      payload: { $ref: '#/components/schemas/ErrorResult' }\n      examples:\n        - name: validation"]],
    pointer: '/operations/postNote/x-errors/1',
    at: 'internal]\n  receiveNotePosted',
    message: /"internal" is one of the errors every request may get \(the error response's x-errors\): list it there only/,
  },
  {
    name: 'an x-pushes entry that is not { push, to }',
    edits: [['    x-errors: [validation, internal]\n', '    x-errors: [validation, internal]\n    x-pushes: [{ push: note_posted, to: everyone }]\n']],
    pointer: '/operations/postNote/x-pushes/0',
    at: '{ push: note_posted, to: everyone }',
    message: /an x-pushes entry is \{ push: <push message name>, to: requester \| others \| all, when\?: <condition>, example\?: <name of a request example that causes it> \}/,
  },
  {
    name: 'x-pushes naming a message that is not a push',
    edits: [['    x-errors: [validation, internal]\n', '    x-errors: [validation, internal]\n    x-pushes: [{ push: post_note, to: others }]\n']],
    pointer: '/operations/postNote/x-pushes/0/push',
    at: 'post_note, to: others',
    message: /"post_note" is not a push message \(one of note_posted, kicked\)/,
  },
  {
    name: 'x-pushes naming an example the request does not have',
    edits: [['    x-errors: [validation, internal]\n', "    x-errors: [validation, internal]\n    x-pushes: [{ push: note_posted, to: others, when: 'with text', example: withPicture }]\n"]],
    pointer: '/operations/postNote/x-pushes/0/example',
    at: 'withPicture',
    message: /"withPicture" is not an example of post_note \(/,
  },
  {
    name: 'an x-close-code that is not an application close code',
    edits: [['x-close-code: 4000', 'x-close-code: 1000']],
    pointer: '/components/schemas/DisconnectionReason/x-close-code',
    at: '1000',
    message: /x-close-code must be the WebSocket close code \(4000 to 4999\)/,
  },
  {
    name: 'x-answers naming an error type the catalogue does not have',
    edits: [['      x-client-codes:\n        validation: VALIDATION\n', '      x-answers: { invalid_frame: validation, unknown_id: not_found }\n      x-client-codes:\n        validation: VALIDATION\n']],
    pointer: '/components/schemas/ErrorType/x-answers/unknown_id',
    at: 'not_found }',
    message: /"not_found" is not an error type of the catalogue/,
  },
  {
    name: 'a disconnection reason without reaction',
    edits: [['        kicked_out: stay_disconnected\n', '']],
    pointer: '/components/schemas/DisconnectionReason/x-reactions',
    at: '        server_restart: reconnect',
    message: /reason "kicked_out" needs a reaction: reconnect, stay_disconnected, destroy/,
  },
  {
    name: 'a disconnection reason with an unknown reaction',
    edits: [['        kicked_out: stay_disconnected\n', '        kicked_out: explode\n']],
    pointer: '/components/schemas/DisconnectionReason/x-reactions',
    at: '        server_restart: reconnect',
    message: /reason "kicked_out" needs a reaction/,
  },
  {
    name: 'an error type without client code',
    edits: [['        internal: INTERNAL\n    ClientErrorCode:', '    ClientErrorCode:']],
    pointer: '/components/schemas/ErrorType/x-client-codes',
    at: '        validation: VALIDATION',
    message: /error type "internal" has no client code/,
  },
  // What the generated types cannot say (checked once, here, rather than in an emitter).
  {
    name: 'a required property that is not declared',
    edits: [['      required: [note]\n      additionalProperties: false\n', '      required: [note, notes]\n      additionalProperties: false\n']],
    pointer: '/components/schemas/PostNoteArguments/required',
    at: '[note, notes]',
    message: /required names properties that are not declared: notes/,
  },
  {
    name: 'an inline additionalProperties schema next to properties',
    edits: [['      required: [note]\n      additionalProperties: false\n', '      required: [note]\n      additionalProperties: { type: string }\n']],
    pointer: '/components/schemas/PostNoteArguments/additionalProperties',
    at: '{ type: string }',
    message: /next to properties, additionalProperties must be false, true or a reference to a named schema/,
  },
  {
    name: 'an object const',
    edits: [['          const: text\n', '          const: { text: 1 }\n']],
    pointer: '/components/schemas/TextNote/properties/kind/const',
    at: '{ text: 1 }',
    message: /const must be a string, number, boolean or null/,
  },
  {
    name: 'a "not" that is not a fallback discriminant',
    edits: [['          minLength: 1\n          description: The note\'s text.\n', "          minLength: 1\n          not: { enum: [x] }\n          description: The note's text.\n"]],
    pointer: '/components/schemas/TextNote/properties/text/not',
    at: '{ enum: [x] }',
    message: /"not" is only supported as a union fallback's discriminant/,
  },
  {
    name: 'a schema named like a built-in type',
    edits: [
      ['    Tags:\n      type: object\n', '    Record:\n      type: object\n'],
      ["        tags: { $ref: '#/components/schemas/Tags' }\n", "        tags: { $ref: '#/components/schemas/Record' }\n"],
    ],
    pointer: '/components/schemas/Record',
    at: '      type: object\n      description: Free-form tags',
    message: /schema name "Record" is a built-in TypeScript type/,
  },
];

describe('the model builder on broken copies of test/fixtures/chat.yaml', () => {
  it('accepts the fixture itself (so each case fails for its own edit only)', async () => {
    const spec = await parsed(await writeBroken(CHAT));
    expect(() => buildModel(spec, REPOSITORY_ROOT)).not.toThrow();
  });

  it.each(CASES)('reports $name at its pointer, file, line and column', async ({ edits, pointer, at, message }) => {
    const source = edits.reduce((text, [from, to]) => replaceOnce(text, from, to), CHAT);
    const file = await writeBroken(source);
    const problems = await modelProblems(file);
    const where = position(source, at);
    // A map is reported where its first key starts: after the snippet's indentation.
    const indent = at.length - at.trimStart().length;
    const problem = problems.find((p) => p.pointer === pointer && message.test(p.message));
    expect(problem, JSON.stringify(problems, null, 2)).toBeDefined();
    expect(problem).toMatchObject({ severity: 'error', code: MODEL_PROBLEM_CODE, file, line: where.line, column: where.column + indent });
    // Printed as editors and terminals link it.
    expect(formatProblem(problem!, directory)).toBe(
      `${relative(directory, file)}:${where.line}:${problem!.column} error codegen-unsupported at ${pointer}: ${problem!.message}`,
    );
  });

  it('reports an optional extension a reader requires at the pointer where it belongs, once', async () => {
    const source = replaceOnce(CHAT, '      x-close-code: 4000\n', '');
    const spec = await parsed(await writeBroken(source));
    // Optional by default: the fixture has neither x-close-code (now) nor x-client-lifecycle.
    expect(() => buildModel(spec, REPOSITORY_ROOT)).not.toThrow();
    const require = { lifecycle: ['the sdk plugin', 'the conformance plugin'], disconnectCloseCode: ['the server plugin'] };
    const thrown = (from: ParsedSpec): unknown => {
      try {
        buildModel(from, REPOSITORY_ROOT, { require });
        return undefined;
      } catch (e) {
        return e;
      }
    };
    const error = thrown(spec);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).problems).toEqual([
      expect.objectContaining({ pointer: '/x-client-lifecycle', line: 1, column: 1, message: expect.stringMatching(/^x-client-lifecycle is missing .*: the sdk plugin and the conformance plugin need it$/) }),
      expect.objectContaining({
        pointer: '/components/schemas/DisconnectionReason/x-close-code',
        ...position(source, 'type: string\n      description: Why the server ends a session.'),
        message: expect.stringMatching(/^x-close-code is missing on the disconnection reasons .*: the server plugin needs it$/),
      }),
    ]);
    // A wrong x-close-code is reported as wrong, not also as missing.
    const wrong = thrown(await parsed(await writeBroken(replaceOnce(CHAT, '      x-close-code: 4000\n', '      x-close-code: 1000\n'))));
    expect(wrong).toBeInstanceOf(SpecError);
    expect((wrong as SpecError).problems.filter((p) => p.pointer === '/components/schemas/DisconnectionReason/x-close-code')).toHaveLength(1);
  });

  it('reports every problem of a document at once', async () => {
    const named = (prefix: string) => CASES.find((c) => c.name.startsWith(prefix))!;
    const source = [named('an unsupported keyword (allOf)'), named('a oneOf'), named('x-errors')].reduce((text, c) => c.edits.reduce((t, [from, to]) => replaceOnce(t, from, to), text), CHAT);
    const problems = await modelProblems(await writeBroken(source));
    expect(problems.map((p) => p.pointer)).toEqual(
      expect.arrayContaining(['/components/schemas/Tags/allOf', '/components/schemas/Note', '/operations/postNote/x-errors/1']),
    );
  });

  it('reports a YAML syntax error with the file and line, through loadModel()', async () => {
    const source = replaceOnce(CHAT, '  title: Golden chat\n', '  title: Golden chat\n  title: Again\n');
    const file = await writeBroken(source);
    const error = await loadModel(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SpecError);
    const problems = (error as SpecError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'yaml-syntax', file, pointer: '', ...position(source, 'title: Again') });
    expect(problems[0]!.message).toMatch(/Map keys must be unique/);
  });

  it('does not invent problems when a mutation is undone (the cases are not vacuous)', async () => {
    // The broken copy fails; the same copy with the edit reverted passes.
    const [from, to] = CASES[0]!.edits[0]!;
    const broken = replaceOnce(CHAT, from, to);
    await expect(modelProblems(await writeBroken(broken))).resolves.toHaveLength(1);
    const spec = await parsed(await writeBroken(replaceOnce(broken, to, from)));
    expect(() => buildModel(spec, REPOSITORY_ROOT)).not.toThrow();
  });
});
