// The contract's cases, computed from the spec (through the generators' model): a message added to
// the spec without support in some package fails them. They are data, not vitest tests, so the same
// collection runs twice: as the suite's tests against the reference server, and in the coverage
// meta-test against a degraded server variant, each run earning its own coverage through the
// assertion helpers of `Contract`.
import type { MessageModel, RequestOperationModel } from '@customer-chat/spec-model';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { markdownDirectory, pages } from '@customer-chat/docs';
import type { ReferenceAgent } from '@customer-chat/reference-server';
import type { CustomerSDK } from '@customer-chat/sdk';
import { definitionGuards, validate, type MessageName } from '@customer-chat/validators';
import { expect } from 'vitest';
import { CaseContext, type ServerUnderTest, type Variant } from './context.js';
import { Contract, type EmittedPush, type PayloadExpectation } from './contract.js';
import type { CoverageReport } from './coverage.js';
import { messageByName, model, payloadFields, pushFrame } from './model.js';

export interface ContractCase {
  /** The describe block it belongs to. */
  suite: string;
  name: string;
  run(ctx: CaseContext): Promise<void>;
}

const pushes = model.messages.filter((m) => m.kind === 'push');
const lifecycle = model.lifecycle!;
const loginOperation = lifecycle.login.operation;
const readyRequest = model.requests.find((r) => r.id === lifecycle.ready.operation)!;
const events = lifecycle.events;
const errorMessage = model.messages.find((m) => m.kind === 'error')!;
const closeThreadRequest = model.requests.find((r) => r.id === 'closeThread')!;

type Call = (args: unknown) => Promise<unknown>;
/** The SDK's method of a request operation (`request(operation, ...)` for login, which has no method of its own). */
function sdkCall(api: CustomerSDK, operation: string): Call {
  if (operation === loginOperation) return (args) => (api.request as (operation: string, args: unknown) => Promise<unknown>).call(api, operation, args);
  const method = (api as unknown as Record<string, Call | undefined>)[operation];
  expect(method, `the SDK has no method ${operation}`).toBeTypeOf('function');
  return (args) => method!.call(api, args);
}

// ---- validators --------------------------------------------------------------------------------

const validatorCases: ContractCase[] = model.messages.map((message) => ({
  suite: 'validators accept every example of every message',
  name: message.name,
  run: async (ctx) => ctx.contract.expectValidatorsAccept(message),
}));

// ---- the SDK against pushes sent as the spec's examples ----------------------------------------

const sdkPushCases: ContractCase[] = pushes.map((message) => ({
  suite: 'every push: the reference server sends each example, the SDK emits it deep-equal',
  name: message.name,
  async run(ctx) {
    const { server, url } = await ctx.referenceServer();
    const { token, customerId } = server.issueToken();
    const api = ctx.sdk(url, token);
    await ctx.next(api, events.connected);
    const received: EmittedPush[] = [];
    for (const example of message.examples) {
      const event = message.clientEvent?.event ?? message.name;
      const arrived = ctx.next(api, event);
      expect(server.faults.sendRaw(customerId, JSON.stringify(pushFrame(message, example.payload)))).toBeGreaterThan(0);
      received.push({ example, emitted: await arrived });
    }
    ctx.contract.expectSdkEmitsPush(message, received);
  },
}));

// ---- the SDK against requests, answered with the spec's examples ------------------------------

