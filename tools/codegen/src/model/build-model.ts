// Builds the intermediate model from the loaded document: one pass per spec object, then the
// cross-checks that need them all (every message used by exactly one operation, unique names).
import { relative } from 'node:path';
import type { LoadedSpec } from '@customer-chat/spec-loader';
import { pascalCase } from '../printer/generated-file.js';
import { readCatalogues } from './catalogues.js';
import { readDiscriminators } from './discriminators.js';
import { ProblemCollector } from './errors.js';
import { readMessages } from './messages.js';
import { readOperations } from './operations.js';
import { readSchemas } from './schemas.js';
import { readFrameConstants, readLifecycle } from './lifecycle.js';
import type { MessageKind, MessageModel, ProtocolModel, WireChannel } from './types.js';

export function buildModel(spec: Pick<LoadedSpec, 'file' | 'raw' | 'locate'>, repositoryRoot: string): ProtocolModel {
  const problems = new ProblemCollector(spec);
  const raw = spec.raw;
  const components = (raw.components ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  const info = (raw.info ?? {}) as { title?: string; version?: string; description?: string; externalDocs?: { url?: string } };

  const schemas = readSchemas(components.schemas ?? {}, problems);
  const schemaNames = new Set(schemas.map((s) => s.name));
  const discriminators = readDiscriminators(schemas, problems);
  const catalogues = readCatalogues(components.schemas ?? {}, problems);

  const channels = (raw.channels ?? {}) as Record<string, { messages?: Record<string, { $ref?: string }>; 'x-emitted-by'?: string }>;
  const clientChannels = new Set(Object.entries(channels).filter(([, c]) => c['x-emitted-by'] === 'client').map(([id]) => id));
  const channelMessage = (channel: string, key: string) => channels[channel]?.messages?.[key]?.$ref?.replace('#/components/messages/', '');
  const { requests, receives } = readOperations(raw, channelMessage, clientChannels, new Set(catalogues.errorTypes.map((e) => e.value)), problems);

  const partial = readMessages(raw, schemaNames, problems);
  const byKey = new Map(partial.map((m) => [m.key, m]));
  const roles = new Map<string, { kind: MessageKind; action: string | undefined }>();
  const assign = (key: string, kind: MessageKind, action: string | undefined, pointer: string) => {
    const previous = roles.get(key);
    // The error response answers every request; any other message has exactly one role.
    if (previous && !(kind === 'error' && previous.kind === 'error')) problems.add(pointer, `message ${key} is used by more than one operation`);
    roles.set(key, { kind, action });
  };
  for (const request of requests) {
    const name = byKey.get(request.request)?.name ?? '';
    request.action = name;
    assign(request.request, 'request', name, `/operations/${request.id}/messages/0`);
    assign(request.response, 'response', name, `/operations/${request.id}/reply/messages/0`);
    assign(request.error, 'error', undefined, `/operations/${request.id}/reply/messages/1`);
  }
  for (const receive of receives) {
    const name = byKey.get(receive.message)?.name;
    assign(receive.message, receive.emittedBy === 'client' ? 'client' : 'push', receive.emittedBy === 'client' ? undefined : name, `/operations/${receive.id}`);
  }

  const messages: MessageModel[] = partial.map((m) => {
    const role = roles.get(m.key);
    if (!role) problems.add(m.pointer, 'message is not used by any operation');
    if (role && role.kind !== 'client' && m.headers === undefined) problems.add(m.pointer, 'a message on the wire needs frame headers');
    return { ...m, kind: role?.kind ?? 'push', action: role?.action };
  });
  const seen = new Set<string>();
  // Generated identifiers come from the name (`note_posted` -> `NotePosted`, `notePostedPayload`):
  // two names that give the same identifiers (`note_posted`, `note_posted_`; `get_v2`, `get_v_2`)
  // would make one message's precompiled validator silently replace the other's.
  const identifiers = new Map<string, string>();
  for (const m of messages) {
    if (seen.has(m.name)) problems.add(m.pointer, `message name "${m.name}" is used twice`);
    seen.add(m.name);
    const identifier = pascalCase(m.name);
    const other = identifiers.get(identifier);
    if (other !== undefined && other !== m.name) problems.add(m.pointer, `message name "${m.name}" gives the same generated names (${identifier}) as "${other}"`);
    if (other === undefined) identifiers.set(identifier, m.name);
  }
  const schemaByName = new Map(schemas.map((s) => [s.name, s.schema]));
  const schemaOf = (key: string) => {
    const payload = byKey.get(key)?.payload;
    return payload ? schemaByName.get(payload.ref) : undefined;
  };
  const lifecycle = readLifecycle(raw, requests, messages, schemaOf, problems);
  const frameConstants = readFrameConstants(messages, problems);
  const correlationFields = new Set(messages.filter((m) => m.kind !== 'client' && m.kind !== 'push').map((m) => m.correlationField));
  if (correlationFields.size !== 1 || correlationFields.has(undefined)) {
    problems.add('/components/messages', `every request and reply needs the same correlationId header field, found ${[...correlationFields].map(String).join(', ')}`);
  }
  for (const m of messages.filter((m) => m.clientEvent)) {
    if (!messages.some((c) => c.kind === 'client' && c.name === m.clientEvent!.event)) problems.add(`${m.pointer}/x-client-event`, `"${m.clientEvent!.event}" is not a client event`);
  }
  const channel = readWireChannel(channels as Parameters<typeof readWireChannel>[0], requests, problems);
  problems.throwIfAny();

  const servers = Object.entries((raw.servers ?? {}) as Record<string, { host: string; protocol: string; pathname?: string; title?: string; description?: string }>).map(
    ([name, server]) => ({ name, url: `${server.protocol}://${server.host}${server.pathname ?? ''}`, title: server.title, description: server.description }),
  );
  return {
    servers,
    channel,
    lifecycle,
    frameConstants,
    correlationField: [...correlationFields][0] ?? '',
    source: relative(repositoryRoot, spec.file).split('\\').join('/'),
    info: { title: info.title ?? '', version: info.version ?? '', description: info.description, docsUrl: info.externalDocs?.url },
    schemas,
    discriminators,
    messages,
    requests,
    receives,
    ...catalogues,
  };
}

/** AsyncAPI 3 channel + WebSocket channel binding: the address the requests go to and its query. */
function readWireChannel(
  channels: Record<string, { address?: string | null; bindings?: { ws?: { query?: { properties?: Record<string, { description?: string }>; required?: string[] } } } }>,
  requests: Array<{ id: string }>,
  problems: ProblemCollector,
): WireChannel {
  const wire = Object.entries(channels).filter(([, c]) => typeof c.address === 'string');
  if (wire.length !== 1) {
    problems.add('/channels', `expected exactly one channel with an address (the socket), found ${wire.length}`);
    return { address: '', query: [] };
  }
  const [, channel] = wire[0]!;
  const query = channel.bindings?.ws?.query;
  return {
    address: channel.address as string,
    query: Object.entries(query?.properties ?? {}).map(([name, schema]) => ({ name, required: query?.required?.includes(name) ?? false, description: schema.description })),
  };
}
