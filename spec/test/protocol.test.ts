// The protocol's structure: requests with their replies, pushes, client lifecycle events, the
// error catalogue and the disconnection reasons, in the forms the generators read.
import { describe, expect, it } from 'vitest';
import { messageKey, raw } from './spec.js';

const operations = Object.entries(raw.operations);
const schemas = raw.components.schemas;
const messages = raw.components.messages;

// The requests PROTOCOL-NOTES lists for this protocol family: all must be operations here.
const REQUESTS = [
  'login', 'get_chats_summary', 'get_chat_threads', 'get_chat_threads_summary', 'start_chat', 'send_event',
  'send_sneak_peek', 'close_thread', 'update_chat_properties', 'update_chat_thread_properties', 'update_customer',
  'update_last_seen_timestamp',
];
const CLIENT_EVENTS = ['connected', 'connection_lost', 'connection_restored', 'disconnected'];
const REACTIONS = ['reconnect', 'stay_disconnected', 'destroy'];

const requestOperations = operations.filter(([, op]) => op.action === 'send');
const nameOf = (ref: string) => messages[messageKey(ref)]?.name;

describe('requests', () => {
  it('every request of the protocol is a send operation with a reply', () => {
    const sent = requestOperations.map(([, op]) => nameOf(op.messages[0]!.$ref));
    expect([...sent].sort()).toEqual([...REQUESTS].sort());
  });

  it.each(requestOperations)('%s replies with `<action>_response` or the error response, on its own channel', (_id, op) => {
    expect(op.messages).toHaveLength(1);
    const request = nameOf(op.messages[0]!.$ref);
    const replies = (op.reply?.messages ?? []).map((m) => nameOf(m.$ref));
    expect(replies).toEqual([`${request}_response`, 'error_response']);
    expect(op.channel.$ref).toBe('#/channels/customer');
  });

  it.each(requestOperations)('%s names only errors of the catalogue', (_id, op) => {
    expect(op['x-errors']?.length ?? 0).toBeGreaterThan(0);
    for (const type of op['x-errors'] ?? []) expect(schemas.ErrorType!.enum).toContain(type);
  });

  it('closes every argument object (the server rejects unknown fields)', () => {
    for (const [, op] of requestOperations) {
      const payload = messages[messageKey(op.messages[0]!.$ref)]!.payload!;
      const schema = payload.$ref ? schemas[payload.$ref.split('/').at(-1)!]! : payload;
      expect(schema.additionalProperties, nameOf(op.messages[0]!.$ref)).toBe(false);
    }
  });

  it('states the page limits as schema constraints', () => {
    expect(schemas.GetChatsSummaryArguments!.properties!.limit).toMatchObject({ maximum: 25, default: 10, minimum: 1 });
    expect(schemas.GetChatsSummaryArguments!.properties!.offset).toMatchObject({ minimum: 0, default: 0 });
    expect(schemas.GetChatThreadsSummaryArguments!.properties!.limit).toMatchObject({ maximum: 1000, default: 25 });
  });
});