const sdkRequestCases: ContractCase[] = model.requests.map((request) => ({
  suite: 'every request: the SDK sends a frame that validates and resolves with a reply that validates',
  name: request.id,
  async run(ctx) {
    const responder = await ctx.responder();
    const api = ctx.sdk(responder.url, 'token');
    const connected = await ctx.next(api, events.connected);
    // The handshake: login, then the ready request, whose reply is the connected event's payload.
    ctx.contract.expectSdkEmits(messageByName(events.connected), connected, readyRequest.response.examples[0]!.payload);
    const requestMessage = request.request;
    const responseMessage = request.response;
    // Every example through the SDK (login, sent by the handshake already, is sent once more on demand).
    const results: unknown[] = [];
    const call = sdkCall(api, request.id);
    for (const example of requestMessage.examples) results.push(await call(example.payload));
    const sent = responder.frames.filter((f) => f.action === request.action);
    for (const frame of sent) expect(frame.errors, JSON.stringify(frame.frame)).toBeUndefined();
    // The examples' frames are the last ones (login's handshake frame comes first).
    ctx.contract.expectSdkSends(
      requestMessage,
      sent.slice(-requestMessage.examples.length).map((f) => f.frame),
      requestMessage.examples.map((example) => example.payload),
    );
    ctx.contract.expectSdkResolves(responseMessage, results, responseMessage.examples[0]!.payload);
  },
}));

// ---- the reference server against requests ----------------------------------------------------

const serverRequestSuite = 'every request: the reference server answers it with a frame the spec allows';

const serverRequestCases: ContractCase[] = model.requests.map((request: RequestOperationModel) => ({
  suite: serverRequestSuite,
  name: request.id,
  async run(ctx) {
    const { server, url, tap } = await ctx.referenceServer();
    const { token } = server.issueToken();
    const api = ctx.sdk(url, token);
    await ctx.next(api, events.connected);
    // Real ids: examples name chats and threads that only exist in the examples.
    const { chat, thread } = await api.startChat({ events: [{ type: 'message', text: 'contract' }] });
    const example = structuredClone(request.request.examples.at(-1)!.payload) as Record<string, unknown>;
    if ('chat' in example) example.chat = chat.id;
    if ('thread' in example) example.thread = thread.id;
    if (Array.isArray(example.threads)) example.threads = [thread.id];
    // Login is the handshake's (with a token the server issued); the others are sent here.
    if (request.id !== loginOperation) {
      const result = await sdkCall(api, request.id)(example);
      expect(validate(request.response.name as MessageName, result).ok).toBe(true);
    }
    // On the wire: the last request of this action the SDK sent, and the server's reply to it.
    const sent = tap.lastSent(request.action);
    expect(sent, `no ${request.action} frame reached the server`).toBeDefined();
    ctx.contract.expectServerAnswers(request, sent!.frame, await tap.replyTo(sent!));
  },
}));

const serverErrorCase: ContractCase = {
  suite: serverRequestSuite,
  name: 'answers a request it cannot serve with the error response, which the SDK turns into a typed error',
  async run(ctx) {
    const { server, url, tap } = await ctx.referenceServer();
    const { token } = server.issueToken();
    const api = ctx.sdk(url, token);
    await ctx.next(api, events.connected);
    const error = await api.closeThread({ chat: 'no-such-chat' }).catch((e: unknown) => e);
    ctx.contract.expectSdkRejects(errorMessage, error, { code: model.errorTypes.find((e) => e.value === 'not_found')!.clientCode, type: 'not_found' });
    const sent = tap.lastSent(closeThreadRequest.action);
    expect(sent, `no ${closeThreadRequest.action} frame reached the server`).toBeDefined();
    const id = (sent!.frame as Record<string, unknown>)[model.correlationField];
    ctx.contract.expectServerSends(errorMessage, await tap.replyTo(sent!), { frameLike: { action: closeThreadRequest.action, [model.correlationField]: id } });
  },
};

// ---- the reference server sends every push when its cause happens -----------------------------

/** A customer connected through the tap with a chat, and an agent (not yet in the chat). */
interface PushWorld extends ServerUnderTest {
  ctx: CaseContext;
  api: CustomerSDK;
  customerId: string;
  chat: string;
  thread: string;
  agent: ReferenceAgent;
}

/** Does `cause`, then asserts the first `name` push the server sent after it. */
async function expectPushAfter(world: PushWorld, name: string, cause: () => unknown, expected: PayloadExpectation): Promise<void> {
  const from = world.tap.mark();
  await cause();
  world.ctx.contract.expectServerSends(messageByName(name), await world.tap.nextPush(name, from), expected);
}

