// Changes to the HTTP operations beside the socket (`x-http`). The client sends the request (a
// narrowing of what it may send breaks old clients) and reads the answer (a widening of what the
// server answers breaks them), as for the socket's messages.
import { definitionRef, type JsonSchema, type ProtocolModel } from '@customer-chat/spec-model';
import type { Change } from './classify.js';
import { diffSchemas } from './schema-diff.js';

const PACKAGES = ['@customer-chat/spec', '@customer-chat/validators', '@customer-chat/sdk', '@customer-chat/reference-server'];

type Resolve = (schema: JsonSchema) => JsonSchema;

export function classifyHttpChanges(base: ProtocolModel, head: ProtocolModel, resolveBase: Resolve, resolveHead: Resolve): Change[] {
  const changes: Change[] = [];
  const add = (subject: string, path: string, what: string, breaking: boolean, direction: Change['direction'] = 'client-to-server') =>
    changes.push({ subject, direction, path, what, breaking, packages: PACKAGES });
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
    if (old.body !== undefined && current.body !== undefined) {
      for (const type of old.body.contentTypes.filter((t) => !current.body!.contentTypes.includes(t))) add(old.id, '/body/contentTypes', `content type ${type} removed`, true);
      for (const type of current.body.contentTypes.filter((t) => !old.body!.contentTypes.includes(t))) add(old.id, '/body/contentTypes', `content type ${type} added`, false);
      if (current.body.maxBytes !== old.body.maxBytes) add(old.id, '/body/maxBytes', `maxBytes ${old.body.maxBytes} -> ${current.body.maxBytes}`, current.body.maxBytes < old.body.maxBytes);
    } else if ((old.body === undefined) !== (current.body === undefined)) {
      add(old.id, '/body', current.body === undefined ? 'the body is gone' : 'a body is required', true);
    }
    if (old.response.status !== current.response.status) add(old.id, '/response/status', `success status ${old.response.status} -> ${current.response.status}`, true, 'server-to-client');
    for (const change of diffSchemas({ $ref: definitionRef(old.response.schema) }, { $ref: definitionRef(current.response.schema) }, resolveBase, resolveHead)) {
      add(old.id, `/response${change.path === '/' ? '' : change.path}`, `${change.what} (${change.effect})`, change.effect !== 'narrowing', 'server-to-client');
    }
  }
  for (const added of head.http.filter((operation) => !base.http.some((b) => b.id === operation.id))) add(added.id, '/', `HTTP operation ${added.id} added`, false);
  return changes;
}
