// The methods page: one section per request operation, anchored by the operation id (the SDK
// method) and by the wire action, with an example call, arguments, result and errors.
import type { Block, Inline, Page, TableRow } from '../doc.js';
import { loginExample, methodExample } from '../examples.js';
import { shapeBlocks } from '../field-table.js';
import { payloadShape } from '../fields.js';
import { isLoginOperation, schemaByName, type RequestModel } from '../spec-model.js';
import { methodWireBlocks } from '../wire-examples.js';
import { describeBlocks, describeInline, exampleBlock, label, shapeContext, type PageContext } from './context.js';
import { httpOperationsBlocks } from './http-operations.js';

/** The client error codes a request can reject with besides the server's (not those reported as `error` events). */
export function clientSideCodes(context: PageContext): string[] {
  const serverCodes = new Set(context.model.errorTypes.map((e) => e.clientCode));
  // Codes an HTTP operation claims as its own (a cancelled upload) are not a socket request's.
  const httpOnly = new Set(context.model.http.flatMap((operation) => operation.clientCodes));
  return context.model.clientErrorCodes.filter((c) => !serverCodes.has(c.value) && !httpOnly.has(c.value) && !/`error` event/.test(c.description)).map((c) => c.value);
}

function errorsTable(context: PageContext, request: RequestModel): Block[] {
  const rows = request.errors.map((type): TableRow => {
    const entry = context.model.errorTypes.find((e) => e.value === type);
    if (!entry) throw new Error(`${context.model.source}: ${request.id} names the unknown error type ${type}`);
    return {
      cells: [
        { content: [{ link: [{ code: type }], to: { page: 'protocol', id: `error-${type}` } }] },
        { content: [entry.clientCode], code: true },
        { content: describeInline(context, entry.description) },
      ],
    };
  });
  const codes = clientSideCodes(context);
  const clientSide: Inline[] = ['Like every request, it can also fail on the client side with '];
  codes.forEach((code, index) => {
    if (index > 0) clientSide.push(index === codes.length - 1 ? ' or ' : ', ');
    clientSide.push({ link: [{ code }], to: { page: 'protocol', id: `code-${code}` } });
  });
  clientSide.push('.');
  return [
    label('Errors:'),
    rows.length === 0
      ? { kind: 'paragraph', content: ['The server answers this request with no error of its own.'] }
      : { kind: 'table', className: 'errors', label: `Errors of ${request.id}`, head: ['error type', 'SDK code', 'meaning'], rows },
    ...(codes.length === 0 ? [] : [{ kind: 'paragraph', content: clientSide } satisfies Block]),
  ];
}

const PUSH_TARGETS = { requester: 'the connection that sent it, before the response', others: "the customer's other connections and the chat's other users", all: 'every connection of the chat, the requester before the response' };

/** The pushes a request causes (`x-pushes`), and who gets them. */
function pushesTable(request: RequestModel): Block[] {
  if (request.pushes.length === 0) return [];
  const rows = request.pushes.map((push): TableRow => ({
    cells: [
      { content: [{ link: [{ code: push.push }], to: { page: 'events', id: push.push } }] },
      { content: [PUSH_TARGETS[push.requester && push.others ? 'all' : push.requester ? 'requester' : 'others']] },
      { content: [push.when ?? 'always'] },
    ],
  }));
  return [label('Pushes it causes:'), { kind: 'table', className: 'pushes', label: `Pushes caused by ${request.id}`, head: ['push', 'sent to', 'when'], rows }];
}

function methodSection(context: PageContext, request: RequestModel): Block {
  const { model } = context;
  const login = isLoginOperation(model, request);
  const requestMessage = request.request;
  const responseMessage = request.response;
  const args = payloadShape(shapeContext(context, true), requestMessage.payload?.ref);
  const result = payloadShape(shapeContext(context, true), responseMessage.payload?.ref);
  const argsSchema = requestMessage.payload === undefined ? undefined : schemaByName(model, requestMessage.payload.ref).schema;
  const minFields = typeof argsSchema?.['minProperties'] === 'number' ? argsSchema['minProperties'] : 0;
  // Omittable only when no argument is required and none has to be given (`minProperties`).
  const allOptional = argsSchema !== undefined && ((argsSchema['required'] as string[] | undefined) ?? []).length === 0 && minFields === 0;
  const meta: Inline[] = [
    login ? { tag: 'sent by the SDK', tone: 'client' } : { tag: 'request', tone: 'request' },
    ' Action ',
    { code: request.action },
    request.title === undefined ? '' : ` · ${request.title}`,
  ];
  const example = login && model.lifecycle ? loginExample(model, request, model.lifecycle.login.tokenArgument) : methodExample(model, request);
  const blocks: Block[] = [
    { kind: 'heading', level: 2, id: request.id, content: [request.id] },
    { kind: 'paragraph', content: meta, className: 'meta' },
    { kind: 'paragraph', content: describeInline(context, request.summary), className: 'summary' },
    ...describeBlocks(context, request.description),
    ...(login
      ? [
          {
            kind: 'paragraph',
            content: [
              'The SDK sends this request by itself whenever the socket opens, so it is not a method: the token comes from the ',
              { code: 'getToken' },
              ' option.',
            ],
          } satisfies Block,
        ]
      : []),
    exampleBlock(context, example),
    ...methodWireBlocks(model, request),
    label('Arguments:'),
    ...shapeBlocks(args, { label: `Arguments of ${request.id}`, none: 'No arguments.', empty: 'No arguments.', rowIdPrefix: request.id }),
    ...(allOptional && !login
      ? [{ kind: 'paragraph', content: ['Every argument is optional: ', { code: `api.${request.id}()` }, ' works.'] } satisfies Block]
      : []),
    ...(minFields > 0
      ? [{ kind: 'paragraph', content: [`At least ${minFields} argument${minFields === 1 ? '' : 's'} must be given: an empty payload is answered `, { code: 'validation' }, '.'] } satisfies Block]
      : []),
    label('Result:'),
    ...shapeBlocks(result, { label: `Result of ${request.id}`, none: 'Nothing.', empty: 'An empty object: the request succeeded.', rowIdPrefix: `${request.id}.result` }),
    ...pushesTable(request),
    ...errorsTable(context, request),
  ];
  return { kind: 'section', className: 'method', blocks, ...(request.action === request.id ? {} : { id: request.action }) };
}

export function methodsPage(context: PageContext): Page {
  const { model } = context;
  return {
    name: 'methods',
    title: 'Methods',
    summary: `The ${model.requests.length} requests of the protocol and the SDK methods that send them.`,
    blocks: [
      { kind: 'heading', level: 1, id: 'top', content: ['Methods'] },
      {
        kind: 'paragraph',
        content: [
          'Every request of the protocol is a method of the SDK named by its operation id, returning a promise of the result: ',
          { code: 'await api.sendEvent(args)' },
          '. The arguments are the request\u2019s payload and the result is the response\u2019s; both are checked against the spec. ',
          'A failed request rejects with an ',
          { code: 'SDKError' },
          ' whose ',
          { code: 'code' },
          ' names the failure (see ',
          { link: ['the error catalogue'], to: { page: 'protocol', id: 'error-catalogue' } },
          ').',
        ],
      },
      ...model.requests.map((request) => methodSection(context, request)),
      ...httpOperationsBlocks(context),
    ],
  };
}