/** How to make the reference server send each push, with what it must carry. */
const pushCauses: Record<string, (world: PushWorld) => Promise<void>> = {
  // Logging in: the server tells the customer its id, and introduces it.
  customer_id: async (w) => w.ctx.contract.expectServerSends(messageByName('customer_id'), await w.tap.nextPush('customer_id'), { payload: w.customerId }),
  user_data: async (w) => {
    w.ctx.contract.expectServerSends(messageByName('user_data'), await w.tap.nextPush('user_data'), { payloadLike: { id: w.customerId } });
    await expectPushAfter(w, 'user_data', () => w.agent.joinChat(w.chat), { payload: w.agent.user });
  },
  user_joined_chat: (w) => expectPushAfter(w, 'user_joined_chat', () => w.agent.joinChat(w.chat), { payload: { chat: w.chat, user: w.agent.id } }),
  new_event: async (w) => {
    w.agent.joinChat(w.chat);
    await expectPushAfter(w, 'new_event', () => w.agent.sendMessage(w.chat, 'from the agent'), { payloadLike: { type: 'message', text: 'from the agent', chat: w.chat } });
  },
  user_is_typing: async (w) => {
    w.agent.joinChat(w.chat);
    await expectPushAfter(w, 'user_is_typing', () => w.agent.startTyping(w.chat), { payload: { chat: w.chat, user: w.agent.id } });
  },
  user_stopped_typing: async (w) => {
    w.agent.joinChat(w.chat);
    w.agent.startTyping(w.chat);
    await expectPushAfter(w, 'user_stopped_typing', () => w.agent.stopTyping(w.chat), { payload: { chat: w.chat, user: w.agent.id } });
  },
  last_seen_timestamp_updated: async (w) => {
    w.agent.joinChat(w.chat);
    await expectPushAfter(w, 'last_seen_timestamp_updated', () => w.agent.readChat(w.chat), { payloadLike: { chat: w.chat, user: w.agent.id } });
  },
  thread_closed: async (w) => {
    w.agent.joinChat(w.chat);
    await expectPushAfter(w, 'thread_closed', () => w.agent.closeThread(w.chat), { payloadLike: { chat: w.chat, thread: w.thread } });
  },
  thread_metada: async (w) => {
    w.agent.joinChat(w.chat);
    await expectPushAfter(w, 'thread_metada', () => w.agent.startThread(w.chat), { payloadLike: { chat: w.chat, order: 2 } });
  },
  chat_properties_updated: async (w) => {
    w.agent.joinChat(w.chat);
    const properties = { rating: { score: 4 } };
    await expectPushAfter(w, 'chat_properties_updated', () => w.agent.updateChatProperties(w.chat, properties), { payload: { chat: w.chat, properties } });
  },
  chat_thread_properties_updated: async (w) => {
    w.agent.joinChat(w.chat);
    const properties = { routing: { topic: 'returns' } };
    await expectPushAfter(w, 'chat_thread_properties_updated', () => w.agent.updateThreadProperties(w.chat, w.thread, properties), { payload: { chat: w.chat, thread: w.thread, properties } });
  },
  user_left_chat: async (w) => {
    w.agent.joinChat(w.chat);
    await expectPushAfter(w, 'user_left_chat', () => w.agent.leaveChat(w.chat), { payload: { chat: w.chat, user: w.agent.id } });
  },
  customer_disconnected: (w) => expectPushAfter(w, 'customer_disconnected', () => w.server.disconnectCustomer(w.customerId, 'inactivity_timeout'), { payloadLike: { reason: 'inactivity_timeout' } }),
};

