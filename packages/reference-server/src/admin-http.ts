// The admin endpoint: a small HTTP/JSON API (node:http, no framework) to issue tokens, drive agents,
// end sessions and inject faults from outside the process (a demo, curl, a test in another
// language). One route table serves both the dispatch and the `GET /` listing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Properties } from '@customer-chat/validators';
import type { AgentDetails, AgentEventDraft, FileDraft, ReferenceAgent } from './agent.js';
import { ProtocolError } from './errors.js';
import type { Faults } from './faults.js';
import { disconnectionReasons, type DisconnectionReason, type ErrorType } from './gen/protocol.js';
import type { ChatStore } from './chat-store.js';

/** What the admin endpoint drives. */
export interface AdminApi {
  issueToken(customerId?: string): { token: string; customerId: string };
  agent(agentId: string, details?: AgentDetails): ReferenceAgent;
  disconnectCustomer(customerId: string, reason: DisconnectionReason): number;
  readonly faults: Faults;
  readonly store: ChatStore;
  connections(customerId?: string): number;
}

const MAX_BODY_BYTES = 1024 * 1024;

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** HTTP status of each protocol error an admin action can end with. */
const STATUS_OF: Partial<Record<ErrorType, number>> = {
  validation: 400,
  authorization: 403,
  customer_banned: 403,
  not_found: 404,
  group_not_found: 404,
  chat_inactive: 409,
};

/** The parsed JSON body, with getters that answer 400 naming the field. */
class Body {
  readonly #fields: Record<string, unknown>;
  constructor(fields: Record<string, unknown>) {
    this.#fields = fields;
  }
  #get(name: string): unknown {
    return Object.hasOwn(this.#fields, name) ? this.#fields[name] : undefined;
  }
  has(name: string): boolean {
    return this.#get(name) !== undefined;
  }
  string(name: string): string {
    const value = this.#get(name);
    if (typeof value !== 'string') throw new HttpError(400, `body.${name} must be a string`);
    return value;
  }
  optionalString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }
  optionalInteger(name: string): number | undefined {
    const value = this.#get(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new HttpError(400, `body.${name} must be an integer`);
    return value;
  }
  object(name: string): Record<string, unknown> {
    const value = this.#get(name);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, `body.${name} must be an object`);
    return value as Record<string, unknown>;
  }
  optionalArray(name: string): unknown[] | undefined {
    const value = this.#get(name);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw new HttpError(400, `body.${name} must be an array`);
    return value;
  }
  /** The whole body (for the free-form event endpoint). */
  all(): Record<string, unknown> {
    return this.#fields;
  }
}

type Params = Readonly<Record<string, string>>;
interface Reply {
  status?: number;
  json: unknown;
}
interface Route {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly body?: string;
  readonly description: string;
  handle(params: Params, body: Body): Reply;
}

