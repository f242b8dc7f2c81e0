// The code examples of the pages, written from the spec (event names, payload fields, request
// arguments from the messages' examples, error codes from the catalogue). The build writes each
// one to dist/examples/<id>.ts, and a test compiles them against @customer-chat/sdk.
import { definitionRef } from '@customer-chat/spec-model';
import { GENERATED_NOTICE } from './doc.js';
import { resolve, type Shape } from './fields.js';
import { jsLiteral, jsString } from './js-literal.js';
import { schemaByName, type MessageModel, type ProtocolModel, type RequestModel } from './spec-model.js';

export interface Example {
  /** The file name in dist/examples, without `.ts`: `event-new_event`, `method-sendEvent`. */
  id: string;
  /** The code shown on the page. */
  code: string;
  /** The page and anchor that shows it (named in the file's header). */
  shownAt: string;
  /** True when the example creates its own `api` instead of using the declared one. */
  ownsApi?: boolean;
}

/** The module written to dist/examples: the shown code, with the `api` it talks to declared. */
export function exampleModule(example: Example): string {
  const header = [`// ${GENERATED_NOTICE}.`, `// The example shown at ${example.shownAt}, type-checked against @customer-chat/sdk.`];
  const declaration = example.ownsApi ? [] : ["import type { CustomerSDK } from '@customer-chat/sdk';", '', 'declare const api: CustomerSDK;', ''];
  return [...header, ...declaration, example.code.replace(/\n$/, ''), '', 'export {};', ''].join('\n');
}

const properties = (schema: Record<string, unknown>): Record<string, Record<string, unknown>> => (schema['properties'] as Record<string, Record<string, unknown>> | undefined) ?? {};
const requiredOf = (schema: Record<string, unknown>): string[] => (schema['required'] as string[] | undefined) ?? [];

/** `switch (payload.type)` over a union's branches, logging a field that tells each apart. */
function unionSwitch(model: ProtocolModel, schemaName: string, discriminator: string): string[] {
  const union = model.discriminators.find((d) => d.union === schemaName);
  if (!union) throw new Error(`${model.source}: ${schemaName} has no discriminator`);
  const branches = union.branches.map((b) => ({ value: b.value, schema: schemaByName(model, b.schema).schema }));
  const all = [...branches.map((b) => b.schema), ...(union.fallback ? [schemaByName(model, union.fallback).schema] : [])];
  const common = new Set(requiredOf(all[0]!).filter((name) => all.every((s) => requiredOf(s).includes(name))));
  const out = [`  switch (payload.${discriminator}) {`];
  for (const branch of branches) {
    const field = requiredOf(branch.schema).find((name) => name !== discriminator && !common.has(name)) ?? [...common].find((n) => n !== discriminator);
    out.push(`    case ${jsString(branch.value)}:`);
    out.push(field === undefined ? `      console.log(${jsString(`new ${branch.value.replace(/_/g, ' ')}`)});` : `      console.log(${jsString(`new ${branch.value.replace(/_/g, ' ')} -`)}, payload.${field});`);
    out.push('      break;');
  }
  if (union.fallback) {
    out.push('    default:');
    out.push(`      console.log('a kind this version does not know -', payload.${discriminator});`);
    out.push('      break;');
  }
  out.push('  }');
  return out;
}

/** `api.on('<event>', payload => …)` using the payload's fields, in the seed's style. */
export function eventExample(model: ProtocolModel, event: MessageModel, shape: Shape): Example {
  const name = jsString(event.name);
  let lines: string[];
  switch (shape.kind) {
    case 'none':
      lines = [`api.on(${name}, () => {`, `  console.log(${name});`, '});'];
      break;
    case 'value':
      lines = [`api.on(${name}, (${shape.argument}) => {`, `  console.log(${name}, ${shape.argument});`, '});'];
      break;
    case 'object': {
      const body =
        shape.discriminator !== undefined && event.payload !== undefined
          ? unionSwitch(model, resolveName(model, event.payload.ref), shape.discriminator)
          : shape.rows.filter((row) => row.path.length === 1).map((row) => `  console.log(payload.${row.path[0]});`);
      lines = [`api.on(${name}, (payload) => {`, ...body, '});'];
      break;
    }
  }
  return { id: `event-${event.name}`, code: `${lines.join('\n')}\n`, shownAt: `events.html#${event.name}` };
}

/** The name of the schema a named schema finally is (a payload can be an alias of another). */
function resolveName(model: ProtocolModel, name: string): string {
  return resolve(model, { $ref: definitionRef(name) }).name ?? name;
}

/** The example payload with the most fields: the most telling one. */
function richestExample(message: MessageModel): unknown {
  let best: unknown = undefined;
  let size = -1;
  for (const example of message.examples) {
    const fields = example.payload !== null && typeof example.payload === 'object' ? Object.keys(example.payload).length : 0;
    if (fields > size) {
      best = example.payload;
      size = fields;
    }
  }
  return best;
}

/** The error type of a request that the fewest requests share: the one most telling for it. */
function telltaleError(model: ProtocolModel, request: RequestModel): string | undefined {
  const count = (type: string) => model.requests.filter((r) => r.errors.includes(type)).length;
  return [...request.errors].sort((a, b) => count(a) - count(b) || request.errors.indexOf(a) - request.errors.indexOf(b))[0];
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').trim();
  return /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat;
}