describe('pushes and client events', () => {
  const receives = operations.filter(([, op]) => op.action === 'receive');

  it('marks exactly the four lifecycle events as emitted by the client, on the wire-less channel', () => {
    const clientMessages = Object.values(messages).filter((m) => m['x-emitted-by'] === 'client').map((m) => m.name);
    expect(clientMessages.sort()).toEqual([...CLIENT_EVENTS].sort());
    expect(raw.channels.client!['x-emitted-by']).toBe('client');
    for (const [, op] of receives.filter(([, op]) => op.channel.$ref === '#/channels/client')) {
      expect(op['x-emitted-by']).toBe('client');
      expect(CLIENT_EVENTS).toContain(nameOf(op.messages[0]!.$ref));
    }
  });

  it('receives every push and client event through exactly one operation', () => {
    const received = receives.map(([, op]) => nameOf(op.messages[0]!.$ref));
    const expected = Object.values(messages)
      .filter((m) => m['x-emitted-by'] === 'client' || m.traits?.some((t) => t.$ref.endsWith('/pushFrame')))
      .map((m) => m.name);
    expect([...received].sort()).toEqual([...expected].sort());
  });

  it('gives every message a unique name', () => {
    const names = Object.values(messages).map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('lists every message of the document in a channel', () => {
    const inChannels = Object.values(raw.channels).flatMap((c) => Object.keys(c.messages));
    expect([...inChannels].sort()).toEqual(Object.keys(messages).sort());
  });

  it('turns customer_disconnected into the client event disconnected, carrying a reason of the closed list', () => {
    expect(messages.customerDisconnected!['x-client-event']).toEqual({ event: 'disconnected', payload: '/reason' });
    expect(messages.disconnected!.payload).toEqual({ $ref: '#/components/schemas/DisconnectionReason' });
  });
});

describe('error catalogue and disconnection reasons', () => {
  const errorType = schemas.ErrorType!;
  const clientCodes = schemas.ClientErrorCode!;
  const reasons = schemas.DisconnectionReason!;

  it('describes every error type and maps it to a client error code', () => {
    expect(Object.keys(errorType['x-enum-descriptions'] as object).sort()).toEqual([...errorType.enum!].sort());
    expect(Object.keys(errorType['x-client-codes'] as object).sort()).toEqual([...errorType.enum!].sort());
    for (const code of Object.values(errorType['x-client-codes'] as Record<string, string>)) expect(clientCodes.enum).toContain(code);
  });

  it('has the client-detected codes the SDK rejects with, each described', () => {
    for (const code of ['CONNECTION_LOST', 'REQUEST_TIMEOUT']) expect(clientCodes.enum).toContain(code);
    expect(Object.keys(clientCodes['x-enum-descriptions'] as object).sort()).toEqual([...clientCodes.enum!].sort());
  });

  it('has the closed list of disconnection reasons, each described and with a reaction', () => {
    expect(reasons.enum).toHaveLength(14);
    expect(Object.keys(reasons['x-enum-descriptions'] as object).sort()).toEqual([...reasons.enum!].sort());
    expect(Object.keys(reasons['x-reactions'] as object).sort()).toEqual([...reasons.enum!].sort());
    for (const reaction of Object.values(reasons['x-reactions'] as Record<string, string>)) expect(REACTIONS).toContain(reaction);
  });
});

describe('named schemas', () => {
  it('has the domain model under components with real names', () => {
    for (const name of ['User', 'Agent', 'Customer', 'Chat', 'ChatSummary', 'Thread', 'ThreadSummary', 'Event', 'MessageEvent', 'FileEvent', 'SystemMessageEvent', 'UnknownEvent']) {
      expect(schemas[name], name).toBeDefined();
    }
    expect(schemas.ChatSummary!.properties).toHaveProperty('lastEventsPerType');
    expect(schemas.ChatSummary!.properties).toHaveProperty('lastSeenTimestamps');
  });

  it.each([['Event', ['message', 'file', 'system_message']], ['User', ['agent', 'customer']], ['EventInput', ['message', 'file']]] as const)(
    '%s is a union discriminated by `type`, each branch with its own constant',
    (name, constants) => {
      const union = schemas[name]!;
      expect(union.discriminator).toBe('type');
      const branchConstants = union.oneOf!.map((b) => schemas[b.$ref!.split('/').at(-1)!]!.properties!.type!.const).filter(Boolean);
      expect(branchConstants).toEqual(constants);
    },
  );

  it('has a fallback Event branch for the types this version does not know', () => {
    expect(schemas.UnknownEvent!.properties!.type!.not).toEqual({ enum: ['message', 'file', 'system_message'] });
  });

  it('uses camelCase names for every property', () => {
    const offenders: string[] = [];
    const visit = (schema: unknown, path: string) => {
      if (!schema || typeof schema !== 'object') return;
      const s = schema as RawSchemaLike;
      for (const [key, value] of Object.entries(s.properties ?? {})) {
        if (!/^[a-z][a-zA-Z0-9]*$/.test(key)) offenders.push(`${path}/properties/${key}`);
        visit(value, `${path}/properties/${key}`);
      }
      for (const key of ['items', 'additionalProperties'] as const) visit(s[key], `${path}/${key}`);
      for (const [i, branch] of (s.oneOf ?? []).entries()) visit(branch, `${path}/oneOf/${i}`);
    };
    for (const [name, schema] of Object.entries(schemas)) visit(schema, `/components/schemas/${name}`);
    expect(offenders).toEqual([]);
  });
});

interface RawSchemaLike {
  properties?: Record<string, unknown>;
  items?: unknown;
  additionalProperties?: unknown;
  oneOf?: unknown[];
}