const serverPushCases: ContractCase[] = pushes.map((message) => ({
  suite: 'every push: the reference server sends it when its cause happens, in a frame the spec allows',
  name: message.name,
  async run(ctx) {
    const cause = pushCauses[message.name];
    expect(cause, `how to make the reference server send ${message.name} is unknown: add it to pushCauses`).toBeDefined();
    const under = await ctx.referenceServer();
    const { token, customerId } = under.server.issueToken();
    const api = ctx.sdk(under.url, token);
    await ctx.next(api, events.connected);
    const { chat, thread } = await api.startChat({});
    await cause!({ ...under, ctx, api, customerId, chat: chat.id, thread: thread.id, agent: under.server.agent('agent@contract.example') });
  },
}));

// ---- scenarios ---------------------------------------------------------------------------------

const scenarioSuite = 'scenario flows across messages';

/**
 * Does `cause`; `listener` must then emit the push `name` with the payload `expected` gives for
 * the cause's result (equal, or `like`), and the server must have sent it as a push (the tap saw it).
 */
async function expectPushFromCause<T>(
  ctx: CaseContext,
  tap: ServerUnderTest['tap'],
  listener: CustomerSDK,
  name: string,
  cause: () => T | Promise<T>,
  expected: (result: T) => Record<string, unknown>,
  compare: 'equal' | 'like' = 'equal',
): Promise<T> {
  const emitted = ctx.next(listener, name);
  const from = tap.mark();
  const result = await cause();
  const payload = expected(result);
  ctx.contract.expectSdkEmits(push(name), await emitted, payload, compare);
  ctx.contract.expectServerSends(push(name), await tap.nextPush(name, from), compare === 'equal' ? { payload } : { payloadLike: payload });
  return result;
}

/** One customer on two connected SDKs (what one does, the other is told), with a chat started by the first. */
async function customerTwiceWithChat(ctx: CaseContext) {
  const { server, url, tap } = await ctx.referenceServer();
  const { token } = server.issueToken();
  const api = ctx.sdk(url, token);
  const other = ctx.sdk(url, token);
  await Promise.all([ctx.next(api, events.connected), ctx.next(other, events.connected)]);
  const { chat } = await api.startChat({});
  return { tap, api, other, chat };
}
const push = (name: string): MessageModel => messageByName(name);

