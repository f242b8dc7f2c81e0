// The protocol's structure: requests with their replies, pushes, client lifecycle events, the
// error catalogue and the disconnection reasons, read through the model the generators read.
import { describe, expect, it } from 'vitest';
import { definitionName, schemaByName, visitSchemas } from '@customer-chat/spec-model';
import { document, model } from './spec.js';

// The requests PROTOCOL-NOTES lists for this protocol family: all must be operations here.
const REQUESTS = [
  'login', 'get_chats_summary', 'get_chat_threads', 'get_chat_threads_summary', 'start_chat', 'send_event',
  'send_sneak_peek', 'close_thread', 'update_chat_properties', 'update_chat_thread_properties', 'update_customer',
  'update_last_seen_timestamp',
];
const CLIENT_EVENTS = ['connected', 'connection_lost', 'connection_restored', 'connection_unstable', 'connection_recovered', 'disconnected'];
const REACTIONS = ['reconnect', 'stay_disconnected', 'destroy'];

const schema = (name: string) => schemaByName(model, name).schema as Record<string, any>;

describe('requests', () => {
  it('every request of the protocol is a send operation with a reply', () => {
    expect(model.requests.map((r) => r.request.name).sort()).toEqual([...REQUESTS].sort());
  });

  it.each(model.requests.map((r) => [r.id, r] as const))('%s replies with `<action>_response` or the error response, on the socket', (_id, request) => {
    expect([request.response.name, request.error.name]).toEqual([`${request.request.name}_response`, 'error_response']);
    const operation = document.operations().get(request.id)!;
    expect(operation.channels().all().map((c) => c.id())).toEqual(['customer']);
  });

  it.each(model.requests.map((r) => [r.id, r] as const))('%s names only errors of the catalogue', (_id, request) => {
    expect(request.errors.length).toBeGreaterThan(0);
    for (const type of request.errors) expect(model.errorTypes.map((e) => e.value)).toContain(type);
  });

  it('closes every argument object (the server rejects unknown fields)', () => {
    for (const request of model.requests) expect(schema(request.request.payload!.ref).additionalProperties, request.action).toBe(false);
  });

  it('states the page limits as schema constraints', () => {
    expect(schema('GetChatsSummaryArguments').properties.limit).toMatchObject({ maximum: 25, default: 10, minimum: 1 });
    expect(schema('GetChatsSummaryArguments').properties.offset).toMatchObject({ minimum: 0, default: 0 });
    expect(schema('GetChatThreadsSummaryArguments').properties.limit).toMatchObject({ maximum: 1000, default: 25 });
  });
});

describe('pushes and client events', () => {
  it('marks exactly the six lifecycle events as emitted by the client, on the wire-less channel', () => {
    expect(model.messages.filter((m) => m.kind === 'client').map((m) => m.name).sort()).toEqual([...CLIENT_EVENTS].sort());
    expect(document.channels().get('client')!.extensions().get('x-emitted-by')?.value()).toBe('client');
    for (const receive of model.receives.filter((r) => r.emittedBy === 'client')) {
      // Each operation says so itself, as written.
      expect(document.operations().get(receive.id)!.extensions().get('x-emitted-by')?.value()).toBe('client');
      expect(CLIENT_EVENTS).toContain(receive.message.name);
    }
  });

  it('receives every push and client event through exactly one operation', () => {
    const received = model.receives.map((r) => r.message.name);
    const expected = model.messages.filter((m) => m.kind === 'client' || m.kind === 'push').map((m) => m.name);
    expect([...received].sort()).toEqual([...expected].sort());
    expect(new Set(received).size).toBe(received.length);
  });

  it('gives every message a unique name', () => {
    const names = model.messages.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('lists every message of the document in a channel', () => {
    const inChannels = document.channels().all().flatMap((c) => c.messages().all().map((m) => m.id()));
    expect([...inChannels].sort()).toEqual(model.messages.map((m) => m.key).sort());
  });

  it('turns customer_disconnected into the client event disconnected, carrying a reason of the closed list', () => {
    const message = (name: string) => model.messages.find((m) => m.name === name)!;
    expect(message('customer_disconnected').clientEvent).toEqual({ event: 'disconnected', payload: '/reason' });
    expect(message('disconnected').payload).toEqual({ ref: 'DisconnectionReason' });
  });
});

describe('error catalogue and disconnection reasons', () => {
  it('describes every error type and maps it to a client error code', () => {
    expect(model.catalogueSchemas.errorType).toBe('ErrorType');
    for (const type of model.errorTypes) {
      expect(type.description, type.value).not.toBe('');
      expect(model.clientErrorCodes.map((c) => c.value)).toContain(type.clientCode);
    }
    expect(model.errorTypes.map((e) => e.value)).toEqual(schema('ErrorType').enum);
  });

  it('has the client-detected codes the SDK rejects with, each described', () => {
    const codes = model.clientErrorCodes.map((c) => c.value);
    for (const code of ['CONNECTION_LOST', 'REQUEST_TIMEOUT']) expect(codes).toContain(code);
    for (const code of model.clientErrorCodes) expect(code.description, code.value).not.toBe('');
  });

  it('has the closed list of disconnection reasons, each described and with a reaction', () => {
    expect(model.disconnectionReasons).toHaveLength(14);
    for (const reason of model.disconnectionReasons) {
      expect(reason.description, reason.value).not.toBe('');
      expect(REACTIONS).toContain(reason.reaction);
    }
  });
});

describe('named schemas', () => {
  it('has the domain model under components with real names', () => {
    const names = model.schemas.map((s) => s.name);
    for (const name of ['User', 'Agent', 'Customer', 'Chat', 'ChatSummary', 'Thread', 'ThreadSummary', 'Event', 'MessageEvent', 'FileEvent', 'SystemMessageEvent', 'UnknownEvent']) {
      expect(names, name).toContain(name);
    }
    expect(schema('ChatSummary').properties).toHaveProperty('lastEventsPerType');
    expect(schema('ChatSummary').properties).toHaveProperty('lastSeenTimestamps');
  });

  it.each([['Event', ['message', 'file', 'system_message']], ['User', ['agent', 'customer']], ['EventInput', ['message', 'file']]] as const)(
    '%s is a union discriminated by `type`, each branch with its own constant',
    (name, constants) => {
      const union = model.discriminators.find((d) => d.union === name)!;
      expect(union.property).toBe('type');
      expect(union.branches.map((b) => b.value)).toEqual(constants);
      // Every branch of the oneOf is one of the dispatch table's, or the fallback.
      const branches = (schema(name).oneOf as unknown[]).map((b) => definitionName((b as { $ref?: unknown }).$ref));
      expect(branches).toEqual([...union.branches.map((b) => b.schema), ...(union.fallback ? [union.fallback] : [])]);
    },
  );

  it('has a fallback Event branch for the types this version does not know', () => {
    expect(model.discriminators.find((d) => d.union === 'Event')!.fallback).toBe('UnknownEvent');
    expect(schema('UnknownEvent').properties.type.not).toEqual({ enum: ['message', 'file', 'system_message'] });
  });

  it('uses camelCase names for every property', () => {
    const offenders: string[] = [];
    for (const named of model.schemas) {
      visitSchemas(named.schema, (node, place) => {
        const properties = (node.properties ?? {}) as Record<string, unknown>;
        for (const key of Object.keys(properties)) if (!/^[a-z][a-zA-Z0-9]*$/.test(key)) offenders.push(`${named.pointer}${place.pointer}/properties/${key}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
