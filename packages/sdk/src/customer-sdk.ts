// The SDK users create: the generated client (one method per request) plus the few conveniences
// of the SDK family's API (sendMessage, getChatHistory, a throttled setSneakPeek).
import { CustomerClient } from './gen/client.js';
import { protocol, servers } from './gen/protocol.js';
import type { FileSource } from './file-source.js';
import { type ClientOptions, delayOption, option } from './runtime/client-core.js';
import type { ProtocolDescription, RequestDescription } from './runtime/protocol.js';
import type { Unsubscribe } from './runtime/emitter.js';
import { RuntimeErrorCodes, SDKError, destroyedError } from './runtime/errors.js';
import { errorCode, summarize } from './runtime/helpers.js';
import { readToken } from './runtime/token.js';
import type { SendFileOptions } from './send-file.js';
import type { Acknowledgement, DisconnectionReason, ErrorType, Rating, SendEventResult, Thread } from '@customer-chat/validators';

/**
 * What a server error answered to the handshake (login or the ready request) stands for, as a
 * disconnection reason: the SDK then reacts as the spec's `x-reactions` say for that reason.
 * Hand-written until the spec's `x-client-lifecycle` carries it. A token refused again after the
 * retry with a fresh one, or a ban, is for good; a failing or busy server is retried with
 * back-off (`internal_error` reconnects); a server that rejects this SDK's frames does not
 * support its version.
 */
export const handshakeRefusals = {
  authentication: 'access_token_expired',
  customer_banned: 'customer_banned',
  validation: 'unsupported_version',
  authorization: 'internal_error',
  not_found: 'internal_error',
  chat_inactive: 'internal_error',
  group_not_found: 'internal_error',
  pending_requests_limit_reached: 'internal_error',
  service_unavailable: 'internal_error',
  internal: 'internal_error',
} as const satisfies Record<ErrorType, DisconnectionReason>;

/**
 * The most threads one get_chat_threads request takes (the spec's `GetChatThreadsArguments`,
 * `threads.maxItems`), so the most a page of getChatHistory can load.
 */
export const MAX_HISTORY_PAGE_SIZE = 25;

export interface CustomerSDKOptions extends Omit<ClientOptions, 'url' | 'query'> {
  /** WebSocket base URL of the server; the local reference server by default. */
  url?: string | undefined;
  /** The license the customer chats with. */
  licenseId: string;
  /** Minimum time between two sneak peeks of one chat, in ms (2000 by default; below 2³¹, as for the other timer options). */
  sneakPeekInterval?: number | undefined;
  /** Threads loaded per page by getChatHistory (a whole number from 1 to 25, 10 by default). */
  historyPageSize?: number | undefined;
}

export type { SendFileOptions } from './send-file.js';
export type { FileSource } from './file-source.js';

/**
 * How many chats with a closed thread the SDK remembers. Past it the one closed longest ago is
 * forgotten (a sneak peek there goes out and is refused, as a hint may be): a server sending
 * `thread_closed` for ever new chats cannot make the client hold memory without bound.
 */
export const MAX_INACTIVE_CHATS = 1000;

export class CustomerSDK extends CustomerClient {
  /** Chats whose thread was closed (no sneak peeks there until a new thread starts), oldest first. */
  readonly #inactiveChats = new Set<string>();
  readonly #sneakPeeks = new Map<string, { last: number; timer: ReturnType<typeof setTimeout> | undefined; text: string }>();
  readonly #sneakPeekInterval: number;
  readonly #historyPageSize: number;
  readonly #httpBase: string;
  readonly #licenseId: string;
  readonly #tokenSource: () => string | Promise<string>;

  /**
   * `description` is the generated protocol, with validators (`createCustomerSDK` of the main
   * entry) or without (`@customer-chat/sdk/unvalidated`).
   */
  constructor(options: CustomerSDKOptions, description: ProtocolDescription) {
    const { licenseId, url = servers.local, sneakPeekInterval = 2000, historyPageSize = 10, ...rest } = options;
    // Checked before super(), which would start connecting: a refused option leaves nothing behind.
    option('historyPageSize', historyPageSize, Number.isInteger(historyPageSize) && historyPageSize > 0 && historyPageSize <= MAX_HISTORY_PAGE_SIZE);
    delayOption('sneakPeekInterval', sneakPeekInterval, true);
    option('licenseId', licenseId, typeof licenseId === 'string' && licenseId !== '');
    super({ ...description, refusals: handshakeRefusals }, { ...rest, url, query: { licenseId } });
    this.#sneakPeekInterval = sneakPeekInterval;
    this.#historyPageSize = historyPageSize;
    // The HTTP operations live beside the socket (same host and base path): http for ws, https for wss.
    this.#httpBase = url.replace(/^ws/i, 'http');
    this.#licenseId = licenseId;
    this.#tokenSource = rest.getToken;
    this.#trackChatActivity();
  }