const scenarioCases: ContractCase[] = [
  {
    suite: scenarioSuite,
    name: 'login -> start_chat -> send_event => the agent has it, and its answer comes back as new_event',
    async run(ctx) {
      const { server, url, tap } = await ctx.referenceServer();
      const { token, customerId } = server.issueToken();
      const api = ctx.sdk(url, token);
      await ctx.next(api, events.connected);
      // The login: the customer's id, then the customer introduced.
      ctx.contract.expectServerSends(push('customer_id'), await tap.nextPush('customer_id'), { payload: customerId });
      ctx.contract.expectServerSends(push('user_data'), await tap.nextPush('user_data'), { payloadLike: { id: customerId } });
      const { chat } = await api.startChat({});
      const agent = server.agent('agent@contract.example');
      // The agent joins: introduced by user_data, then user_joined_chat right after it.
      const joinedEvent = ctx.next(api, 'user_joined_chat');
      const beforeJoin = tap.mark();
      agent.joinChat(chat.id);
      const introduction = await tap.nextPush('user_data', beforeJoin);
      ctx.contract.expectServerSends(push('user_data'), introduction, { payload: agent.user });
      const joined = await tap.nextPush('user_joined_chat', beforeJoin);
      ctx.contract.expectServerSends(push('user_joined_chat'), joined, { payload: { chat: chat.id, user: agent.id } });
      expect(tap.received.findIndex((e) => e.frame === joined), 'user_joined_chat right after the user_data').toBe(tap.received.findIndex((e) => e.frame === introduction) + 1);
      ctx.contract.expectSdkEmits(push('user_joined_chat'), await joinedEvent, { chat: chat.id, user: agent.id });
      const { event } = await api.sendMessage(chat.id, 'hello', 'c-1');
      expect(event).toMatchObject({ type: 'message', text: 'hello', customId: 'c-1' });
      // The agent's side: the stored chat holds the customer's message.
      expect(server.store.chatSummary(chat.id).lastEventsPerType.message).toMatchObject({ text: 'hello', customId: 'c-1' });
      const answer = ctx.next(api, 'new_event');
      const beforeAnswer = tap.mark();
      agent.sendMessage(chat.id, 'hi back');
      ctx.contract.expectSdkEmits(push('new_event'), await answer, { type: 'message', text: 'hi back', chat: chat.id }, 'like');
      ctx.contract.expectServerSends(push('new_event'), await tap.nextPush('new_event', beforeAnswer), { payloadLike: { type: 'message', text: 'hi back', chat: chat.id } });
    },
  },
  {
    suite: scenarioSuite,
    name: 'typing on and off',
    async run(ctx) {
      const { server, url, tap } = await ctx.referenceServer();
      const { token } = server.issueToken();
      const api = ctx.sdk(url, token);
      await ctx.next(api, events.connected);
      const { chat } = await api.startChat({});
      const agent = server.agent('agent@contract.example');
      agent.joinChat(chat.id);
      const typing = { chat: chat.id, user: agent.id };
      const on = ctx.next(api, 'user_is_typing');
      const beforeOn = tap.mark();
      agent.startTyping(chat.id);
      ctx.contract.expectSdkEmits(push('user_is_typing'), await on, typing);
      ctx.contract.expectServerSends(push('user_is_typing'), await tap.nextPush('user_is_typing', beforeOn), { payload: typing });
      const off = ctx.next(api, 'user_stopped_typing');
      const beforeOff = tap.mark();
      agent.stopTyping(chat.id);
      ctx.contract.expectSdkEmits(push('user_stopped_typing'), await off, typing);
      ctx.contract.expectServerSends(push('user_stopped_typing'), await tap.nextPush('user_stopped_typing', beforeOff), { payload: typing });
    },
  },
  {
    suite: scenarioSuite,
    name: 'close thread => thread_closed; properties, reading, a new thread, leaving',
    async run(ctx) {
      const { server, url, tap } = await ctx.referenceServer();
      const { token } = server.issueToken();
      const api = ctx.sdk(url, token);
      await ctx.next(api, events.connected);
      const { chat, thread } = await api.startChat({});
      const agent = server.agent('agent@contract.example');
      agent.joinChat(chat.id);
      const step = (name: string, cause: () => unknown, expected: Record<string, unknown>, compare: 'equal' | 'like') => expectPushFromCause(ctx, tap, api, name, cause, () => expected, compare);
      await step('thread_closed', () => api.closeThread({ chat: chat.id }), { chat: chat.id, thread: thread.id }, 'like');
      await step('chat_properties_updated', () => agent.updateChatProperties(chat.id, { rating: { score: 5 } }), { chat: chat.id, properties: { rating: { score: 5 } } }, 'equal');
      await step('chat_thread_properties_updated', () => agent.updateThreadProperties(chat.id, thread.id, { routing: { topic: 'billing' } }), { chat: chat.id, thread: thread.id, properties: { routing: { topic: 'billing' } } }, 'equal');
      await step('last_seen_timestamp_updated', () => agent.readChat(chat.id), { chat: chat.id, user: agent.id }, 'like');
      await step('thread_metada', () => agent.startThread(chat.id), { chat: chat.id, order: 2 }, 'like');
      await step('user_left_chat', () => agent.leaveChat(chat.id), { chat: chat.id, user: agent.id }, 'equal');
    },
  },
  {
    suite: scenarioSuite,
    name: 'link dropped => connection_lost => connection_restored; the server ends the session => disconnected',
    async run(ctx) {
      const { server, url, tap } = await ctx.referenceServer();
      const { token, customerId } = server.issueToken();
      const api = ctx.sdk(url, token);
      await ctx.next(api, events.connected);
      const lost = ctx.next(api, events.lost);
      const restored = ctx.next(api, events.restored);
      server.faults.dropConnections(customerId);
      ctx.contract.expectSdkEmits(messageByName(events.lost), await lost, undefined);
      ctx.contract.expectSdkEmits(messageByName(events.restored), await restored, { totalChats: 0 }, 'like');
      const disconnected = ctx.next(api, events.disconnected);
      const beforeEnd = tap.mark();
      server.disconnectCustomer(customerId, 'inactivity_timeout');
      ctx.contract.expectSdkEmits(messageByName(events.disconnected), await disconnected, 'inactivity_timeout');
      ctx.contract.expectServerSends(push('customer_disconnected'), await tap.nextPush('customer_disconnected', beforeEnd), { payloadLike: { reason: 'inactivity_timeout' } });
    },
  },
  {
    suite: scenarioSuite,
    name: 'a reply slower than unstableAfter => connection_unstable; its answer => connection_recovered',
    async run(ctx) {
      const { server, url } = await ctx.referenceServer();
      const { token } = server.issueToken();
      const api = ctx.sdk(url, token, { unstableAfter: 100 });
      await ctx.next(api, events.connected);
      const unstable = ctx.next(api, events.unstable!);
      const recovered = ctx.next(api, events.recovered!);
      server.faults.setReplyDelay(400);
      const reply = api.startChat({});
      ctx.contract.expectSdkEmits(messageByName(events.unstable!), await unstable, undefined);
      server.faults.setReplyDelay(0);
      await reply;
      ctx.contract.expectSdkEmits(messageByName(events.recovered!), await recovered, undefined);
    },
  },
  {
    suite: scenarioSuite,
    name: 'sendFile => the upload, then send_event with a file event => new_event on the customer\'s other connection',
    async run(ctx) {
      const { tap, api, other, chat } = await customerTwiceWithChat(ctx);
      const sendFile = () => api.sendFile(chat.id, new Blob(['contract file'], { type: 'text/plain' }), { name: 'contract.txt' });
      const { event } = await expectPushFromCause(ctx, tap, other, 'new_event', sendFile, (result) => result.event as unknown as Record<string, unknown>);
      expect(event).toMatchObject({ type: 'file', name: 'contract.txt', contentType: 'text/plain', size: 13 });
      expect(await (await fetch((event as { url: string }).url)).text()).toBe('contract file');
    },
  },
  {
    suite: scenarioSuite,
    name: 'rateChat => update_chat_properties with a Rating => chat_properties_updated carrying it',
    async run(ctx) {
      const { tap, api, other, chat } = await customerTwiceWithChat(ctx);
      const rating = { score: 4, comment: 'contract' };
      await expectPushFromCause(ctx, tap, other, 'chat_properties_updated', () => api.rateChat(chat.id, rating), () => ({ chat: chat.id, properties: { rating } }));
      // What went out is the rating as given, and a Rating of the spec.
      const sent = tap.lastSent('update_chat_properties')?.frame as { payload?: { properties?: { rating?: unknown } } } | undefined;
      expect(sent?.payload?.properties?.rating).toEqual(rating);
      expect(validUnder('Rating', sent?.payload?.properties?.rating)).toBe(true);
    },
  },
];

