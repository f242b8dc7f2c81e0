// The agent side, driven programmatically (tests, demos) or through the admin HTTP endpoint. There
// is no agent protocol: an agent is a user of the store whose actions change the state and push to
// the customers of the chat. Everything an action would push is checked against the spec's push
// schema before anything changes, so a bad argument is a `validation` error and never a bad frame.
import { isAgent, type Agent, type Event, type Properties, type Thread } from '@customer-chat/validators';
import { describeIssues, ProtocolError } from './errors.js';
import { pushValidators, type DisconnectionReason, type PushAction, type PushPayloads } from './gen/protocol.js';
import type { SessionRegistry } from './sessions.js';
import type { ChatStore, EventDraft, StoredAgent } from './chat-store.js';

export interface AgentDetails {
  name?: string;
  email?: string;
  avatar?: string;
}

/** An event an agent sends: any type (`message`, `file`, `system_message`, or one the SDK does not know) and its fields. */
export interface AgentEventDraft extends EventDraft {
  readonly [field: string]: unknown;
}

export interface FileDraft {
  url: string;
  contentType: string;
  name?: string;
  size?: number;
  width?: number;
  height?: number;
  customId?: string;
}

/** An agent of the reference server. Every method acts at once and returns when the pushes are sent. */
export interface ReferenceAgent {
  readonly id: string;
  /** The agent as customers see it in `user_data`. */
  readonly user: Agent;
  /** Joins a chat: customers get `user_data` of the agent, then `user_joined_chat`. False if already in it. */
  joinChat(chatId: string): boolean;
  /** Leaves a chat: customers get `user_left_chat`. False if not in it. */
  leaveChat(chatId: string): boolean;
  /** Sends a text message (`new_event`). */
  sendMessage(chatId: string, text: string, options?: { customId?: string }): Event;
  /** Sends a file (`new_event`). */
  sendFile(chatId: string, file: FileDraft): Event;
  /** Sends an event of any type, e.g. a `system_message` or a type the SDK does not know (`new_event`). */
  sendEvent(chatId: string, event: AgentEventDraft): Event;
  /** `user_is_typing` to the chat's customers. */
  startTyping(chatId: string): void;
  /** `user_stopped_typing` to the chat's customers. */
  stopTyping(chatId: string): void;
  /** Closes the chat's active thread: `thread_closed`. */
  closeThread(chatId: string): string;
  /** Merges chat properties: `chat_properties_updated`. */
  updateChatProperties(chatId: string, properties: Properties): void;
  /** Merges thread properties: `chat_thread_properties_updated`. */
  updateThreadProperties(chatId: string, threadId: string, properties: Properties): void;
  /** Marks the chat read up to `timestamp` (now by default): `last_seen_timestamp_updated`. Returns the stored timestamp. */
  readChat(chatId: string, timestamp?: number): number;
  /** Starts a new thread (closing the active one first): `thread_metada`, then `new_event` per first event. */
  startThread(chatId: string, options?: { events?: readonly AgentEventDraft[] }): Thread;
  /** Ends every connection of a customer with `customer_disconnected { reason }`; returns how many. */
  disconnectCustomer(customerId: string, reason: DisconnectionReason): number;
}

export interface AgentContext {
  readonly store: ChatStore;
  readonly sessions: SessionRegistry;
  /** Ends a customer's connections (and bans the customer for `customer_banned`). */
  disconnectCustomer(customerId: string, reason: DisconnectionReason): number;
}

/**
 * Throws `validation` unless the payload is a valid push payload of the spec. `at`: where the
 * checked value sits in what the caller gave (`/events/1` for a thread's second event), so that the
 * pointer and the message name it there.
 */
function checkPush<A extends PushAction>(action: A, payload: PushPayloads[A], at = ''): void {
  const result = pushValidators[action](payload);
  if (result.ok) return;
  const errors = result.errors.map((issue) => ({ ...issue, path: `${at}${issue.path}` }));
  throw new ProtocolError('validation', `invalid ${action}: ${describeIssues(errors)}`, errors[0]?.path);
}

/** Whether the spec takes a text as an email address (the `email` of its Agent). */
function isSpecEmail(text: string): boolean {
  return isAgent({ type: 'agent', email: text });
}

/** The id when the spec takes it as an email address, else one made of its letters on agents.example.com. */
function defaultEmail(id: string): string {
  if (isSpecEmail(id)) return id;
  const local =
    id
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/\.{2,}/g, '.')
      .replace(/^[-.]+|[-.]+$/g, '') || 'agent';
  const email = `${local}@agents.example.com`;
  return isSpecEmail(email) ? email : 'agent@agents.example.com';
}