  /**
   * Follows which chats have an active thread, for setSneakPeek: a listener of the SDK's own on
   * each event that says so (not a wildcard, which every event would pay for), attached again if
   * the application removes every listener of that event. `new_event`, the most frequent push, is
   * listened to only while some chat is inactive, and then ahead of the application's listeners,
   * so that they see the chat active again.
   */
  readonly #activity = {
    thread_closed: (payload: { chat: string }) => this.#inactive(payload.chat),
    thread_metada: (payload: { chat?: string }) => this.#active(payload.chat),
  };
  readonly #onNewEvent = (payload: { chat?: string }): void => this.#active(payload.chat);
  /** Stops the `new_event` listener; undefined while there is none. */
  #newEvents: Unsubscribe | undefined;

  #inactive(chat: string): void {
    const chats = this.#inactiveChats;
    // Deleted first, so that the set's order stays the order of the latest closings.
    chats.delete(chat);
    chats.add(chat);
    if (chats.size > MAX_INACTIVE_CHATS) chats.delete(chats.values().next().value!);
    this.#followNewEvents();
  }

  /** A chat has an active thread again; when a push does not say which (`chat` is optional), any may have. */
  #active(chat: string | undefined): void {
    if (chat === undefined) this.#inactiveChats.clear();
    else this.#inactiveChats.delete(chat);
    this.#followNewEvents();
  }

  /** Listens to `new_event` (first in line) while some chat is inactive, not otherwise. */
  #followNewEvents(): void {
    // Stopped and attached again on every change: one path for all of them (a closed chat is rare).
    this.#newEvents?.();
    this.#newEvents = this.#inactiveChats.size > 0 && this.state !== 'destroyed' ? this.listenFirst('new_event', this.#onNewEvent) : undefined;
  }

  #trackChatActivity(name?: string): void {
    for (const [event, listener] of Object.entries(this.#activity)) {
      if (name === undefined || name === event) (this.on as unknown as (name: string, handler: (payload: never) => void) => void)(event, listener);
    }
  }

  // `any`: this one implementation stands for every typed overload of the base class's `off`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override off(name: string, handler?: any): void {
    (super.off as (name: string, handler?: unknown) => void)(name, handler);
    if (handler !== undefined || this.state === 'destroyed') return;
    if (Object.prototype.hasOwnProperty.call(this.#activity, name)) this.#trackChatActivity(name);
    // Removed with the application's: attached again if still needed.
    if (name === 'new_event') this.#followNewEvents();
  }

  override async startChat(...args: Parameters<CustomerClient['startChat']>): ReturnType<CustomerClient['startChat']> {
    const result = await super.startChat(...args);
    this.#active(result.chat.id);
    return result;
  }

  /** Sends a text message to a chat; `customId` comes back on the stored event. */
  sendMessage(chat: string, text: string, customId?: string): Promise<SendEventResult> {
    return this.sendEvent({ chat, event: customId === undefined ? { type: 'message', text } : { type: 'message', text, customId } });
  }

  /**
   * Rates a chat: sets the `rating` namespace of its properties (the spec's `Rating`: `score` a whole
   * number from 1 to 5, an optional `comment`) with update_chat_properties; agents get
   * `chat_properties_updated` with it. A rating outside its schema fails with INVALID_ARGS, the
   * issues as JSON pointers, before anything is sent, whether or not the client validates.
   */
  async rateChat(chat: string, rating: Rating): Promise<Acknowledgement> {
    const args = { chat, properties: { rating } };
    // Loaded on first use (a chunk of its own in browser bundles): an app that never rates pays nothing.
    const { ratingIssues } = await import('./rating.js');
    const { action, request = action } = protocol.requests.updateChatProperties as RequestDescription;
    const issues = await ratingIssues(request, args);
    if (issues.length > 0) throw new SDKError(RuntimeErrorCodes.INVALID_ARGS, `invalid rating: ${summarize(issues)}`, { details: issues });
    return this.updateChatProperties(args);
  }

  /**
   * Sends a file to a chat: uploads it (the spec's `uploadFile`, with the customer's token), then
   * sends a `file` event with the URL the upload answered. A file that is empty, over the upload's
   * size limit or of a type it does not take fails with INVALID_ARGS before anything is sent; a
   * cancelled upload (CANCELLED) or a failed one (UPLOAD_FAILED, or the server's error) sends no event.
   */
  async sendFile(chat: string, file: FileSource, options: SendFileOptions = {}): Promise<SendEventResult> {
    // Nothing is uploaded for a client that could not send the event.
    if (this.state === 'destroyed') throw destroyedError();
    // Loaded on first use, like rateChat's check: the upload machinery stays out of apps that send no file.
    const { optionsProblem, uploadFile } = await import('./send-file.js');
    const problem = optionsProblem(options);
    if (problem !== undefined) throw new SDKError(RuntimeErrorCodes.INVALID_ARGS, problem);
    // The event's file fields come from the upload; the rest of it (the chat, customId) and the
    // client's state are checked now, as the same request with a message would be.
    const { customId } = options;
    await this.precheck('sendEvent', { chat, event: customId === undefined ? { type: 'message', text: 'file' } : { type: 'message', text: 'file', customId } });
    const result = await uploadFile({ httpBase: this.#httpBase, licenseId: this.#licenseId, token: () => readToken(this.#tokenSource) }, file, options);
    if (!result.ok) {
      // A server error type gets the protocol's client code, as a request's would.
      const code = result.code ?? (result.type === undefined ? RuntimeErrorCodes.UPLOAD_FAILED : errorCode(protocol, result.type));
      throw new SDKError(code, result.message, { type: result.type, details: result.details, cause: result.cause });
    }
    const event = { type: 'file' as const, ...result.file, ...(options.customId === undefined ? {} : { customId: options.customId }) };
    return this.sendEvent({ chat, event });
  }

  /**
   * What the customer is typing, at most once per interval per chat, and only while the chat has
   * an active thread: calls in between are merged and the latest text goes out when the interval
   * ends, if the client is connected then. Failures are ignored: a sneak peek is a hint, not a message.
   */
  setSneakPeek(chat: string, text: string): void {
    // Only for chats with an active thread: agents of a closed thread have nothing to peek at.
    if (this.#inactiveChats.has(chat) || this.state === 'destroyed') return;
    const now = Date.now();
    const entry = this.#sneakPeeks.get(chat) ?? { last: -Infinity, timer: undefined, text };
    entry.text = text;
    this.#sneakPeeks.set(chat, entry);
    if (entry.timer !== undefined) return;
    const wait = entry.last + this.#sneakPeekInterval - now;
    const send = () => {
      entry.timer = undefined;
      entry.last = Date.now();
      // Only on a session that is up: a hint is dropped rather than queued, so it never takes an
      // offline queue slot or arrives stale after a reconnection (nor after a ban or destroy()).
      if (this.#inactiveChats.has(chat) || this.state !== 'connected') return;
      this.sendSneakPeek({ chat, text: entry.text }).catch(() => undefined);
    };
    if (wait <= 0) send();
    else entry.timer = setTimeout(send, wait);
  }

  /**
   * The chat's threads from the newest back, a page at a time: each step loads the summaries of
   * the next older threads and then those threads with their events.
   */
  async *getChatHistory(chat: string): AsyncGenerator<Thread[], void, undefined> {
    // A thread started meanwhile moves the older ones back a place, so a page may repeat threads
    // already yielded: they are left out (a page left empty is skipped).
    const yielded = new Set<string>();
    for (let offset = 0; ; offset += this.#historyPageSize) {
      const page = await this.getChatThreadsSummary({ chat, offset, limit: this.#historyPageSize });
      if (page.threadsSummary.length === 0) return;
      const ids = page.threadsSummary.map((t) => t.id).filter((id) => !yielded.has(id) && yielded.add(id));
      if (ids.length > 0) yield (await this.getChatThreads({ chat, threads: ids })).threads;
      if (offset + page.threadsSummary.length >= page.totalThreads) return;
    }
  }

  /**
   * Disconnected or destroyed, whoever ended it: a sneak peek waiting for its interval would be
   * dropped when due (it is never queued), so its timer goes now rather than outlive the session.
   */
  protected override onStopped(): void {
    for (const entry of this.#sneakPeeks.values()) if (entry.timer !== undefined) clearTimeout(entry.timer);
    this.#sneakPeeks.clear();
  }
}