// ---- HTTP operations (x-http) ---------------------------------------------------------------------

type HttpOperation = (typeof model.http)[number];

/** Whether `body` is valid under the named schema (the validators' guard of that definition). */
function validUnder(schema: string, body: unknown): boolean {
  const guard = (definitionGuards as Record<string, ((value: unknown) => boolean) | undefined>)[schema];
  expect(guard, `the validators have no guard for ${schema}`).toBeTypeOf('function');
  return guard!(body);
}

/** Ways to make the operation fail, each from what the spec says of it, and the status it must get. */
function refusalsOf(operation: HttpOperation): Array<{ name: string; status: number; query?: URLSearchParams; headers?: Record<string, string>; body?: Uint8Array<ArrayBuffer> }> {
  const refusals: Array<{ name: string; status: number; query?: URLSearchParams; headers?: Record<string, string>; body?: Uint8Array<ArrayBuffer> }> = [];
  if (operation.auth === 'bearer') refusals.push({ name: 'no token', status: 401, headers: { authorization: '' } });
  for (const q of operation.query.filter((p) => p.required)) {
    refusals.push({ name: `no ${q.name}`, status: 400, query: new URLSearchParams([...validQuery(operation)].filter(([name]) => name !== q.name)) });
  }
  if (operation.body !== undefined) {
    refusals.push({ name: 'a content type it does not list', status: 415, headers: { 'content-type': 'application/x-not-listed' } });
    refusals.push({ name: 'a body one byte over maxBytes', status: 413, body: new Uint8Array(operation.body.maxBytes + 1) });
  }
  return refusals;
}