function param(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined) throw new Error(`route without :${name}`);
  return value;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function routes(api: AdminApi): Route[] {
  const agentOf = (params: Params) => api.agent(param(params, 'agentId'));
  const chat = (params: Params) => param(params, 'chatId');
  const chatRoute = (method: Route['method'], path: string, description: string, handle: Route['handle'], body?: string): Route => ({
    method,
    path: `/agents/:agentId/chats/:chatId${path}`,
    description,
    handle,
    ...(body === undefined ? {} : { body }),
  });

  return [
    { method: 'GET', path: '/', description: 'This list of endpoints.', handle: () => ({ json: { endpoints: list(api) } }) },
    {
      method: 'POST',
      path: '/tokens',
      body: '{ customerId? }',
      description: 'Issue a login token for a customer (a new customer when customerId is left out).',
      handle: (_, body) => ({ status: 201, json: api.issueToken(body.optionalString('customerId')) }),
    },
    {
      method: 'GET',
      path: '/customers',
      description: 'Every customer with its open connections and chat ids.',
      handle: () => ({
        json: { customers: api.store.customers().map((c) => ({ ...c, connections: api.connections(c.id), chats: api.store.chatIdsOf(c.id) })) },
      }),
    },
    {
      method: 'GET',
      path: '/chats/:chatId',
      description: 'A chat with its threads, events and the latest sneak peeks.',
      handle: (params) => {
        const found = api.store.chat(chat(params));
        return { json: { chat: found, threads: api.store.threads(found.id, found.threads), sneakPeeks: api.store.sneakPeeks(found.id) } };
      },
    },
    {
      method: 'POST',
      path: '/customers/:customerId/disconnect',
      body: `{ reason } (one of ${disconnectionReasons.join(', ')})`,
      description: 'End every connection of the customer with customer_disconnected (customer_banned also bans the customer).',
      handle: (params, body) => ({ json: { connections: api.disconnectCustomer(param(params, 'customerId'), body.string('reason') as DisconnectionReason) } }),
    },
    {
      method: 'PUT',
      path: '/agents/:agentId',
      body: '{ name?, email?, avatar? }',
      description: "Create an agent or change its details (customers who know it get user_data). Other agent endpoints create agents with default details.",
      handle: (params, body) => {
        const details: AgentDetails = { ...optional('name', body.optionalString('name')), ...optional('email', body.optionalString('email')), ...optional('avatar', body.optionalString('avatar')) };
        return { json: { agent: api.agent(param(params, 'agentId'), details).user } };
      },
    },
    chatRoute('POST', '/join', 'The agent joins the chat: user_data, then user_joined_chat.', (p) => ({ json: { joined: agentOf(p).joinChat(chat(p)) } })),
    chatRoute('POST', '/leave', 'The agent leaves the chat: user_left_chat.', (p) => ({ json: { left: agentOf(p).leaveChat(chat(p)) } })),
    chatRoute(
      'POST',
      '/messages',
      'The agent sends a message: new_event.',
      (p, body) => ({ status: 201, json: { event: agentOf(p).sendMessage(chat(p), body.string('text'), optional('customId', body.optionalString('customId'))) } }),
      '{ text, customId? }',
    ),
    chatRoute(
      'POST',
      '/files',
      'The agent sends a file: new_event.',
      (p, body) => ({ status: 201, json: { event: agentOf(p).sendFile(chat(p), body.all() as unknown as FileDraft) } }),
      '{ url, contentType, name?, size?, width?, height?, customId? }',
    ),
    chatRoute(
      'POST',
      '/events',
      'The agent sends an event of any type (system_message, or one the SDK does not know): new_event.',
      (p, body) => ({ status: 201, json: { event: agentOf(p).sendEvent(chat(p), body.all() as unknown as AgentEventDraft) } }),
      '{ type, ...fields }',
    ),
    chatRoute('POST', '/typing/start', 'The agent starts typing: user_is_typing.', (p) => (agentOf(p).startTyping(chat(p)), { json: {} })),
    chatRoute('POST', '/typing/stop', 'The agent stops typing: user_stopped_typing.', (p) => (agentOf(p).stopTyping(chat(p)), { json: {} })),
    chatRoute('POST', '/close', 'The agent closes the active thread: thread_closed.', (p) => ({ json: { thread: agentOf(p).closeThread(chat(p)) } })),
    chatRoute(
      'POST',
      '/properties',
      'The agent merges chat properties: chat_properties_updated.',
      (p, body) => (agentOf(p).updateChatProperties(chat(p), body.object('properties') as Properties), { json: {} }),
      '{ properties: { namespace: { name: value } } }',
    ),
    chatRoute(
      'POST',
      '/threads/:threadId/properties',
      'The agent merges thread properties: chat_thread_properties_updated.',
      (p, body) => (agentOf(p).updateThreadProperties(chat(p), param(p, 'threadId'), body.object('properties') as Properties), { json: {} }),
      '{ properties: { namespace: { name: value } } }',
    ),
    chatRoute(
      'POST',
      '/read',
      'The agent reads the chat up to timestamp (now by default): last_seen_timestamp_updated.',
      (p, body) => ({ json: { timestamp: agentOf(p).readChat(chat(p), body.optionalInteger('timestamp')) } }),
      '{ timestamp? }',
    ),
    chatRoute(
      'POST',
      '/threads',
      'The agent starts a new thread (closing the active one): thread_metada, then new_event per event.',
      (p, body) => ({
        status: 201,
        json: { thread: agentOf(p).startThread(chat(p), optional('events', body.optionalArray('events') as AgentEventDraft[] | undefined)) },
      }),
      '{ events?: [{ type, ...fields }] }',
    ),
    {
      method: 'POST',
      path: '/faults/drop',
      body: '{ customerId? }',
      description: "Drop the customer's connections (everybody's without customerId) without a close frame.",
      handle: (_, body) => ({ json: { dropped: api.faults.dropConnections(body.optionalString('customerId')) } }),
    },
    {
      method: 'POST',
      path: '/faults/delay',
      body: '{ ms }',
      description: 'Delay every reply by ms milliseconds (0 turns it off).',
      handle: (_, body) => {
        const ms = body.optionalInteger('ms');
        if (ms === undefined) throw new HttpError(400, 'body.ms must be an integer');
        api.faults.setReplyDelay(ms);
        return { json: { replyDelayMs: api.faults.replyDelayMs } };
      },
    },
    {
      method: 'POST',
      path: '/faults/raw',
      body: '{ customerId, text }',
      description: 'Send text as is (malformed on purpose) to every connection of the customer.',
      handle: (_, body) => ({ json: { sent: api.faults.sendRaw(body.string('customerId'), body.string('text')) } }),
    },
  ];
}

