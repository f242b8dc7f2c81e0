// Reads `x-http`: the operations a client makes over plain HTTP beside the socket (uploading the
// file a `file` event points at). Each names its response and error bodies by named schema, so the
// types, the validators and the docs come from the same components as the wire messages.
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import { operationIdProblem } from './naming.js';
import type { ProblemCollector } from './problems.js';
import { knownHint } from './suggest.js';
import type { HttpOperationModel, NamedSchema } from './types.js';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const OPERATION_KEYS = new Set(['method', 'path', 'title', 'summary', 'description', 'auth', 'query', 'body', 'response', 'clientCodes', 'errors']);
// The keys of the sub-objects: a misspelt one (`requird`) would silently change the operation.
const QUERY_KEYS = ['required', 'maxLength', 'description'];
const BODY_KEYS = ['contentTypes', 'maxBytes'];
const RESPONSE_KEYS = ['status', 'schema'];
const ERRORS_KEYS = ['schema', 'statuses'];
/** `type/subtype`, no parameters: what a `Content-Type` header is compared with. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

type Raw = Record<string, unknown>;
const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Reports each key of `raw` that is not one of `known`, at its pointer. */
function unknownKeys(raw: Raw, known: Iterable<string>, pointer: string, problems: ProblemCollector): void {
  const keys = new Set(known);
  for (const key of Object.keys(raw)) if (!keys.has(key)) problems.add(appendPointer(pointer, key), `unknown key "${key}"${knownHint(key, keys)}`);
}

/** Reports a value that is given but not an object (`what` says what it must be). */
function objectOrAbsent(value: unknown, pointer: string, what: string, problems: ProblemCollector): Raw {
  if (value !== undefined && !isObject(value)) problems.add(pointer, what);
  return isObject(value) ? value : {};
}

/** The operations of `x-http`, in document order; problems at their pointers. */
export function readHttpOperations(document: AsyncAPIDocumentInterface, schemas: readonly NamedSchema[], clientCodes: ReadonlySet<string> | undefined, problems: ProblemCollector): HttpOperationModel[] {
  const raw: unknown = document.extensions().get('x-http')?.value();
  if (raw === undefined) return [];
  if (!isObject(raw)) {
    problems.add('/x-http', 'x-http must map operation ids to HTTP operations');
    return [];
  }
  const names = new Set(schemas.map((s) => s.name));
  return Object.entries(raw).flatMap(([id, operation]) => {
    const pointer = appendPointer('/x-http', id);
    const idProblem = operationIdProblem(id);
    if (idProblem !== undefined) problems.add(pointer, idProblem);
    if (!isObject(operation)) {
      problems.add(pointer, 'an HTTP operation must be an object');
      return [];
    }
    return [readOperation(id, operation, pointer, names, clientCodes, problems)];
  });
}

function readOperation(id: string, raw: Raw, pointer: string, schemaNames: ReadonlySet<string>, knownCodes: ReadonlySet<string> | undefined, problems: ProblemCollector): HttpOperationModel {
  unknownKeys(raw, OPERATION_KEYS, pointer, problems);
  for (const key of ['title', 'summary', 'description']) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string') problems.add(appendPointer(pointer, key), `${key} must be text`);
  }
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
    unknownKeys(p, QUERY_KEYS, at, problems);
    if (p.required !== undefined && typeof p.required !== 'boolean') problems.add(appendPointer(at, 'required'), `required must be true or false (or left out: optional), not ${JSON.stringify(p.required)}`);
    if (p.description !== undefined && typeof p.description !== 'string') problems.add(appendPointer(at, 'description'), 'description must be text');
    const maxLength = p.maxLength;
    if (maxLength !== undefined && !(Number.isInteger(maxLength) && (maxLength as number) > 0)) problems.add(appendPointer(at, 'maxLength'), 'maxLength must be a whole number above 0');
    return { name, required: p.required === true, maxLength: maxLength as number | undefined, description: text(p.description) };
  });
  if (raw.query !== undefined && !isObject(raw.query)) problems.add(appendPointer(pointer, 'query'), 'query must map parameter names to parameters');

  let body: HttpOperationModel['body'];
  if (raw.body !== undefined) {
    const at = appendPointer(pointer, 'body');
    const b = objectOrAbsent(raw.body, at, 'body must be an object: { contentTypes, maxBytes }', problems);
    unknownKeys(b, BODY_KEYS, at, problems);
    const contentTypes = Array.isArray(b.contentTypes) ? b.contentTypes : [];
    if (contentTypes.length === 0) problems.add(appendPointer(at, 'contentTypes'), 'contentTypes must list the media types the body may have');
    contentTypes.forEach((type, i) => {
      if (typeof type !== 'string' || !MEDIA_TYPE.test(type)) problems.add(appendPointer(at, 'contentTypes', i), `${JSON.stringify(type)} is not a lowercase media type (type/subtype)`);
    });
    const maxBytes = b.maxBytes;
    if (!(Number.isInteger(maxBytes) && (maxBytes as number) > 0)) problems.add(appendPointer(at, 'maxBytes'), `maxBytes must be a whole number of bytes above 0, not ${JSON.stringify(maxBytes)}`);
    body = { contentTypes: contentTypes.filter((t): t is string => typeof t === 'string'), maxBytes: maxBytes as number };
  }

  const response = objectOrAbsent(raw.response, appendPointer(pointer, 'response'), 'response must be an object: { status, schema }', problems);
  unknownKeys(response, RESPONSE_KEYS, appendPointer(pointer, 'response'), problems);
  const status = response.status;
  if (!(Number.isInteger(status) && (status as number) >= 200 && (status as number) <= 299)) problems.add(appendPointer(pointer, 'response', 'status'), `response.status must be a 2xx status, not ${JSON.stringify(status)}`);
  const responseSchema = schemaName(response.schema, appendPointer(pointer, 'response', 'schema'));

  const clientCodes = Array.isArray(raw.clientCodes) ? raw.clientCodes : [];
  if (raw.clientCodes !== undefined && !Array.isArray(raw.clientCodes)) problems.add(appendPointer(pointer, 'clientCodes'), 'clientCodes must list client error codes');
  clientCodes.forEach((code, i) => {
    if (typeof code !== 'string' || (knownCodes !== undefined && !knownCodes.has(code))) problems.add(appendPointer(pointer, 'clientCodes', i), `${JSON.stringify(code)} is not a client error code (ClientErrorCode)`);
  });

  const errors = objectOrAbsent(raw.errors, appendPointer(pointer, 'errors'), 'errors must be an object: { schema, statuses }', problems);
  unknownKeys(errors, ERRORS_KEYS, appendPointer(pointer, 'errors'), problems);
  // Left out: no documented error status; given, a mapping (a text there would silently say none).
  objectOrAbsent(errors.statuses, appendPointer(pointer, 'errors', 'statuses'), 'statuses must map error statuses (4xx, 5xx) to their descriptions', problems);
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