function validQuery(operation: HttpOperation): URLSearchParams {
  return new URLSearchParams(operation.query.filter((q) => q.required).map((q) => [q.name, 'contract']));
}

async function callHttp(base: string, operation: HttpOperation, token: string, change: { query?: URLSearchParams; headers?: Record<string, string>; body?: Uint8Array<ArrayBuffer> } = {}): Promise<{ status: number; body: unknown }> {
  const query = change.query ?? validQuery(operation);
  const headers: Record<string, string> = { ...(operation.auth === 'bearer' ? { authorization: `Bearer ${token}` } : {}), ...(operation.body === undefined ? {} : { 'content-type': operation.body.contentTypes[0]! }), ...change.headers };
  const body = operation.body === undefined ? undefined : (change.body ?? new Uint8Array([1, 2, 3]));
  const response = await fetch(`${base}${operation.path}?${query.toString()}`, { method: operation.method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

const httpCases: ContractCase[] = model.http.flatMap((operation): ContractCase[] => [
  {
    suite: 'every HTTP operation: the reference server answers as the spec says',
    name: `${operation.id}: ${operation.response.status} with a ${operation.response.schema}`,
    async run(ctx) {
      // Straight to the server (the tap relays HTTP too, but a refusal that cuts an upload short is the server's to make).
      const { server } = await ctx.referenceServer();
      const { token } = server.issueToken();
      const answer = await callHttp(server.url.replace(/^ws/, 'http'), operation, token);
      expect(answer.status, JSON.stringify(answer.body)).toBe(operation.response.status);
      expect(validUnder(operation.response.schema, answer.body), `${operation.response.schema}: ${JSON.stringify(answer.body)}`).toBe(true);
    },
  },
  ...refusalsOf(operation).map((refusal): ContractCase => ({
    suite: 'every HTTP operation: the reference server answers as the spec says',
    name: `${operation.id}: ${refusal.name} => ${refusal.status} with a ${operation.errors.schema}`,
    async run(ctx) {
      // Straight to the server (the tap relays HTTP too, but a refusal that cuts an upload short is the server's to make).
      const { server } = await ctx.referenceServer();
      const { token } = server.issueToken();
      const answer = await callHttp(server.url.replace(/^ws/, 'http'), operation, token, refusal);
      expect(operation.errors.statuses.map((s) => s.status), `the spec lists ${refusal.status} for ${operation.id}`).toContain(refusal.status);
      expect(answer.status, JSON.stringify(answer.body)).toBe(refusal.status);
      expect(validUnder(operation.errors.schema, answer.body), `${operation.errors.schema}: ${JSON.stringify(answer.body)}`).toBe(true);
    },
  })),
  {
    suite: 'the docs show every HTTP operation with its query, body and statuses',
    name: operation.id,
    async run() {
      const text = section(await docsMarkdown(), operation.id);
      expect(text, `the docs have no section ${operation.id}`).toBeDefined();
      expect(text).toContain(`${operation.method} ${operation.path}`);
      for (const q of operation.query) expect(text).toContain(`query \`${q.name}\``);
      for (const type of operation.body?.contentTypes ?? []) expect(text).toContain(`\`${type}\``);
      for (const s of operation.errors.statuses) expect(text).toMatch(new RegExp(`\\| \`${s.status}\` +\\|`));
    },
  },
]);

// ---- docs --------------------------------------------------------------------------------------

let markdown: Promise<string> | undefined;
/** The Markdown pages the docs package ships (its build runs before these tests), read once. */
const docsMarkdown = (): Promise<string> =>
  (markdown ??= Promise.all(pages.map((page) => readFile(join(markdownDirectory, `${page}.md`), 'utf8'))).then((texts) => texts.join('\n')));

/** The text of the section whose heading is exactly `title`, up to the next heading of its level or above. */
function section(text: string, title: string): string | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^#{2,3} /.test(line) && line.replace(/^#+ /, '') === title);
  if (start < 0) return undefined;
  const level = /^#+/.exec(lines[start]!)![0].length;
  const end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && /^#+/.exec(line)![0].length <= level);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

function headingFor(m: MessageModel): string {
  if (m.kind === 'request') return model.requests.find((r) => r.request === m)!.id;
  if (m.kind === 'response') return model.requests.find((r) => r.response === m)!.id;
  if (m.kind === 'error') return 'Error frame';
  return m.name;
}

/**
 * The part of a method's section under `label` (`Arguments:`, `Result:`), up to the next label: a
 * line ending in `:` that is not a table row. Undefined when the label is missing.
 */
function labelled(text: string | undefined, label: string): string | undefined {
  const lines = text?.split('\n') ?? [];
  const start = lines.indexOf(label);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && /^[A-Z][^|]*:$/.test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

const docsCases: ContractCase[] = model.messages.map((message) => ({
  suite: 'the docs show every message with every field',
  name: message.name,
  async run(ctx) {
    const heading = headingFor(message);
    const whole = section(await docsMarkdown(), heading);
    // A request's fields in its Arguments table, a response's in its Result table: not anywhere in
    // the method's section, where an argument of the same name would stand in for a missing result.
    const part = message.kind === 'request' ? labelled(whole, 'Arguments:') : message.kind === 'response' ? labelled(whole, 'Result:') : whole;
    ctx.contract.expectDocsShow(message, heading, part, payloadFields(message));
  },
}));

// ---- running them ------------------------------------------------------------------------------

/** Every case of the contract, in suite order. */
export function contractCases(): ContractCase[] {
  return [...validatorCases, ...sdkPushCases, ...sdkRequestCases, ...serverRequestCases, serverErrorCase, ...serverPushCases, ...scenarioCases, ...httpCases, ...docsCases];
}

/** Runs one case against a variant; whatever it earns goes to `contract`. Cleans up, and rethrows the case's failure first. */
export async function runCase(contractCase: ContractCase, contract: Contract, variant: Variant): Promise<void> {
  const ctx = new CaseContext(contract, variant);
  let failure: { error: unknown } | undefined;
  try {
    await contractCase.run(ctx);
  } catch (error) {
    failure = { error };
  }
  try {
    await ctx.cleanup();
  } catch (error) {
    failure ??= { error };
  }
  if (failure) throw failure.error;
}

export interface CollectedCoverage {
  report: CoverageReport;
  /** The cases that failed, by `suite > name`, with their first error line. */
  failures: Array<{ case: string; error: string }>;
}

/**
 * Runs every case against a variant with a fresh ledger (a few at a time; each case has its own
 * servers) and computes the coverage its passing assertions earned: the suite's computation, as a
 * function of the variant.
 */
export async function collectCoverage(variant: Variant, cases: readonly ContractCase[] = contractCases(), concurrency = 8): Promise<CollectedCoverage> {
  // Rendering the site blocks the event loop for seconds: done first, it cannot make a timed wait
  // of a concurrent case (an SDK event, a frame) run out.
  await docsMarkdown();
  const contract = new Contract();
  const failures: CollectedCoverage['failures'] = [];
  const queue = [...cases];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      try {
        await runCase(next, contract, variant);
      } catch (error) {
        failures.push({ case: `${next.suite} > ${next.name}`, error: (error instanceof Error ? error.message : String(error)).split('\n')[0]! });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  failures.sort((a, b) => a.case.localeCompare(b.case));
  return { report: contract.report(), failures };
}