function list(api: AdminApi): { method: string; path: string; body?: string; description: string }[] {
  return routes(api).map(({ method, path, body, description }) => ({ method, path, ...(body === undefined ? {} : { body }), description }));
}

/** Matches a path against a route pattern (`:name` segments capture, URL-decoded). */
function match(pattern: string, path: string): Params | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    const actual = got[i] ?? '';
    if (segment.startsWith(':')) {
      if (actual === '') return undefined;
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
      } catch {
        throw new HttpError(400, `bad percent-encoding in ${path}`);
      }
    } else if (segment !== actual) return undefined;
  }
  return params;
}

function readBody(request: IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) return reject(new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`));
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve(new Body({}));
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return reject(new HttpError(400, 'the body is not JSON'));
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return reject(new HttpError(400, 'the body must be a JSON object'));
      resolve(new Body(parsed as Record<string, unknown>));
    });
  });
}

function send(response: ServerResponse, status: number, json: unknown): void {
  let text: string;
  try {
    text = JSON.stringify(json);
  } catch {
    status = 500;
    text = JSON.stringify({ error: 'the answer cannot be written as JSON' });
  }
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(text);
}

export function createAdminHttp(api: AdminApi): Server {
  const table = routes(api);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = request.url ?? '/';
    if (!URL.canParse(target, 'http://localhost')) throw new HttpError(400, 'the request target is not a valid URL');
    const path = new URL(target, 'http://localhost').pathname.replace(/(.)\/+$/, '$1');
    const candidates = table.map((route) => ({ route, params: match(route.path, path) })).filter((c) => c.params !== undefined);
    if (candidates.length === 0) throw new HttpError(404, `no endpoint ${request.method ?? ''} ${path}; GET / lists them`);
    const found = candidates.find((c) => c.route.method === request.method);
    if (found === undefined) {
      response.setHeader('allow', candidates.map((c) => c.route.method).join(', '));
      throw new HttpError(405, `${path} does not take ${request.method ?? ''}; it takes ${candidates.map((c) => c.route.method).join(', ')}`);
    }
    const body = request.method === 'GET' ? new Body({}) : await readBody(request);
    const reply = found.route.handle(found.params ?? {}, body);
    send(response, reply.status ?? 200, reply.json);
  }

  return createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof HttpError) return send(response, error.status, { error: error.message });
      if (error instanceof ProtocolError) return send(response, STATUS_OF[error.type] ?? 500, { error: error.message, type: error.type, ...optional('pointer', error.pointer) });
      console.error('[reference-server] admin request failed', error);
      send(response, 500, { error: error instanceof Error ? error.message : 'internal error' });
    });
  });
}
