// The request handlers: one per request operation of the spec. Implementing the generated
// `RequestHandlers` makes a request the spec adds and the server forgets a compile error. Arguments
// arrive validated against the spec; handlers check what a schema cannot (does the chat exist, is
// the customer in it, is a thread active) and throw a ProtocolError with the spec's error type.
import { ProtocolError, SessionEndedError } from './errors.js';
import { requests, type RequestHandlers } from './gen/protocol.js';
import type { Session, SessionRegistry } from './sessions.js';
import type { ChatStore, StoredChatSummary, StoredEvent, StoredThread } from './chat-store.js';

// Paging defaults: the spec's `default` keywords (the validators check but do not fill them in).
const CHATS_SUMMARY_DEFAULTS = requests.get_chats_summary.defaults;
const THREADS_SUMMARY_DEFAULTS = requests.get_chat_threads_summary.defaults;

export interface HandlerContext {
  readonly store: ChatStore;
  readonly sessions: SessionRegistry;
  /** The customer a token belongs to, or undefined when the token is not accepted. */
  authenticate(token: string): string | undefined | Promise<string | undefined>;
  /** Agent groups a chat may be routed to (`start_chat`'s `scope.groups`). */
  readonly groups: ReadonlySet<number>;
  /** The most connections a customer may have logged in at once; one more is ended with `too_many_connections`. */
  readonly maxConnectionsPerCustomer: number;
}

/** Users named by threads (their users and event authors), to introduce before a response names them. */
function usersOf(threads: readonly StoredThread[]): string[] {
  return threads.flatMap((thread) => [...thread.users, ...thread.events.map((event: StoredEvent) => event.author)]);
}

/**
 * Users named by chat summaries: their users and the authors of every event they carry (`lastEvent`
 * and each of `lastEventsPerType`), who may have left the chat since.
 */
function usersOfSummaries(summaries: readonly StoredChatSummary[]): string[] {
  return summaries.flatMap((chat) => [
    ...chat.users,
    ...(chat.lastEvent === undefined ? [] : [chat.lastEvent.author]),
    ...Object.values(chat.lastEventsPerType).map((event) => (event as StoredEvent).author),
  ]);
}

