// Where the published documentation site (the spec's `info.externalDocs.url`) shows each part of the
// spec, so `@see` links in generated code open for a consumer, who has no copy of the spec file.
// Without a site the links fall back to the element's JSON pointer in the spec. The pages and
// anchors are the docs package's; a repository test checks that every emitted link resolves.
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import type { MessageModel, ProtocolModel } from './types.js';

function onSite(model: ProtocolModel, page: string, anchor: string, pointer: string): string {
  const base = model.info.docsUrl;
  if (base === undefined) return `${model.source}#${pointer}`;
  return `${new URL(`${page}.html`, base.endsWith('/') ? base : `${base}/`).href}#${encodeURIComponent(anchor)}`;
}

export function schemaDocsLink(model: ProtocolModel, name: string): string {
  return onSite(model, 'schemas', name, appendPointer('/components/schemas', name));
}

export function operationDocsLink(model: ProtocolModel, operationId: string): string {
  return onSite(model, 'methods', operationId, appendPointer('/operations', operationId));
}

export function messageDocsLink(model: ProtocolModel, message: MessageModel): string {
  const request = model.requests.find((r) => r.request.key === message.key || r.response.key === message.key);
  if (request !== undefined) return onSite(model, 'methods', request.id, message.pointer);
  if (message.kind === 'error') return onSite(model, 'protocol', 'error-frame', message.pointer);
  // A push the SDK turns into a client event is told on the protocol page, the rest on the events page.
  if (message.kind === 'push' && message.clientEvent !== undefined) return onSite(model, 'protocol', message.name, message.pointer);
  return onSite(model, 'events', message.name, message.pointer);
}
