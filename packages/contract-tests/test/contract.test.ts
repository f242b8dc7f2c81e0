// The contract suite. Every case is computed from the spec (through the generators' model): a
// message added to the spec without support in some package fails it. The last test prints the
// coverage of messages x artifacts, which must be complete.
import { createReferenceServer, type ReferenceServer } from '@customer-chat/reference-server';
import { createCustomerSDK, type CustomerSDK } from '@customer-chat/sdk';
import { validate, type MessageName } from '@customer-chat/validators';
import { afterEach, describe, expect, it } from 'vitest';
import { renderSite } from '@customer-chat/docs';
import type { MessageModel } from '@customer-chat/codegen/model';
import { Coverage } from '../src/coverage.js';
import { messageByKey, model, pushFrame } from '../src/model.js';
import { startResponder } from '../src/responder.js';

const coverage = new Coverage(model.messages);
const pushes = model.messages.filter((m) => m.kind === 'push');
const loginOperation = model.lifecycle!.login.operation;
const readyOperation = model.lifecycle!.ready.operation;
const events = model.lifecycle!.events;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Resolves with the next payload of an event (or rejects after a while, naming it). */
function next(api: CustomerSDK, name: string, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} within ${timeoutMs} ms`)), timeoutMs);
    (api.once as (name: string, handler: (payload: unknown) => void) => void)(name, (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

async function referenceServer(): Promise<ReferenceServer> {
  const server = await createReferenceServer({ port: 0, validateOutgoing: true });
  cleanups.push(async () => {
    expect(server.violations).toEqual([]);
    await server.close();
  });
  return server;
}

function sdk(url: string, token: string, options: { reconnect?: { initialDelay: number; maxDelay: number } } = {}): CustomerSDK {
  const api = createCustomerSDK({ url, licenseId: 'contract', getToken: () => token, reconnect: options.reconnect ?? { initialDelay: 20, maxDelay: 100 } });
  cleanups.unshift(() => api.destroy());
  return api;
}

describe('validators accept every example of every message', () => {
  it.each(model.messages.map((m) => [m.name, m] as const))('%s', (name, message) => {
    expect(message.examples.length).toBeGreaterThan(0);
    for (const example of message.examples) {
      const result = validate(name as MessageName, example.payload);
      expect(result.ok ? [] : result.errors, example.name).toEqual([]);
    }
    coverage.mark(name, 'validators');
  });
});

describe('every push: the reference server sends each example, the SDK emits it deep-equal', () => {
  it.each(pushes.map((m) => [m.name, m] as const))('%s', async (name, message) => {
    const server = await referenceServer();
    const { token, customerId } = server.issueToken();
    const api = sdk(server.url, token);
    await next(api, events.connected);
    for (const example of message.examples) {
      const event = message.clientEvent?.event ?? name;
      const arrived = next(api, event);
      expect(server.faults.sendRaw(customerId, JSON.stringify(pushFrame(message, example.payload)))).toBeGreaterThan(0);
      const expected = message.clientEvent ? readPointer(example.payload, message.clientEvent.payload) : example.payload;
      expect(await arrived, example.name).toEqual(expected);
      if (message.clientEvent) coverage.mark(message.clientEvent.event, 'sdk');
    }
    coverage.mark(name, 'sdk');
  });
});

describe('every request: the SDK sends a frame that validates and resolves with a reply that validates', () => {
  it.each(model.requests.map((r) => [r.id, r] as const))('%s', async (id, request) => {
    const responder = await startResponder();
    cleanups.push(() => responder.close());
    const api = sdk(responder.url, 'token');
    const connected = await next(api, events.connected);
    // The handshake: login, then the ready request, whose reply is the connected event's payload.
    expect(connected).toEqual(messageByKey(model.requests.find((r) => r.id === readyOperation)!.response).examples[0]!.payload);
    coverage.mark(events.connected, 'sdk');
    const requestMessage = messageByKey(request.request);
    const responseMessage = messageByKey(request.response);
    if (id !== loginOperation) {
      for (const example of requestMessage.examples) {
        const call = (api as unknown as Record<string, (args: unknown) => Promise<unknown>>)[id]!;
        const result = await call.call(api, example.payload);
        expect(result).toEqual(responseMessage.examples[0]!.payload);
        expect(validate(responseMessage.name as MessageName, result).ok).toBe(true);
      }
    }
    const sent = responder.frames.filter((f) => f.action === request.action);
    expect(sent.length).toBeGreaterThan(0);
    for (const frame of sent) expect(frame.errors, JSON.stringify(frame.frame)).toBeUndefined();
    coverage.mark(requestMessage.name, 'sdk');
    coverage.mark(responseMessage.name, 'sdk');
  });
});

describe('every request: the reference server answers it with a frame the spec allows', () => {
  it.each(model.requests.map((r) => [r.id, r] as const))('%s', async (id, request) => {
    const server = await referenceServer();
    const { token } = server.issueToken();
    const api = sdk(server.url, token);
    await next(api, events.connected);
    // Real ids: examples name chats and threads that only exist in the examples.
    const { chat, thread } = await api.startChat({ events: [{ type: 'message', text: 'contract' }] });
    const example = structuredClone(messageByKey(request.request).examples.at(-1)!.payload) as Record<string, unknown>;
    if ('chat' in example) example.chat = chat.id;
    if ('thread' in example) example.thread = thread.id;
    if (Array.isArray(example.threads)) example.threads = [thread.id];
    if (id !== loginOperation) {
      const call = (api as unknown as Record<string, (args: unknown) => Promise<unknown>>)[id]!;
      const result = await call.call(api, example);
      expect(validate(messageByKey(request.response).name as MessageName, result).ok).toBe(true);
    }
    coverage.mark(messageByKey(request.request).name, 'server');
    coverage.mark(messageByKey(request.response).name, 'server');
  });

  it('answers a request it cannot serve with the error response, which the SDK turns into a typed error', async () => {
    const server = await referenceServer();
    const { token } = server.issueToken();
    const api = sdk(server.url, token);
    await next(api, events.connected);
    const error = await api.closeThread({ chat: 'no-such-chat' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: model.errorTypes.find((e) => e.value === 'not_found')!.clientCode, type: 'not_found' });
    const errorMessage = model.messages.find((m) => m.kind === 'error')!;
    coverage.mark(errorMessage.name, 'server');
    coverage.mark(errorMessage.name, 'sdk');
  });
});

describe('scenario flows across messages', () => {
  it('login -> start_chat -> send_event => the agent has it, and its answer comes back as new_event', async () => {
    const server = await referenceServer();
    const { token } = server.issueToken();
    const api = sdk(server.url, token);
    await next(api, events.connected);
    const { chat } = await api.startChat({});
    const agent = server.agent('agent@contract.example');
    agent.joinChat(chat.id);
    const { event } = await api.sendMessage(chat.id, 'hello', 'c-1');
    expect(event).toMatchObject({ type: 'message', text: 'hello', customId: 'c-1' });
    // The agent's side: the stored chat holds the customer's message.
    expect(server.store.chatSummary(chat.id).lastEventsPerType.message).toMatchObject({ text: 'hello', customId: 'c-1' });
    const answer = next(api, 'new_event');
    agent.sendMessage(chat.id, 'hi back');
    expect(await answer).toMatchObject({ type: 'message', text: 'hi back', chat: chat.id });
    coverage.mark('new_event', 'server');
    coverage.mark('user_data', 'server');
    coverage.mark('user_joined_chat', 'server');
    coverage.mark('customer_id', 'server');
  });

  it('typing on and off', async () => {
    const server = await referenceServer();
    const { token } = server.issueToken();
    const api = sdk(server.url, token);
    await next(api, events.connected);
    const { chat } = await api.startChat({});
    const agent = server.agent('agent@contract.example');
    agent.joinChat(chat.id);
    const on = next(api, 'user_is_typing');
    agent.startTyping(chat.id);
    expect(await on).toEqual({ chat: chat.id, user: agent.id });
    const off = next(api, 'user_stopped_typing');
    agent.stopTyping(chat.id);
    expect(await off).toEqual({ chat: chat.id, user: agent.id });
    coverage.mark('user_is_typing', 'server');
    coverage.mark('user_stopped_typing', 'server');
  });

  it('close thread => thread_closed; properties, reading, a new thread, leaving', async () => {
    const server = await referenceServer();
    const { token } = server.issueToken();
    const api = sdk(server.url, token);
    await next(api, events.connected);
    const { chat, thread } = await api.startChat({});
    const agent = server.agent('agent@contract.example');
    agent.joinChat(chat.id);
    const closed = next(api, 'thread_closed');
    await api.closeThread({ chat: chat.id });
    expect(await closed).toMatchObject({ chat: chat.id, thread: thread.id });
    const chatProperties = next(api, 'chat_properties_updated');
    agent.updateChatProperties(chat.id, { rating: { score: 5 } });
    expect(await chatProperties).toEqual({ chat: chat.id, properties: { rating: { score: 5 } } });
    const threadProperties = next(api, 'chat_thread_properties_updated');
    agent.updateThreadProperties(chat.id, thread.id, { routing: { topic: 'billing' } });
    expect(await threadProperties).toEqual({ chat: chat.id, thread: thread.id, properties: { routing: { topic: 'billing' } } });
    const seen = next(api, 'last_seen_timestamp_updated');
    agent.readChat(chat.id);
    expect(await seen).toMatchObject({ chat: chat.id, user: agent.id });
    const summary = next(api, 'thread_metada');
    agent.startThread(chat.id);
    expect(await summary).toMatchObject({ chat: chat.id, order: 2 });
    const left = next(api, 'user_left_chat');
    agent.leaveChat(chat.id);
    expect(await left).toEqual({ chat: chat.id, user: agent.id });
    for (const name of ['thread_closed', 'chat_properties_updated', 'chat_thread_properties_updated', 'last_seen_timestamp_updated', 'thread_metada', 'user_left_chat']) {
      coverage.mark(name, 'server');
    }
  });

  it('link dropped => connection_lost => connection_restored; the server ends the session => disconnected', async () => {
    const server = await referenceServer();
    const { token, customerId } = server.issueToken();
    const api = sdk(server.url, token);
    await next(api, events.connected);
    const lost = next(api, events.lost);
    const restored = next(api, events.restored);
    server.faults.dropConnections(customerId);
    expect(await lost).toBeUndefined();
    expect(await restored).toMatchObject({ totalChats: 0 });
    const disconnected = next(api, events.disconnected);
    server.disconnectCustomer(customerId, 'inactivity_timeout');
    expect(await disconnected).toBe('inactivity_timeout');
    coverage.mark(events.lost, 'sdk');
    coverage.mark(events.restored, 'sdk');
    coverage.mark(events.disconnected, 'sdk');
    coverage.mark('customer_disconnected', 'server');
  });
});

describe('the docs show every message with every field', async () => {
  const { files } = await renderSite();
  const markdown = files.filter((f) => f.path.startsWith('markdown/')).map((f) => f.content).join('\n');
  /** The text of the section whose heading is exactly `title`, up to the next heading of its level or above. */
  const section = (title: string): string | undefined => {
    const lines = markdown.split('\n');
    const start = lines.findIndex((line) => /^#{2,3} /.test(line) && line.replace(/^#+ /, '') === title);
    if (start < 0) return undefined;
    const level = /^#+/.exec(lines[start]!)![0].length;
    const end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && /^#+/.exec(line)![0].length <= level);
    return lines.slice(start, end < 0 ? undefined : end).join('\n');
  };
  const headingFor = (m: MessageModel): string => {
    if (m.kind === 'request') return model.requests.find((r) => r.request === m.key)!.id;
    if (m.kind === 'response') return model.requests.find((r) => r.response === m.key)!.id;
    if (m.kind === 'error') return 'Error frame';
    return m.name;
  };

  it.each(model.messages.map((m) => [m.name, m] as const))('%s', (name, message) => {
    const text = section(headingFor(message));
    expect(text, `no section "${headingFor(message)}" in the docs`).toBeDefined();
    for (const field of payloadFields(message)) expect(text, `${name}: field ${field}`).toMatch(new RegExp(`\\| ${field} +\\|`));
    coverage.mark(name, 'docs');
  });
});

describe('coverage', () => {
  // Runs last (tests of a file run in order): every message x artifact cell must have been checked.
  it('covers every message with every artifact it concerns', () => {
    // eslint-disable-next-line no-console -- the suite's report line
    console.log(coverage.summary());
    expect(coverage.cells().filter((c) => !c.covered)).toEqual([]);
  });
});

/** Top-level fields of a message's payload (every branch of a union), from the model's schemas. */
function payloadFields(message: MessageModel): string[] {
  const byName = new Map(model.schemas.map((s) => [s.name, s.schema]));
  const resolve = (schema: Record<string, unknown>): Record<string, unknown> =>
    typeof schema.$ref === 'string' ? resolve(byName.get(schema.$ref.replace('#/definitions/', '')) ?? {}) : schema;
  if (!message.payload) return [];
  const root = resolve({ $ref: `#/definitions/${message.payload.ref}` });
  const branches = Array.isArray(root.oneOf) ? (root.oneOf as Array<Record<string, unknown>>).map(resolve) : [root];
  return [...new Set(branches.flatMap((b) => Object.keys((b.properties ?? {}) as object)))];
}

function readPointer(value: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((node, segment) => (node as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')], value);
}