export function createHandlers(ctx: HandlerContext): RequestHandlers<Session> {
  const { store, sessions } = ctx;

  /** The logged-in customer of a connection (the server only dispatches logged-in requests here). */
  function customerOf(session: Session): string {
    if (session.customerId === undefined) throw new ProtocolError('authorization', 'log in first: send `login` before any other request');
    return session.customerId;
  }

  /** The customer of a connection, checked to be a user of an existing chat. */
  function memberOf(session: Session, chatId: string): string {
    const customerId = customerOf(session);
    if (!store.hasChat(chatId)) throw new ProtocolError('not_found', `no chat ${chatId}`);
    if (!store.isChatUser(chatId, customerId)) throw new ProtocolError('authorization', `you are not a user of chat ${chatId}`);
    return customerId;
  }

  return {
    async login({ token, customer }, session) {
      const customerId = await ctx.authenticate(token);
      // The connection was ended while the token was checked (login timeout, shutdown): no answer.
      if (!session.open) throw new SessionEndedError();
      if (customerId === undefined) {
        throw new ProtocolError('authentication', 'the token is not valid (unknown, malformed or expired); get a fresh one');
      }
      store.ensureCustomer(customerId);
      if (store.isBanned(customerId)) throw new ProtocolError('customer_banned', 'this customer is banned and may not chat');
      // One connection too many: the spec's way to end a session (`customer_disconnected`, then close).
      if (sessions.count(customerId) >= ctx.maxConnectionsPerCustomer) {
        sessions.disconnectSession(session, 'too_many_connections');
        throw new SessionEndedError();
      }
      if (customer !== undefined) store.updateCustomer(customerId, customer);
      sessions.bind(session, customerId);
      // The spec's login sequence: `customer_id`, then `user_data` of the customer, then the response.
      sessions.push(session, 'customer_id', customerId);
      sessions.introduce(session, [customerId], true);
      if (customer !== undefined) sessions.announceUserChange(customerId, session);
      return { customerId };
    },

    getChatsSummary({ offset = CHATS_SUMMARY_DEFAULTS.offset, limit = CHATS_SUMMARY_DEFAULTS.limit }, session) {
      const ids = store.chatIdsOf(customerOf(session));
      const chatsSummary = ids.slice(offset, offset + limit).map((id) => store.chatSummary(id));
      sessions.introduce(session, usersOfSummaries(chatsSummary));
      return { chatsSummary, totalChats: ids.length };
    },

    getChatThreads({ chat, threads: threadIds }, session) {
      memberOf(session, chat);
      const threads = store.threads(chat, threadIds);
      sessions.introduce(session, usersOf(threads));
      return { threads };
    },

    getChatThreadsSummary({ chat, offset = THREADS_SUMMARY_DEFAULTS.offset, limit = THREADS_SUMMARY_DEFAULTS.limit }, session) {
      memberOf(session, chat);
      return store.threadsSummary(chat, offset, limit);
    },

    startChat({ scope, events, properties }, session) {
      const customerId = customerOf(session);
      if (store.isBanned(customerId)) throw new ProtocolError('customer_banned', 'this customer is banned and may not chat');
      for (const group of scope?.groups ?? []) {
        if (!ctx.groups.has(group)) throw new ProtocolError('group_not_found', `no agent group ${group}; known groups: ${[...ctx.groups].join(', ')}`);
      }
      const started = store.startChat(customerId, { ...(events === undefined ? {} : { events }), ...(properties === undefined ? {} : { properties }) });
      // The customer's other connections learn about the chat as about any thread they have not seen.
      for (const other of sessions.ofCustomer(customerId)) {
        if (other === session) continue;
        sessions.push(other, 'thread_metada', store.threadSummary(started.thread.id));
        for (const event of started.thread.events) sessions.push(other, 'new_event', event, [event.author]);
      }
      return started;
    },

    sendEvent({ chat, event: draft }, session) {
      const customerId = memberOf(session, chat);
      const event = store.addEvent(chat, customerId, draft);
      sessions.pushToChat(chat, 'new_event', event, { about: [customerId], except: session });
      return { event };
    },

    sendSneakPeek({ chat, text }, session) {
      const customerId = memberOf(session, chat);
      // Only agents see sneak peeks; the reference server keeps the latest for its admin API.
      store.setSneakPeek(chat, customerId, text);
      return {};
    },

    closeThread({ chat }, session) {
      const customerId = memberOf(session, chat);
      const thread = store.closeThread(chat);
      sessions.pushToChat(chat, 'thread_closed', { chat, thread, user: customerId }, { about: [customerId] });
      return {};
    },

    updateChatProperties({ chat, properties }, session) {
      memberOf(session, chat);
      store.updateChatProperties(chat, properties);
      sessions.pushToChat(chat, 'chat_properties_updated', { chat, properties });
      return {};
    },

    updateChatThreadProperties({ chat, thread, properties }, session) {
      memberOf(session, chat);
      store.updateThreadProperties(chat, thread, properties);
      sessions.pushToChat(chat, 'chat_thread_properties_updated', { chat, thread, properties });
      return {};
    },

    updateCustomer(update, session) {
      const customerId = customerOf(session);
      const customer = store.updateCustomer(customerId, update);
      sessions.announceUserChange(customerId, session);
      return { customer };
    },

    updateLastSeenTimestamp({ chat, timestamp }, session) {
      const customerId = memberOf(session, chat);
      const stored = store.markSeen(chat, customerId, timestamp);
      if (stored.changed) {
        sessions.pushToChat(chat, 'last_seen_timestamp_updated', { chat, user: customerId, timestamp: stored.timestamp }, { about: [customerId], except: session });
      }
      return { timestamp: stored.timestamp };
    },
  };
}
