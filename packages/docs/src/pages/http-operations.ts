// The HTTP operations beside the socket (`x-http`), on the methods page: for each, the request a
// client makes (method, path, token, query, body with its content types and size limit), a wire
// example, the answer's shape and every error status, so a client author needs nothing else.
import type { Block, Inline, TableRow } from '../doc.js';
import { shapeBlocks } from '../field-table.js';
import { payloadShape } from '../fields.js';
import { schemaByName, type ProtocolModel } from '../spec-model.js';
import { describeBlocks, describeInline, label, shapeContext, type PageContext } from './context.js';

type HttpOperation = ProtocolModel['http'][number];

function bytes(count: number): string {
  return count % (1024 * 1024) === 0 ? `${count.toLocaleString('en-US')} bytes (${count / (1024 * 1024)} MiB)` : `${count.toLocaleString('en-US')} bytes`;
}

/** A `curl` line for the operation against the first server (HTTP for its WebSocket scheme). */
function curlExample(model: ProtocolModel, operation: HttpOperation): string {
  const origin = (model.servers[0]?.url ?? 'ws://localhost').replace(/^ws/, 'http');
  const query = operation.query.map((q) => `${q.name}=<${q.name}>`).join('&');
  const lines = [`curl -X ${operation.method} '${origin}${operation.path}${query === '' ? '' : `?${query}`}'`];
  if (operation.auth === 'bearer') lines.push(`  -H 'Authorization: Bearer <token>'`);
  if (operation.body !== undefined) lines.push(`  -H 'Content-Type: ${operation.body.contentTypes[0] ?? 'application/octet-stream'}'`, `  --data-binary @file`);
  return `${lines.join(' \\\n')}\n`;
}

function requestTable(context: PageContext, operation: HttpOperation): Block {
  const rows: TableRow[] = [{ cells: [{ content: ['method and path'] }, { content: [`${operation.method} ${operation.path}`], code: true }] }];
  if (operation.auth === 'bearer') {
    rows.push({ cells: [{ content: ['token'] }, { content: [{ code: 'Authorization: Bearer <token>' }, ', the customer\u2019s access token (the one login takes)'] }] });
  }
  for (const q of operation.query) {
    const rules: Inline[] = [q.required ? 'required' : 'optional', ...(q.maxLength === undefined ? [] : [`, at most ${q.maxLength} characters`]), ...(q.description === undefined ? [] : [': ', ...describeInline(context, q.description)])];
    rows.push({ id: `${operation.id}.${q.name}`, cells: [{ content: ['query ', { code: q.name }] }, { content: rules }] });
  }
  if (operation.body !== undefined) {
    const types: Inline[] = [];
    operation.body.contentTypes.forEach((type, i) => types.push(...(i > 0 ? [', '] : []), { code: type }));
    rows.push({ id: `${operation.id}.body`, cells: [{ content: ['body'] }, { content: ['the raw file, at most ', bytes(operation.body.maxBytes), '; ', { code: 'Content-Type' }, ' one of ', ...types] }] });
  }
  return { kind: 'table', className: 'http-request', label: `Request of ${operation.id}`, head: ['part', 'what it is'], rows };
}

function operationSection(context: PageContext, operation: HttpOperation): Block {
  const { model } = context;
  const answer = schemaByName(model, operation.response.schema);
  const answerExample = (answer.schema['examples'] as unknown[] | undefined)?.[0];
  const errorRows = operation.errors.statuses.map((s): TableRow => ({ id: `${operation.id}.${s.status}`, cells: [{ content: [String(s.status)], code: true }, { content: describeInline(context, s.description) }] }));
  const blocks: Block[] = [
    { kind: 'heading', level: 2, id: operation.id, content: [operation.id] },
    { kind: 'paragraph', content: [{ tag: 'HTTP', tone: 'request' }, ' ', { code: `${operation.method} ${operation.path}` }, operation.title === undefined ? '' : ` · ${operation.title}`], className: 'meta' },
    { kind: 'paragraph', content: describeInline(context, operation.summary), className: 'summary' },
    ...describeBlocks(context, operation.description),
    label('Request:'),
    requestTable(context, operation),
    { kind: 'code', language: 'sh', code: curlExample(model, operation) },
    label(`Answer (${operation.response.status}):`),
    ...shapeBlocks(payloadShape(shapeContext(context, true), operation.response.schema), { label: `Answer of ${operation.id}`, rowIdPrefix: `${operation.id}.result` }),
    ...(answerExample === undefined ? [] : [{ kind: 'code', language: 'json', code: `${JSON.stringify(answerExample, null, 2)}\n` } satisfies Block]),
    label('Errors:'),
    {
      kind: 'paragraph',
      content: ['Every error answers with an ', { link: [{ code: operation.errors.schema }], to: { page: 'schemas', id: operation.errors.schema } }, ' body, with one of these statuses; a refused request changes nothing.'],
    },
    { kind: 'table', className: 'errors', label: `Errors of ${operation.id}`, head: ['status', 'when'], rows: errorRows },
    ...(operation.clientCodes.length === 0
      ? []
      : [
          {
            kind: 'paragraph',
            content: ['A client may also fail it on its own side with ', ...operation.clientCodes.flatMap((code, i): Inline[] => [...(i > 0 ? [i === operation.clientCodes.length - 1 ? ' or ' : ', '] : []), { link: [{ code }], to: { page: 'protocol', id: `code-${code}` } }]), '.'],
          } satisfies Block,
        ]),
  ];
  return { kind: 'section', className: 'method http', blocks };
}

/** The section of the methods page for the HTTP operations; nothing when the spec has none. */
export function httpOperationsBlocks(context: PageContext): Block[] {
  if (context.model.http.length === 0) return [];
  return [
    { kind: 'heading', level: 2, id: 'http', content: ['HTTP operations'] },
    {
      kind: 'paragraph',
      content: ['Made over plain HTTP on the socket\u2019s host (', { code: 'http:' }, ' for ', { code: 'ws:' }, ', ', { code: 'https:' }, ' for ', { code: 'wss:' }, '), beside the socket (', { code: 'x-http' }, ').'],
    },
    ...context.model.http.map((operation) => operationSection(context, operation)),
  ];
}
