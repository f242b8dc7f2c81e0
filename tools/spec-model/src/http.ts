// Reads `x-http`: the operations a client makes over plain HTTP beside the socket (uploading the
// file a `file` event points at). Each names its response and error bodies by named schema, so the
// types, the validators and the docs come from the same components as the wire messages.
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import type { ProblemCollector } from './problems.js';
import type { HttpOperationModel, NamedSchema } from './types.js';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const OPERATION_KEYS = new Set(['method', 'path', 'title', 'summary', 'description', 'auth', 'query', 'body', 'response', 'clientCodes', 'errors']);
/** `type/subtype`, no parameters: what a `Content-Type` header is compared with. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

type Raw = Record<string, unknown>;
const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The operations of `x-http`, in document order; problems at their pointers. */
export function readHttpOperations(document: AsyncAPIDocumentInterface, schemas: readonly NamedSchema[], clientCodes: ReadonlySet<string>, problems: ProblemCollector): HttpOperationModel[] {
  const raw: unknown = document.extensions().get('x-http')?.value();
  if (raw === undefined) return [];
  if (!isObject(raw)) {
    problems.add('/x-http', 'x-http must map operation ids to HTTP operations');
    return [];
  }
  const names = new Set(schemas.map((s) => s.name));
  return Object.entries(raw).flatMap(([id, operation]) => {
    const pointer = appendPointer('/x-http', id);
    if (!/^[a-z][A-Za-z0-9]*$/.test(id)) problems.add(pointer, `operation id "${id}" must be camelCase: it names an SDK member`);
    if (!isObject(operation)) {
      problems.add(pointer, 'an HTTP operation must be an object');
      return [];
    }
    return [readOperation(id, operation, pointer, names, clientCodes, problems)];
  });
}

function readOperation(id: string, raw: Raw, pointer: string, schemaNames: ReadonlySet<string>, knownCodes: ReadonlySet<string>, problems: ProblemCollector): HttpOperationModel {
  for (const key of Object.keys(raw)) if (!OPERATION_KEYS.has(key)) problems.add(appendPointer(pointer, key), `unknown key "${key}" (known: ${[...OPERATION_KEYS].join(', ')})`);
  const method = text(raw.method) ?? '';
  if (!METHODS.has(method)) problems.add(appendPointer(pointer, 'method'), `method must be one of ${[...METHODS].join(', ')}, not ${JSON.stringify(raw.method)}`);
  const path = text(raw.path) ?? '';
  if (!/^\/[A-Za-z0-9/_.-]*$/.test(path)) problems.add(appendPointer(pointer, 'path'), `path must be an absolute path without parameters, not ${JSON.stringify(raw.path)}`);
  if (raw.auth !== undefined && raw.auth !== 'bearer') problems.add(appendPointer(pointer, 'auth'), 'auth must be "bearer" (the access token in `Authorization: Bearer <token>`) or left out');
  const schemaName = (value: unknown, at: string): string => {
    const name = text(value) ?? '';
    if (!schemaNames.has(name)) problems.add(at, `${JSON.stringify(value)} must name a schema of components.schemas`);
    return name;
  };

  const query = Object.entries(isObject(raw.query) ? raw.query : {}).map(([name, parameter]) => {
    const at = appendPointer(pointer, 'query', name);
    const p = isObject(parameter) ? parameter : {};
    if (!isObject(parameter)) problems.add(at, 'a query parameter must be an object');
    const maxLength = p.maxLength;
    if (maxLength !== undefined && !(Number.isInteger(maxLength) && (maxLength as number) > 0)) problems.add(appendPointer(at, 'maxLength'), 'maxLength must be a whole number above 0');
    return { name, required: p.required === true, maxLength: maxLength as number | undefined, description: text(p.description) };
  });
  if (raw.query !== undefined && !isObject(raw.query)) problems.add(appendPointer(pointer, 'query'), 'query must map parameter names to parameters');

  let body: HttpOperationModel['body'];
  if (raw.body !== undefined) {
    const at = appendPointer(pointer, 'body');
    const b = isObject(raw.body) ? raw.body : {};
    const contentTypes = Array.isArray(b.contentTypes) ? b.contentTypes : [];
    if (contentTypes.length === 0) problems.add(appendPointer(at, 'contentTypes'), 'contentTypes must list the media types the body may have');
    contentTypes.forEach((type, i) => {
      if (typeof type !== 'string' || !MEDIA_TYPE.test(type)) problems.add(appendPointer(at, 'contentTypes', i), `${JSON.stringify(type)} is not a lowercase media type (type/subtype)`);
    });
    const maxBytes = b.maxBytes;
    if (!(Number.isInteger(maxBytes) && (maxBytes as number) > 0)) problems.add(appendPointer(at, 'maxBytes'), `maxBytes must be a whole number of bytes above 0, not ${JSON.stringify(maxBytes)}`);
    body = { contentTypes: contentTypes.filter((t): t is string => typeof t === 'string'), maxBytes: maxBytes as number };
  }

  const response = isObject(raw.response) ? raw.response : {};
  const status = response.status;
  if (!(Number.isInteger(status) && (status as number) >= 200 && (status as number) <= 299)) problems.add(appendPointer(pointer, 'response', 'status'), `response.status must be a 2xx status, not ${JSON.stringify(status)}`);
  const responseSchema = schemaName(response.schema, appendPointer(pointer, 'response', 'schema'));

  const clientCodes = Array.isArray(raw.clientCodes) ? raw.clientCodes : [];
  if (raw.clientCodes !== undefined && !Array.isArray(raw.clientCodes)) problems.add(appendPointer(pointer, 'clientCodes'), 'clientCodes must list client error codes');
  clientCodes.forEach((code, i) => {
    if (typeof code !== 'string' || !knownCodes.has(code)) problems.add(appendPointer(pointer, 'clientCodes', i), `${JSON.stringify(code)} is not a client error code (ClientErrorCode)`);
  });

  const errors = isObject(raw.errors) ? raw.errors : {};
  const errorSchema = schemaName(errors.schema, appendPointer(pointer, 'errors', 'schema'));
  const statuses = Object.entries(isObject(errors.statuses) ? errors.statuses : {}).map(([code, description]) => {
    const at = appendPointer(pointer, 'errors', 'statuses', code);
    const value = Number(code);
    if (!(Number.isInteger(value) && value >= 400 && value <= 599)) problems.add(at, `"${code}" is not a 4xx or 5xx status`);
    if (typeof description !== 'string' || description === '') problems.add(at, 'each error status needs a description');
    return { status: value, description: text(description) ?? '' };
  });

  return {
    id,
    pointer,
    method: method as HttpOperationModel['method'],
    path,
    title: text(raw.title),
    summary: text(raw.summary),
    description: text(raw.description),
    auth: raw.auth === 'bearer' ? 'bearer' : undefined,
    query,
    body,
    response: { status: status as number, schema: responseSchema },
    clientCodes: clientCodes.filter((code): code is string => typeof code === 'string'),
    errors: { schema: errorSchema, statuses },
  };
}
