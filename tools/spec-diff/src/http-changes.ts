// Changes to the HTTP operations beside the socket (`x-http`). The client sends the request (a
// narrowing of what it may send breaks old clients) and reads the answer (a widening of what the
// server answers breaks them), as for the socket's messages.
import { definitionRef, type JsonSchema, type ProtocolModel } from '@customer-chat/spec-model';
import type { Change } from './classify.js';
import { diffSchemas, removesTypedName } from './schema-diff.js';

/** The packages exporting the answers' types. */
const TYPED = ['@customer-chat/validators', '@customer-chat/sdk'];
const PACKAGES = ['@customer-chat/spec', ...TYPED, '@customer-chat/reference-server'];

type Resolve = (schema: JsonSchema) => JsonSchema;

export function classifyHttpChanges(base: ProtocolModel, head: ProtocolModel, resolveBase: Resolve, resolveHead: Resolve): Change[] {
  const changes: Change[] = [];
  const add = (subject: string, path: string, what: string, breaking: boolean, direction: Change['direction'] = 'client-to-server') =>
    changes.push({ subject, direction, path, what, breaking, packages: PACKAGES });
  // The error response's type field (`/error/type` of ErrorResult): as for the socket's error
  // response, the ErrorType catalogue rule decides a value added or removed there, not this diff.
  const errorTypePath = (schema: string) => (head.errorShape?.payloadSchema === schema ? `/${head.errorShape.property}/${head.errorShape.typeField}` : undefined);
  /** What the server answers, compared as the server writes it and old clients read it. */
  const answer = (id: string, at: string, before: string, after: string, catalogued?: string) => {
    for (const change of diffSchemas({ $ref: definitionRef(before) }, { $ref: definitionRef(after) }, resolveBase, resolveHead)) {
      if (change.path === catalogued && /^value\(s\) .* (added|removed)$/.test(change.what)) continue;
      const path = `${at}${change.path === '/' ? '' : change.path}`;
      // As for the socket's messages: a name gone from the answer's exported type breaks the code naming it.
      if (removesTypedName(change)) changes.push({ subject: id, direction: 'server-to-client', path, what: `${change.what} (narrowing; gone from the exported type)`, breaking: true, packages: TYPED });
      else add(id, path, `${change.what} (${change.effect})`, change.effect !== 'narrowing', 'server-to-client');
    }
  };
  for (const old of base.http) {
    const current = head.http.find((operation) => operation.id === old.id);
    if (current === undefined) {
      add(old.id, '/', `HTTP operation ${old.id} removed`, true);
      continue;
    }
    if (old.method !== current.method || old.path !== current.path) add(old.id, '/', `${old.method} ${old.path} -> ${current.method} ${current.path}`, true);
    if (old.auth !== current.auth) add(old.id, '/auth', `auth ${String(old.auth)} -> ${String(current.auth)}`, current.auth !== undefined);
    for (const q of current.query) {
      const before = old.query.find((b) => b.name === q.name);
      if (before === undefined) {
        // Old clients never send a new optional parameter, so its limit cannot refuse them.
        add(old.id, `/query/${q.name}`, `${q.required ? 'required' : 'optional'} query parameter ${q.name} added`, q.required);
        continue;
      }
      if (q.required && !before.required) add(old.id, `/query/${q.name}`, `query parameter ${q.name} is now required`, true);
      if (q.maxLength !== undefined && (before.maxLength === undefined || q.maxLength < before.maxLength)) add(old.id, `/query/${q.name}/maxLength`, `query parameter ${q.name} at most ${q.maxLength} characters`, true);
    }
    // An unknown parameter is ignored, as an unknown field of an open object is.
    for (const q of old.query.filter((b) => !current.query.some((c) => c.name === b.name))) add(old.id, `/query/${q.name}`, `query parameter ${q.name} removed`, false);
    // A client takes any error status (and the SDK any client code) as a failure: the lists are documentation.
    const notIn = <T>(a: T[], b: T[]) => a.filter((x) => !b.includes(x));
    const [was, now] = [old.errors.statuses.map((s) => s.status), current.errors.statuses.map((s) => s.status)];
    for (const status of notIn(now, was)) add(old.id, '/errors/statuses', `may now answer ${status}`, false, 'server-to-client');
    for (const status of notIn(was, now)) add(old.id, '/errors/statuses', `no longer answers ${status}`, false, 'server-to-client');
    for (const code of notIn(current.clientCodes, old.clientCodes)) add(old.id, '/clientCodes', `may now fail with ${code}`, false, 'sdk-to-application');
    for (const code of notIn(old.clientCodes, current.clientCodes)) add(old.id, '/clientCodes', `no longer fails with ${code}`, false, 'sdk-to-application');
    if (old.body !== undefined && current.body !== undefined) {
      for (const type of old.body.contentTypes.filter((t) => !current.body!.contentTypes.includes(t))) add(old.id, '/body/contentTypes', `content type ${type} removed`, true);
      for (const type of current.body.contentTypes.filter((t) => !old.body!.contentTypes.includes(t))) add(old.id, '/body/contentTypes', `content type ${type} added`, false);
      if (current.body.maxBytes !== old.body.maxBytes) add(old.id, '/body/maxBytes', `maxBytes ${old.body.maxBytes} -> ${current.body.maxBytes}`, current.body.maxBytes < old.body.maxBytes);
    } else if ((old.body === undefined) !== (current.body === undefined)) {
      add(old.id, '/body', current.body === undefined ? 'the body is gone' : 'a body is required', true);
    }
    if (old.response.status !== current.response.status) add(old.id, '/response/status', `success status ${old.response.status} -> ${current.response.status}`, true, 'server-to-client');
    answer(old.id, '/response', old.response.schema, current.response.schema);
    // An error's body is an answer too: old clients read it (its type, its message) the same way.
    answer(old.id, '/errors', old.errors.schema, current.errors.schema, errorTypePath(current.errors.schema));
  }
  for (const added of head.http.filter((operation) => !base.http.some((b) => b.id === operation.id))) add(added.id, '/', `HTTP operation ${added.id} added`, false);
  return changes;
}