/** A call of the request's SDK method with arguments from its example, handling its telltale error. */
export function methodExample(model: ProtocolModel, request: RequestModel): Example {
  const args = richestExample(request.request);
  const resultRef = request.response.payload?.ref;
  const resultFields = resultRef === undefined ? [] : Object.keys(properties(resolve(model, schemaByName(model, resultRef).schema).schema));
  const argsText = args === undefined || (typeof args === 'object' && args !== null && Object.keys(args).length === 0) ? '' : jsLiteral(args, 2, 100, `  const x = await api.${request.id}(`.length);
  const call = `await api.${request.id}(${argsText})`;
  const body = resultFields.length === 0 ? [`  ${call};`] : [`  const { ${resultFields.join(', ')} } = ${call};`, `  console.log(${resultFields.join(', ')});`];
  const error = telltaleError(model, request);
  const entry = model.errorTypes.find((e) => e.value === error);
  const lines = entry
    ? [
        "import { SDKError } from '@customer-chat/sdk';",
        '',
        'try {',
        ...body,
        '} catch (error) {',
        `  if (error instanceof SDKError && error.code === ${jsString(entry.clientCode)}) {`,
        `    console.warn(${jsString(firstSentence(entry.description))});`,
        '  } else {',
        '    throw error;',
        '  }',
        '}',
      ]
    : body.map((line) => line.slice(2));
  return { id: `method-${request.id}`, code: `${lines.join('\n')}\n`, shownAt: `methods.html#${request.id}` };
}

/** The request the SDK sends by itself (`login`): how its arguments reach it, through the options. */
export function loginExample(model: ProtocolModel, request: RequestModel, tokenArgument: string): Example {
  const args = richestExample(request.request) as Record<string, unknown> | undefined;
  const token = typeof args?.[tokenArgument] === 'string' ? (args[tokenArgument] as string) : 'token';
  const query = model.channel.query.map((q) => `  ${q.name}: ${jsString(`demo-${q.name.replace(/Id$/, '').toLowerCase()}`)},`);
  const lines = [
    "import { createCustomerSDK } from '@customer-chat/sdk';",
    '',
    `// The SDK sends ${jsString(request.action)} itself on every connection, with a token from getToken.`,
    'const client = createCustomerSDK({',
    ...query,
    `  getToken: async () => ${jsString(token)},`,
    '});',
    "client.on('customer_id', (id) => console.log('logged in as', id));",
  ];
  return { id: `method-${request.id}`, code: `${lines.join('\n')}\n`, shownAt: `methods.html#${request.id}` };
}

/** The overview's quick start: create the SDK, listen, start a chat, send a message. */
export function quickStartExample(model: ProtocolModel): Example {
  const local = model.servers[0];
  const query = model.channel.query.map((q) => `  ${q.name}: ${jsString(`demo-${q.name.replace(/Id$/, '').toLowerCase()}`)},`);
  const lines = [
    "import { createCustomerSDK } from '@customer-chat/sdk';",
    '',
    'const api = createCustomerSDK({',
    ...query,
    ...(local ? [`  url: ${jsString(local.url)}, // ${local.title ?? local.name}`] : []),
    '  getToken: async () => {',
    "    const response = await fetch('/chat-token'); // your backend issues the customer's token",
    '    return response.text();',
    '  },',
    '});',
    '',
    "api.on('connected', (payload) => {",
    "  console.log('connected, chats:', payload.totalChats);",
    '});',
    '',
    "api.on('new_event', (payload) => {",
    "  if (payload.type === 'message') console.log('new message -', payload.text);",
    '});',
    '',
    "const { chat } = await api.startChat({ events: [{ type: 'message', text: 'I need help with my order' }] });",
    "await api.sendEvent({ chat: chat.id, event: { type: 'message', text: 'It has not arrived yet' } });",
  ];
  return { id: 'quick-start', code: `${lines.join('\n')}\n`, shownAt: 'index.html#quick-start', ownsApi: true };
}

/** Handling failures: SDKError codes on rejections, and the `error` event for the rest. */
export function errorHandlingExample(model: ProtocolModel): Example {
  // The codes this example branches on must be in the spec's catalogues (a code is a string to
  // the compiler, so the type check alone would not notice one that went away).
  const known = new Set(model.clientErrorCodes.map((c) => c.value));
  const codes = ['CONNECTION_LOST', 'REQUEST_TIMEOUT', 'CHAT_INACTIVE'];
  const missing = codes.filter((code) => !known.has(code));
  if (missing.length > 0) throw new Error(`${model.source}: the error handling example uses codes the spec no longer has: ${missing.join(', ')}`);
  const chat = schemaByName(model, 'ChatId').schema['examples'];
  const chatId = Array.isArray(chat) && typeof chat[0] === 'string' ? chat[0] : 'chat-id';
  const lines = [
    "import { SDKError } from '@customer-chat/sdk';",
    '',
    'try {',
    `  await api.closeThread({ chat: ${jsString(chatId)} });`,
    '} catch (error) {',
    '  if (!(error instanceof SDKError)) throw error;',
    '  switch (error.code) {',
    "    case 'CONNECTION_LOST':",
    "    case 'REQUEST_TIMEOUT':",
    "      console.warn('no answer: retry once the SDK is connected again');",
    '      break;',
    "    case 'CHAT_INACTIVE':",
    "      console.warn('the thread is already closed');",
    '      break;',
    '    default:',
    '      console.error(error.code, error.type, error.message);',
    '  }',
    '}',
    '',
    "// Problems that are nobody's rejection: frames that failed their schema, listeners that threw.",
    "api.on('error', (problem) => {",
    '  console.error(problem.code, problem.message);',
    '});',
  ];
  return { id: 'error-handling', code: `${lines.join('\n')}\n`, shownAt: 'protocol.html#handling-errors' };
}