/** Creates (or updates) an agent; customers who know it get its new `user_data`. */
export function createAgent(ctx: AgentContext, id: string, details: AgentDetails = {}): ReferenceAgent {
  const { store, sessions } = ctx;
  const previous = store.agent(id);
  const user: StoredAgent = {
    id,
    type: 'agent',
    name: details.name ?? previous?.name ?? `Agent ${id}`,
    email: details.email ?? previous?.email ?? defaultEmail(id),
    avatar: details.avatar ?? previous?.avatar ?? `https://avatars.example.com/${encodeURIComponent(id)}.png`,
  };
  checkPush('user_data', user);
  const { created, changed } = store.upsertAgent(user);
  if (changed && !created) sessions.announceUserChange(id);

  function requireMember(chatId: string): void {
    if (!store.hasChat(chatId)) throw new ProtocolError('not_found', `no chat ${chatId}`);
    if (!store.isChatUser(chatId, id)) throw new ProtocolError('authorization', `agent ${id} is not a user of chat ${chatId}; join it first`);
  }

  /** A detached, JSON-only copy of a draft, checked as the event it would become (`at`: see `checkPush`). */
  function prepare(chatId: string, draft: AgentEventDraft, at = ''): EventDraft {
    let copy: EventDraft;
    try {
      copy = JSON.parse(JSON.stringify(draft)) as EventDraft;
    } catch (error) {
      throw new ProtocolError('validation', `the event cannot be sent as JSON: ${(error as Error).message}`, at === '' ? undefined : at);
    }
    const probe = { ...copy, id: `${chatId}_0`, chat: chatId, thread: 'probe', author: id, timestamp: 0 } as unknown as Event;
    checkPush('new_event', probe, at);
    return copy;
  }

  function send(chatId: string, draft: AgentEventDraft): Event {
    requireMember(chatId);
    const event = store.addEvent(chatId, id, prepare(chatId, draft));
    sessions.pushToChat(chatId, 'new_event', event, { about: [id] });
    return event;
  }

  function closeThread(chatId: string): string {
    const thread = store.closeThread(chatId);
    sessions.pushToChat(chatId, 'thread_closed', { chat: chatId, thread, user: id }, { about: [id] });
    return thread;
  }

  return {
    id,
    get user() {
      return store.agent(id) ?? user;
    },

    joinChat(chatId) {
      if (!store.hasChat(chatId)) throw new ProtocolError('not_found', `no chat ${chatId}`);
      if (!store.addUser(chatId, id)) return false;
      // The spec: a user's `user_data` comes before `user_joined_chat`, even for a connection that met them before.
      sessions.pushToChat(chatId, 'user_joined_chat', { chat: chatId, user: id }, { about: [id], introduceAgain: true });
      return true;
    },

    leaveChat(chatId) {
      if (!store.hasChat(chatId)) throw new ProtocolError('not_found', `no chat ${chatId}`);
      if (!store.removeUser(chatId, id)) return false;
      sessions.pushToChat(chatId, 'user_left_chat', { chat: chatId, user: id }, { about: [id] });
      return true;
    },

    sendMessage(chatId, text, options = {}) {
      return send(chatId, { type: 'message', text, ...(options.customId === undefined ? {} : { customId: options.customId }) });
    },

    sendFile(chatId, file) {
      return send(chatId, { ...file, type: 'file' });
    },

    sendEvent(chatId, event) {
      return send(chatId, event);
    },

    startTyping(chatId) {
      requireMember(chatId);
      sessions.pushToChat(chatId, 'user_is_typing', { chat: chatId, user: id }, { about: [id] });
    },

    stopTyping(chatId) {
      requireMember(chatId);
      sessions.pushToChat(chatId, 'user_stopped_typing', { chat: chatId, user: id }, { about: [id] });
    },

    closeThread,

    updateChatProperties(chatId, properties) {
      if (!store.hasChat(chatId)) throw new ProtocolError('not_found', `no chat ${chatId}`);
      checkPush('chat_properties_updated', { chat: chatId, properties });
      store.updateChatProperties(chatId, properties);
      sessions.pushToChat(chatId, 'chat_properties_updated', { chat: chatId, properties });
    },

    updateThreadProperties(chatId, threadId, properties) {
      checkPush('chat_thread_properties_updated', { chat: chatId, thread: threadId, properties });
      store.updateThreadProperties(chatId, threadId, properties);
      sessions.pushToChat(chatId, 'chat_thread_properties_updated', { chat: chatId, thread: threadId, properties });
    },

    readChat(chatId, timestamp) {
      requireMember(chatId);
      if (timestamp !== undefined) checkPush('last_seen_timestamp_updated', { chat: chatId, user: id, timestamp });
      const stored = store.markSeen(chatId, id, timestamp);
      if (stored.changed) sessions.pushToChat(chatId, 'last_seen_timestamp_updated', { chat: chatId, user: id, timestamp: stored.timestamp }, { about: [id] });
      return stored.timestamp;
    },

    startThread(chatId, options = {}) {
      requireMember(chatId);
      // A bad event is named where it is in `options` (and so in the admin request's body).
      const drafts = (options.events ?? []).map((draft, index) => prepare(chatId, draft, `/events/${index}`));
      if (store.hasActiveThread(chatId)) closeThread(chatId);
      const thread = store.startThread(chatId, id, drafts);
      // What a customer learns about a thread it has not seen: its users, its summary, its events.
      for (const session of sessions.ofChat(chatId)) {
        sessions.introduce(session, thread.users);
        sessions.push(session, 'thread_metada', store.threadSummary(thread.id));
        for (const event of thread.events) sessions.push(session, 'new_event', event, [event.author]);
      }
      return thread;
    },

    disconnectCustomer(customerId, reason) {
      return ctx.disconnectCustomer(customerId, reason);
    },
  };
}
