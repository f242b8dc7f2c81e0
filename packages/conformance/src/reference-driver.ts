// The built-in driver: the reference server's admin API (`@customer-chat/reference-server`, its
// OpenAPI document is spec/admin-api.openapi.yaml). One agent acts in the chat the kit started.
import type { ConformanceDriver, DriverTarget } from './driver.js';

type Call = readonly [method: 'POST' | 'PUT', path: string, body?: unknown];

const AGENT = 'conformance-agent';

export interface ReferenceDriverOptions {
  /** The admin API's base URL, e.g. `http://127.0.0.1:8788`. */
  adminUrl: string;
  /** Its admin token, when the server was started with one. */
  adminToken?: string | undefined;
  /** How long one admin request may take. Default 10000 ms. */
  timeoutMs?: number | undefined;
}

export function referenceDriver(options: ReferenceDriverOptions): ConformanceDriver {
  const base = options.adminUrl.replace(/\/+$/, '');
  const joined = new Set<string>();
  let agents = 0;
  const chat = (t: DriverTarget) => `/agents/${AGENT}/chats/${encodeURIComponent(t.chatId)}`;

  async function call([method, path, body]: Call): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.adminToken !== undefined) headers.authorization = `Bearer ${options.adminToken}`;
    const response = await fetch(`${base}${path}`, { method, headers, body: JSON.stringify(body ?? {}), signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) }).catch((error: unknown) => {
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new Error(`the admin API did not answer ${method} ${path}: ${cause?.code ?? (error instanceof Error ? error.message : String(error))}`);
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`the admin API answered ${method} ${path} with ${response.status}: ${text.slice(0, 300)}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }

  /** The agent joins the chat once, before anything it does there. */
  async function inChat(t: DriverTarget, ...calls: Call[]): Promise<void> {
    if (!joined.has(t.chatId)) {
      await call(['POST', `${chat(t)}/join`]);
      joined.add(t.chatId);
    }
    for (const c of calls) await call(c);
  }

  const causes: Record<string, (t: DriverTarget) => Promise<void>> = {
    new_event: (t) => inChat(t, ['POST', `${chat(t)}/messages`, { text: 'Hello from the conformance kit' }]),
    user_is_typing: (t) => inChat(t, ['POST', `${chat(t)}/typing/start`]),
    user_stopped_typing: (t) => inChat(t, ['POST', `${chat(t)}/typing/start`], ['POST', `${chat(t)}/typing/stop`]),
    last_seen_timestamp_updated: (t) => inChat(t, ['POST', `${chat(t)}/read`, {}]),
    thread_closed: (t) => inChat(t, ['POST', `${chat(t)}/close`]),
    thread_metada: (t) => inChat(t, ['POST', `${chat(t)}/close`], ['POST', `${chat(t)}/threads`, {}]),
    chat_properties_updated: (t) => inChat(t, ['POST', `${chat(t)}/properties`, { properties: { conformance: { checked: true } } }]),
    chat_thread_properties_updated: (t) => inChat(t, ['POST', `${chat(t)}/threads/${encodeURIComponent(t.threadId)}/properties`, { properties: { conformance: { checked: true } } }]),
    user_data: (t) => inChat(t, ['PUT', `/agents/${AGENT}`, { name: `Conformance agent ${++agents}` }]),
    // Another agent each time, so that it is always a new user of the chat.
    user_joined_chat: async (t) => {
      await call(['POST', `/agents/${AGENT}-${++agents}/chats/${encodeURIComponent(t.chatId)}/join`]);
    },
    user_left_chat: (t) => inChat(t, ['POST', `${chat(t)}/leave`]).then(() => void joined.delete(t.chatId)),
    customer_disconnected: async (t) => {
      await call(['POST', `/customers/${encodeURIComponent(t.customerId)}/disconnect`, { reason: 'internal_error' }]);
    },
  };

  return {
    name: `reference server admin API at ${base}`,
    pushes: Object.keys(causes),
    async cause(push, target) {
      const cause = causes[push];
      if (cause === undefined) throw new Error(`the reference driver cannot cause ${push}`);
      await cause(target);
    },
  };
}
