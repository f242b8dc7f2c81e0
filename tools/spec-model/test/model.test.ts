// The model of the real spec and of the generator's fixtures: requests and pushes holding their
// message objects, unions, catalogues, the lifecycle, and plain JSON Schemas with references to
// named schemas. Also what the parser gives that the old raw reader got wrong: traits merged deeply.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  definitionName,
  emittedEvents,
  loadModel,
  messageByName,
  messageDocsLink,
  operationDocsLink,
  REPOSITORY_ROOT,
  schemaByName,
  schemaDocsLink,
  SPEC_FILE,
  visitSchemas,
  type ProtocolModel,
} from '../src/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

let spec: ProtocolModel;
let chat: ProtocolModel;
let minimal: ProtocolModel;
let directory: string;
beforeAll(async () => {
  [spec, chat, minimal] = await Promise.all([loadModel(), loadModel(fixture('chat.yaml')), loadModel(fixture('minimal.yaml'))]);
  directory = await mkdtemp(join(tmpdir(), 'spec-model-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** The model of a copy of test/fixtures/chat.yaml with each `from` (found once) replaced by `to`. */
async function chatVariant(name: string, edits: Array<[from: string, to: string]>): Promise<ProtocolModel> {
  let source = await readFile(fixture('chat.yaml'), 'utf8');
  for (const [from, to] of edits) {
    expect(source.split(from), `one ${JSON.stringify(from)} in chat.yaml`).toHaveLength(2);
    source = source.replace(from, to);
  }
  const file = join(directory, `${name}.yaml`);
  await writeFile(file, source);
  return loadModel(file);
}

describe('the model of spec/asyncapi.yaml', () => {
  it('names its source relative to the repository', () => {
    expect(SPEC_FILE).toBe(join(REPOSITORY_ROOT, 'spec', 'asyncapi.yaml'));
    expect(spec.source).toBe('spec/asyncapi.yaml');
    expect(spec.info.title).toBe('Customer Chat Protocol');
    expect(spec.info.docsUrl).toMatch(/^https:\/\//);
  });

  it('has every request with its message objects: the request, its response and the shared error response', () => {
    expect(spec.requests.map((r) => r.action).sort()).toEqual([
      'close_thread', 'get_chat_threads', 'get_chat_threads_summary', 'get_chats_summary', 'login', 'send_event', 'send_sneak_peek',
      'start_chat', 'update_chat_properties', 'update_chat_thread_properties', 'update_customer', 'update_last_seen_timestamp',
    ]);
    const errorResponse = messageByName(spec, 'error_response');
    for (const request of spec.requests) {
      // The very objects of `messages`: no lookup by key.
      expect(spec.messages).toContain(request.request);
      expect(spec.messages).toContain(request.response);
      expect(request.error).toBe(errorResponse);
      expect(request.request).toMatchObject({ kind: 'request', name: request.action, action: request.action, headersSchema: 'RequestHeaders' });
      expect(request.response).toMatchObject({ kind: 'response', name: `${request.action}_response`, action: request.action, headersSchema: 'ResponseHeaders' });
      expect(request.errors.length).toBeGreaterThan(0);
      for (const error of request.errors) expect(spec.errorTypes.map((e) => e.value)).toContain(error);
    }
    expect(errorResponse).toMatchObject({ kind: 'error', action: undefined, headersSchema: 'ErrorResponseHeaders', correlationField: 'requestId' });
    expect(spec.correlationField).toBe('requestId');
  });

  it('reads the request payloads and headers the traits give (the parser copies them; the model names them)', () => {
    const sendEvent = spec.requests.find((r) => r.id === 'sendEvent')!;
    expect(sendEvent.request.payload).toEqual({ ref: 'SendEventArguments' });
    expect(sendEvent.request.headers).toEqual(schemaByName(spec, 'RequestHeaders').schema);
    expect(sendEvent.request.headers).not.toBe(schemaByName(spec, 'RequestHeaders').schema);
    expect(sendEvent.request.correlationField).toBe('requestId');
  });

  it('has every push and client event as a receive operation holding its message', () => {
    for (const receive of spec.receives) {
      expect(spec.messages).toContain(receive.message);
      expect(receive.message.kind).toBe(receive.emittedBy === 'client' ? 'client' : 'push');
      if (receive.emittedBy === 'server') expect(receive.message.action).toBe(receive.message.name);
    }
    expect(spec.receives.filter((r) => r.emittedBy === 'client').map((r) => r.message.name).sort()).toEqual(['connected', 'connection_lost', 'connection_recovered', 'connection_restored', 'connection_unstable', 'disconnected']);
    expect(messageByName(spec, 'customer_disconnected').clientEvent).toEqual({ event: 'disconnected', payload: '/reason' });
    expect(spec.frameConstants.push).toEqual({ type: 'push' });
    expect(spec.frameConstants.error).toEqual({ type: 'response', success: false });
  });

  it('has the emitted events: client events, and pushes not turned into a client event', () => {
    const names = emittedEvents(spec).map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['connected', 'connection_lost', 'new_event', 'thread_metada']));
    expect(names).not.toContain('customer_disconnected');
    expect(names).not.toContain('send_event');
  });

  it('has the lifecycle, the catalogues and the wire channel', () => {
    expect(spec.lifecycle).toEqual({
      login: { operation: 'login', tokenArgument: 'token' },
      ready: { operation: 'getChatsSummary' },
      events: { connected: 'connected', restored: 'connection_restored', lost: 'connection_lost', disconnected: 'disconnected', unstable: 'connection_unstable', recovered: 'connection_recovered' },
      policy: expect.objectContaining({ requestTimeoutMs: expect.any(Number) }),
    });
    expect(spec.catalogueSchemas).toEqual({ errorType: 'ErrorType', clientErrorCode: 'ClientErrorCode', disconnectionReason: 'DisconnectionReason' });
    for (const type of spec.errorTypes) expect(spec.clientErrorCodes.map((c) => c.value)).toContain(type.clientCode);
    expect(spec.disconnectionReasons).toHaveLength(14);
    for (const reason of spec.disconnectionReasons) expect(['reconnect', 'stay_disconnected', 'destroy']).toContain(reason.reaction);
    expect(spec.channel.address).toBe('/v1/customer');
    expect(spec.channel.query.find((q) => q.name === 'licenseId')).toMatchObject({ required: true });
    expect(spec.servers.map((s) => s.url)).toEqual(['ws://127.0.0.1:8787', 'wss://{host}']);
    expect(spec.messages.filter((m) => m.introduction).map((m) => m.name)).toEqual(['user_data']);
    expect(spec.servers.map((s) => s.variables)).toEqual([
      [],
      [{ name: 'host', default: 'chat.example.com', description: 'Host name (and optional port) of the deployment.', values: undefined }],
    ]);
  });

  it('gives every request the errors all requests inherit, and the pushes it causes', () => {
    expect(spec.commonErrors).toEqual(['validation', 'pending_requests_limit_reached', 'service_unavailable', 'internal']);
    for (const request of spec.requests) for (const type of spec.commonErrors) expect(request.errors).toContain(type);
    const byAction = (action: string) => spec.requests.find((r) => r.action === action)!;
    // Own errors first listed in the operation, merged in catalogue order.
    expect(byAction('login').errors).toEqual(['authentication', 'validation', 'customer_banned', 'pending_requests_limit_reached', 'service_unavailable', 'internal']);
    expect(byAction('login').pushes).toEqual([
      { push: 'customer_id', requester: true, others: false, when: undefined },
      { push: 'user_data', requester: true, others: false, when: undefined },
    ]);
    expect(byAction('close_thread').pushes).toEqual([{ push: 'thread_closed', requester: true, others: true, when: undefined }]);
    expect(byAction('send_sneak_peek').pushes).toEqual([]);
    expect(spec.disconnectCloseCode).toBe(4000);
    expect(spec.errorAnswers).toEqual({ refused_token: 'authentication', before_login: 'authorization', invalid_frame: 'validation', unknown_id: 'not_found', closed_thread: 'chat_inactive', unknown_group: 'group_not_found' });
  });

  it('has the unions with their branches and the fallback', () => {
    const event = spec.discriminators.find((d) => d.union === 'Event')!;
    expect(event).toEqual({
      union: 'Event',
      property: 'type',
      branches: [
        { value: 'message', schema: 'MessageEvent' },
        { value: 'file', schema: 'FileEvent' },
        { value: 'system_message', schema: 'SystemMessageEvent' },
      ],
      fallback: 'UnknownEvent',
    });
    expect(spec.discriminators.map((d) => d.union).sort()).toEqual(['Event', 'EventInput', 'User']);
  });

  it('has plain JSON Schemas: named schemas as #/definitions references, no extensions, no parser keys', () => {
    expect(spec.schemas).toHaveLength(72);
    const names = new Set(spec.schemas.map((s) => s.name));
    for (const named of spec.schemas) {
      expect(named.pointer).toBe(`/components/schemas/${named.name}`);
      expect(named.description).toBe(named.schema.description);
      visitSchemas(named.schema, (node, place) => {
        for (const key of Object.keys(node)) expect(key, `${named.pointer}${place.pointer}`).not.toMatch(/^x-/);
        if (node.$ref !== undefined) expect(names.has(definitionName(node.$ref) ?? ''), String(node.$ref)).toBe(true);
      });
    }
    expect(schemaByName(spec, 'Event').schema.oneOf).toEqual([
      { $ref: '#/definitions/MessageEvent' },
      { $ref: '#/definitions/FileEvent' },
      { $ref: '#/definitions/SystemMessageEvent' },
      { $ref: '#/definitions/UnknownEvent' },
    ]);
  });

  it('is plain data, independent of the parser: it clones and serialises', () => {
    expect(structuredClone(spec)).toEqual(spec);
    expect(JSON.parse(JSON.stringify(spec.schemas))).toEqual(spec.schemas);
    expect(JSON.stringify(spec)).not.toMatch(/x-parser-|anonymous-schema/);
  });

  it('links each element to its place on the documentation site', () => {
    const base = spec.info.docsUrl!.replace(/\/?$/, '/');
    expect(schemaDocsLink(spec, 'Event')).toBe(`${base}schemas.html#Event`);
    expect(operationDocsLink(spec, 'sendEvent')).toBe(`${base}methods.html#sendEvent`);
    const sendEvent = spec.requests.find((r) => r.id === 'sendEvent')!;
    expect(messageDocsLink(spec, sendEvent.response)).toBe(`${base}methods.html#sendEvent`);
    expect(messageDocsLink(spec, sendEvent.error)).toBe(`${base}protocol.html#error-frame`);
    expect(messageDocsLink(spec, messageByName(spec, 'new_event'))).toBe(`${base}events.html#new_event`);
    expect(messageDocsLink(spec, messageByName(spec, 'customer_disconnected'))).toBe(`${base}protocol.html#customer_disconnected`);
  });
});

describe('the model of the generator fixtures', () => {
  it('chat.yaml: a union with its fallback, a map, a nullable type, a push turned into a client event', () => {
    expect(chat.discriminators).toEqual([{ union: 'Note', property: 'kind', branches: [{ value: 'text', schema: 'TextNote' }, { value: 'link', schema: 'LinkNote' }], fallback: 'UnknownNote' }]);
    expect(schemaByName(chat, 'Tags').schema).toEqual({ type: 'object', description: 'Free-form tags, name to value.', additionalProperties: { type: 'string', maxLength: 64, description: "One tag's value." } });
    expect(schemaByName(chat, 'TextNote').schema.properties).toMatchObject({ editedAt: { $ref: '#/definitions/NullableTimestamp' } });
    expect(schemaByName(chat, 'ErrorType').schema).toEqual({ type: 'string', description: 'The error catalogue.', enum: ['validation', 'internal'] });
    const kicked = messageByName(chat, 'kicked');
    expect(kicked).toMatchObject({ kind: 'push', action: 'kicked', payload: { ref: 'DisconnectionReason' }, clientEvent: { event: 'disconnected', payload: '' } });
    expect(emittedEvents(chat).map((m) => m.name)).toEqual(['note_posted', 'connection_lost', 'disconnected']);
    expect(chat.requests).toHaveLength(1);
    expect(chat.requests[0]).toMatchObject({ id: 'postNote', action: 'post_note', errors: ['validation', 'internal'] });
    expect(chat.requests[0]!.request).toBe(messageByName(chat, 'post_note'));
    expect(chat.lifecycle).toBeUndefined();
    expect(chat.info.docsUrl).toBeUndefined();
    expect(schemaDocsLink(chat, 'Note')).toBe('tools/spec-model/test/fixtures/chat.yaml#/components/schemas/Note');
  });

  it('minimal.yaml: a request whose response has its own name, a push without payload', () => {
    const heartbeat = minimal.receives.map((r) => r.message).find((m) => m.payload === undefined);
    expect(heartbeat).toMatchObject({ kind: 'push' });
    expect(minimal.requests.map((r) => [r.id, r.request.name, r.response.name, r.error.name])).toEqual([['ping', 'ping', 'pong', 'error_response']]);
  });
});

describe('what the parser reads right', () => {
  it('merges traits deeply, as AsyncAPI 3 says (a trait and the message each give half of x-client-event)', async () => {
    const model = await chatVariant('deep-traits', [
      ["    pushFrame:\n      headers: { $ref: '#/components/schemas/PushHeaders' }\n", "    pushFrame:\n      headers: { $ref: '#/components/schemas/PushHeaders' }\n    endsSession:\n      x-client-event: { event: disconnected }\n"],
      [
        "      traits: [{ $ref: '#/components/messageTraits/pushFrame' }]\n      payload: { $ref: '#/components/schemas/DisconnectionReason' }\n      x-client-event: { event: disconnected, payload: '' }",
        "      traits: [{ $ref: '#/components/messageTraits/pushFrame' }, { $ref: '#/components/messageTraits/endsSession' }]\n      payload: { $ref: '#/components/schemas/DisconnectionReason' }\n      x-client-event: { payload: '' }",
      ],
    ]);
    // The old reader spread traits shallowly: the message's `{ payload }` replaced the trait's `{ event }`.
    expect(messageByName(model, 'kicked').clientEvent).toEqual({ event: 'disconnected', payload: '' });
  });

  it('reads recursive schemas, also inside the payload copies the parser makes for messages with traits', async () => {
    const model = await chatVariant('recursive', [
      ['    Tags:\n', "    Thread:\n      type: object\n      description: A note and its replies.\n      properties:\n        replies:\n          type: array\n          description: The replies.\n          items: { $ref: '#/components/schemas/Thread' }\n    Tags:\n"],
      ["        tags: { $ref: '#/components/schemas/Tags' }\n", "        tags: { $ref: '#/components/schemas/Tags' }\n        thread: { $ref: '#/components/schemas/Thread' }\n"],
    ]);
    expect(schemaByName(model, 'Thread').schema.properties).toEqual({ replies: { type: 'array', description: 'The replies.', items: { $ref: '#/definitions/Thread' } } });
    expect(schemaByName(model, 'PostNoteArguments').schema.properties).toMatchObject({ thread: { $ref: '#/definitions/Thread' } });
    expect(messageByName(model, 'post_note').payload).toEqual({ ref: 'PostNoteArguments' });
  });
});
