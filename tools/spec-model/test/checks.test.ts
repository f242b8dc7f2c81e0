// The model's own checks on mistakes the parser and the loader let through: identifiers that would
// not compile, misspelt or mistyped project extensions, contradictory schemas, invalid examples.
// Each is one edit of the real spec, reported at its pointer and line, and nothing else reported.
import { SpecError, type SpecProblem } from '@customer-chat/spec-loader';
import { describe, expect, it } from 'vitest';
import { position, replaceOnce } from '../src/testing/broken-copies.js';
import { loadModel } from '../src/index.js';
import { SPEC, useSpecEdits } from './spec-edits.js';

const copies = useSpecEdits('spec-model-checks-');

/** Every problem the model reports with `source`. */
async function problemsOf(source: string): Promise<SpecProblem[]> {
  const error = await loadModel(await copies.write(source)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the model accepted the broken document').toBeInstanceOf(SpecError);
  return (error as SpecError).problems;
}

/** The edit gives exactly one problem: at `pointer`, on the line of `at`, matching `message`. */
async function expectOnly(source: string, pointer: string, at: string, message: RegExp): Promise<void> {
  const problems = await problemsOf(source);
  expect(problems.map((p) => `${p.pointer}: ${p.message}`)).toEqual([expect.stringMatching(/./)]);
  expect(problems[0]).toMatchObject({ pointer, line: position(source, at).line });
  expect(problems[0]!.message).toMatch(message);
}

/** `source` without the lines from `from` (included) to `to` (excluded), each found once. */
function cut(source: string, from: string, to: string): string {
  const start = source.indexOf(from);
  const end = source.indexOf(to, start);
  expect(start >= 0 && end > start && source.indexOf(from, start + 1) < 0).toBe(true);
  return source.slice(0, start) + source.slice(end);
}

describe('operation ids', () => {
  it.each([['send-sneak-peek'], ['2send']])('%s is refused, as an x-http id would be, at the operation', (id) => {
    const source = replaceOnce(SPEC, '  sendSneakPeek:\n    action: send\n', `  ${id}:\n    action: send\n`);
    return expectOnly(source, `/operations/${id}`, '    action: send\n    title: Send a sneak peek', new RegExp(`operation id "${id}" must be camelCase: it names an SDK member`));
  });
});

describe('project extensions', () => {
  it.each([
    ['a misspelt operation extension', '    x-pushes:\n      - { push: customer_id, to: requester }\n', '    x-pushs:\n      - { push: customer_id, to: requester }\n', '/operations/login/x-pushs', '- { push: customer_id, to: requester }', /unknown extension "x-pushs" on an operation \(did you mean x-pushes\?/],
    ['a misspelt message extension', '      x-introduction: true\n', '      x-introductoin: true\n', '/components/messages/userData/x-introductoin', 'x-introductoin:', /unknown extension "x-introductoin" on a message \(did you mean x-introduction\?/],
    ['an unknown schema extension', '          maxProperties: 100\n', '          maxProperties: 100\n          x-nullable: true\n', '/components/schemas/CustomerUpdate/properties/fields/x-nullable', 'x-nullable:', /unknown extension "x-nullable" on a schema/],
    ['a misspelt x-http query key', '        required: true\n        description: The license', '        requird: true\n        description: The license', '/x-http/uploadFile/query/licenseId/requird', 'requird:', /unknown key "requird" \(did you mean required\?/],
    ['a mistyped x-http query flag', '        required: true\n        description: The license', "        required: 'yes'\n        description: The license", '/x-http/uploadFile/query/licenseId/required', "required: 'yes'", /required must be true or false/],
    ['an unknown x-http body key', '      maxBytes: 10485760\n', '      maxBytes: 10485760\n      minBytes: 1\n', '/x-http/uploadFile/body/minBytes', 'minBytes: 1', /unknown key "minBytes" \(did you mean maxBytes\?/],
    ['an unknown x-http response key', '      status: 201\n', '      status: 201\n      headers: {}\n', '/x-http/uploadFile/response/headers', 'headers: {}', /unknown key "headers"/],
    ['an unknown x-http errors key', '      schema: ErrorResult\n      statuses:\n', '      schema: ErrorResult\n      status:\n        \'409\': Taken.\n      statuses:\n', '/x-http/uploadFile/errors/status', "'409': Taken.", /unknown key "status" \(did you mean statuses\?/],
  ])('%s is reported alone, at its line', async (_, from, to, pointer, at, message) => expectOnly(replaceOnce(SPEC, from, to), pointer, at, message));

  it('x-http error statuses that are not a mapping are reported', async () => {
    const source = cut(SPEC, "        '400': The query or the body", '\nservers:').replace('      statuses:\n\nservers:', "      statuses: 'see docs'\n\nservers:");
    await expectOnly(source, '/x-http/uploadFile/errors/statuses', "statuses: 'see docs'", /statuses must map error statuses \(4xx, 5xx\) to their descriptions/);
  });
});

describe('one mistake, one problem', () => {
  const reply = "    reply:\n      channel: { $ref: '#/channels/customer' }\n      messages:\n        - $ref: '#/channels/customer/messages/sendSneakPeekResponse'\n        - $ref: '#/channels/customer/messages/errorResponse'\n";

  it('a request without reply', async () => {
    const source = replaceOnce(SPEC, reply, '');
    const problems = await problemsOf(source);
    expect(problems.map((p) => p.pointer)).toEqual(['/operations/sendSneakPeek/reply']);
  });

  it('a reply with one message', async () => {
    const source = replaceOnce(SPEC, reply, reply.replace("        - $ref: '#/channels/customer/messages/errorResponse'\n", ''));
    const problems = await problemsOf(source);
    expect(problems.map((p) => p.pointer)).toEqual(['/operations/sendSneakPeek/reply']);
  });

  it('a message used by two operations (a push as a response): no push is blamed', async () => {
    const source = replaceOnce(SPEC, reply, reply.replace('sendSneakPeekResponse', 'userData'));
    const problems = await problemsOf(source);
    expect(problems.map((p) => p.message).filter((m) => /header constants/.test(m))).toEqual([]);
    expect(problems.map((p) => `${p.pointer}: ${p.message}`)).toEqual([
      expect.stringMatching(/ message userData is used by more than one operation$/),
      '/components/messages/sendSneakPeekResponse: message is not used by any operation',
    ]);
  });

  it('x-emitted-by with another value is reported at its line, and only there', async () => {
    const source = replaceOnce(SPEC, '    x-emitted-by: client\n    messages:\n', '    x-emitted-by: Client\n    messages:\n');
    await expectOnly(source, '/channels/client/x-emitted-by', 'x-emitted-by: Client', /x-emitted-by is "client" \(the SDK emits these itself\) or left out, not "Client"/);
  });
});

describe('catalogue extensions', () => {
  it.each([
    ['x-enum-descriptions', '      x-enum-descriptions:\n        authentication:', '      x-client-codes:\n', '      x-enum-descriptions: nope\n', '/components/schemas/ErrorType/x-enum-descriptions', /x-enum-descriptions must be a mapping of enum value to its description/],
    ['x-client-codes', '      x-client-codes:\n        authentication:', '    ClientErrorCode:\n', '      x-client-codes: [AUTHENTICATION]\n', '/components/schemas/ErrorType/x-client-codes', /x-client-codes must be a mapping of enum value to its client error code/],
    ['x-reactions', '      x-reactions:\n        access_token_expired:', '', '      x-reactions: reconnect\n', '/components/schemas/DisconnectionReason/x-reactions', /x-reactions must be a mapping of enum value to its reaction/],
  ])('%s that is no mapping is one problem', async (_, from, to, replacement, pointer, message) => {
    const start = SPEC.indexOf(from);
    // To `to`, or to the end of the file (x-reactions is last).
    const end = to === '' ? SPEC.length : SPEC.indexOf(to, start + from.length);
    const source = SPEC.slice(0, start) + replacement + SPEC.slice(end);
    await expectOnly(source, pointer, replacement.trim(), message);
  });
});

describe('contradictory schemas', () => {
  it.each([
    ['minLength above maxLength', '          minLength: 1\n          maxLength: 64\n        action:', '          minLength: 65\n          maxLength: 64\n        action:', '/components/schemas/ErrorResponseHeaders/properties/requestId/minLength', 'minLength: 65', /minLength \(65\) is above maxLength \(64\): no value fits/],
    ['minimum above maximum', '          minimum: 0\n          description: How many chats the customer has in all.', '          minimum: 10\n          maximum: 5\n          description: How many chats the customer has in all.', '/components/schemas/ChatsSummaryPage/properties/totalChats/minimum', 'minimum: 10', /minimum \(10\) is above maximum \(5\)/],
    ['minItems above maxItems', "          description: The chats of this page.\n          maxItems: 25\n", "          description: The chats of this page.\n          maxItems: 25\n          minItems: 26\n", '/components/schemas/ChatsSummaryPage/properties/chatsSummary/minItems', 'minItems: 26', /minItems \(26\) is above maxItems \(25\)/],
    ['minProperties above maxProperties', '          maxProperties: 100\n', '          maxProperties: 100\n          minProperties: 101\n', '/components/schemas/CustomerUpdate/properties/fields/minProperties', 'minProperties: 101', /minProperties \(101\) is above maxProperties \(100\)/],
    ['a const not of the type', '          const: response\n          description: Always `response`.\n        success:\n          type: boolean\n          const: true', '          const: 5\n          description: Always `response`.\n        success:\n          type: boolean\n          const: true', '/components/schemas/ResponseHeaders/properties/type/const', 'const: 5', /const 5 is not of type string/],
    ['an enum value not of the type', '          maxLength: 256\n          description: The customer\'s name.', "          maxLength: 256\n          enum: [Jane, 7]\n          description: The customer's name.", '/components/schemas/CustomerUpdate/properties/name/enum/1', '[Jane, 7]', /enum value 7 is not of type string/],
  ])('%s is reported at its keyword', async (_, from, to, pointer, at, message) => expectOnly(replaceOnce(SPEC, from, to), pointer, at, message));
});

describe('requests', () => {
  it('carry a payload, as the spec says', async () => {
    const source = replaceOnce(SPEC, "      summary: Ask for one page of chat summaries.\n      traits: [{ $ref: '#/components/messageTraits/requestFrame' }]\n      payload: { $ref: '#/components/schemas/GetChatsSummaryArguments' }\n", "      summary: Ask for one page of chat summaries.\n      traits: [{ $ref: '#/components/messageTraits/requestFrame' }]\n");
    const problems = await problemsOf(source);
    expect(problems.map((p) => `${p.pointer}: ${p.message}`)).toEqual([expect.stringMatching(/^\/components\/messages\/getChatsSummaryRequest: a request carries a payload \(`\{\}` when it takes no arguments/)]);
  });
});

describe('examples', () => {
  it('must be valid against their payload schema', () =>
    expectOnly(
      replaceOnce(SPEC, '          payload: { offset: 0, limit: 10 }\n', '          payload: { offset: 0, limit: 100, bogus: true }\n'),
      '/components/messages/getChatsSummaryRequest/examples/0/payload',
      '{ offset: 0, limit: 100, bogus: true }',
      /example "firstPage" does not fit GetChatsSummaryArguments: .*bogus/,
    ));

  // The reference server answers with the defaults of optional arguments: one its own check refuses would ship.
  it.each([
    ['above its maximum', '          maximum: 25\n          default: 10\n', '          maximum: 25\n          default: 50\n', '/components/schemas/GetChatsSummaryArguments/properties/limit/default', 'default: 50', /^default 50 does not fit its schema: the value must be <= 25$/],
    ['of another type', '          minimum: 0\n          default: 0\n          description: How many chats to skip.', "          minimum: 0\n          default: '0'\n          description: How many chats to skip.", '/components/schemas/GetChatsSummaryArguments/properties/offset/default', "default: '0'", /^default "0" does not fit its schema: the value must be integer$/],
  ])('a default %s is reported at it', (_, from, to, pointer, at, message) => expectOnly(replaceOnce(SPEC, from, to), pointer, at, message));

  it("a schema's own example must fit it", () =>
    expectOnly(
      replaceOnce(SPEC, '      description: What the customer adds in words.\n      examples: [Great help]\n', '      description: What the customer adds in words.\n      examples: [5]\n'),
      '/components/schemas/RatingComment/examples/0',
      'examples: [5]\n    ChatUser:',
      /^example 5 does not fit its schema: the value must be string$/,
    ));

  it('a message without a payload has examples without one', () =>
    expectOnly(
      replaceOnce(SPEC, "      traits: [{ $ref: '#/components/messageTraits/pushFrame' }]\n      payload: { $ref: '#/components/schemas/UserId' }\n", "      traits: [{ $ref: '#/components/messageTraits/pushFrame' }]\n"),
      '/components/messages/customerId/examples/0/payload',
      'payload: b7eff798-f8df-4364-8059-649c35c9ed0c',
      /^example "id" has a payload, but the message has none/,
    ));
});
