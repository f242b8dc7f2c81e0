// The in-memory state of the reference server: customers, agents, chats, threads and events. Pure
// logic (no sockets, no pushes) so it can be unit-tested; the handlers and the agent API decide who
// hears about a change.
//
// Every key a client chooses (property namespaces and names, custom field names, event types, user
// ids) is kept in a Map and turned into an object with Object.fromEntries, which defines own
// properties: a key such as `__proto__` stays a plain key and never reaches Object.prototype.
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  Agent,
  Chat,
  ChatSummary,
  Customer,
  CustomerFields,
  CustomerUpdate,
  Event,
  Properties,
  PropertyValue,
  Thread,
  ThreadSummary,
} from '@customer-chat/validators';
import { ProtocolError } from './errors.js';

// The spec leaves most fields of what a server sends optional (the seed reference does not list
// them, so a server that leaves them out conforms). This server always fills them in.
export type StoredEvent = Event & { id: string; chat: string; thread: string; author: string; timestamp: number };
export type StoredAgent = Agent & { id: string; name: string; email: string; avatar: string };
export type StoredCustomer = Customer & { id: string; fields: CustomerFields };
export type StoredUser = StoredAgent | StoredCustomer;
export type StoredThread = Thread & { events: StoredEvent[] };
export type StoredThreadSummary = ThreadSummary & { chat: string };
export type StoredChatSummary = ChatSummary &
  Required<Pick<ChatSummary, 'lastEventsPerType' | 'lastSeenTimestamps' | 'properties'>> & { lastEvent?: StoredEvent };

type PropertyStore = Map<string, Map<string, PropertyValue>>;

/** An event before the server stamps it: its type and type-specific fields (`text`, `url`, ...). */
export interface EventDraft {
  readonly type: string;
  readonly customId?: string;
}

interface CustomerRecord {
  readonly id: string;
  name: string | undefined;
  email: string | undefined;
  readonly fields: Map<string, string>;
}

interface ChatRecord {
  readonly id: string;
  /** User id to last seen timestamp, in the order the users joined. */
  readonly users: Map<string, number | null>;
  readonly threads: string[];
  readonly properties: PropertyStore;
  /** How many events the chat has had: event ids are `<chat>_<n>`. */
  eventCount: number;
  lastEvent: StoredEvent | undefined;
  readonly lastEventsPerType: Map<string, StoredEvent>;
  /** Events of a chat never go back in time, even if the clock does. */
  lastTimestamp: number;
  /** Sequence number of the chat's latest activity: chat lists are sorted on it. */
  activity: number;
  readonly sneakPeeks: Map<string, { text: string; timestamp: number }>;
}

interface ThreadRecord {
  readonly id: string;
  readonly chat: string;
  active: boolean;
  readonly order: number;
  readonly users: string[];
  readonly events: StoredEvent[];
  readonly properties: PropertyStore;
}

export interface ChatStoreOptions {
  /** The clock, in milliseconds since the epoch. */
  now?: () => number;
  /** Id generator for chats and threads (10 upper-case letters and digits by default). */
  newId?: () => string;
  /**
   * The most bytes what the store keeps may take, counted by `storedBytes` (an estimate from above
   * of the heap it holds): a change that would take it past this is refused with
   * `service_unavailable` and stores nothing. Default: no bound.
   */
  maxBytes?: number;
}

/**
 * What keeping each kind of record costs besides its text, in bytes of heap: what Node 20 takes,
 * measured with 20,000 of each (a chat with its first thread 1570, an event 195, a customer 316, a
 * user added to a chat 278, a property 72, a custom field 53, a sneak peek 49), rounded up.
 */
export const OVERHEAD_BYTES = { chat: 1024, thread: 1024, event: 256, customer: 512, agent: 512, chatUser: 384, sneakPeek: 128, entry: 128 } as const;

/** The most the text of `value` may take: 2 bytes per character of its JSON (a string's most in memory). */
function textBytes(value: unknown): number {
  return value === undefined ? 0 : 2 * JSON.stringify(value).length;
}

/** What storing `drafts` as events costs: each a record with its text. */
function eventsCost(drafts: readonly EventDraft[]): number {
  let bytes = 0;
  for (const draft of drafts) bytes += OVERHEAD_BYTES.event + textBytes(draft);
  return bytes;
}

/** What setting `values` in `into` adds: a new entry costs its name, value and overhead, a replaced one the difference of the values. */
function entriesCost(into: ReadonlyMap<string, unknown> | undefined, values: Readonly<Record<string, unknown>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(values)) {
    const before = into?.get(name);
    bytes += before === undefined ? OVERHEAD_BYTES.entry + textBytes(name) + textBytes(value) : textBytes(value) - textBytes(before);
  }
  return bytes;
}

/** What merging `update` into `into` adds (negative when it shrinks); see `mergeProperties`. */
function mergeCost(into: PropertyStore, update: Properties): number {
  let bytes = 0;
  for (const [namespace, values] of Object.entries(update)) {
    const target = into.get(namespace);
    if (target === undefined) bytes += OVERHEAD_BYTES.entry + textBytes(namespace);
    bytes += entriesCost(target, values ?? {});
  }
  return bytes;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomId(): string {
  const bytes = randomBytes(10);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

function mergeProperties(into: PropertyStore, update: Properties): void {
  for (const [namespace, values] of Object.entries(update)) {
    let target = into.get(namespace);
    if (target === undefined) into.set(namespace, (target = new Map()));
    // Every namespace (a rating too) holds property values only: the validators checked it.
    for (const [name, value] of Object.entries(values ?? {})) target.set(name, value as PropertyValue);
  }
}

function propertiesView(properties: PropertyStore): Properties {
  return Object.fromEntries([...properties].map(([namespace, values]) => [namespace, Object.fromEntries(values)]));
}

export class ChatStore {
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #customers = new Map<string, CustomerRecord>();
  readonly #agents = new Map<string, StoredAgent>();
  readonly #chats = new Map<string, ChatRecord>();
  readonly #threads = new Map<string, ThreadRecord>();
  readonly #chatsByUser = new Map<string, Set<string>>();
  /** Banned customer ids, kept apart from the customers: a ban holds for an id not seen yet. */
  readonly #banned = new Set<string>();
  #activity = 0;
  readonly #maxBytes: number;
  #storedBytes = 0;

  constructor(options: ChatStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? randomId;
    this.#maxBytes = options.maxBytes ?? Infinity;
  }

  /**
   * What the store keeps, in bytes, as its bound counts it: each record its `OVERHEAD_BYTES` and 2
   * bytes per character of its text (as JSON). Nothing is ever
   * deleted but sneak peeks (cleared with their thread) and replaced values, which give theirs back.
   */
  get storedBytes(): number {
    return this.#storedBytes;
  }

  // ---- users ---------------------------------------------------------------------------------

  /** Creates the customer unless it exists (a random UUID when no id is given) and returns it. */
  ensureCustomer(id: string = randomUUID()): StoredCustomer {
    if (this.#agents.has(id)) throw new ProtocolError('validation', `"${id}" is an agent's id, not a customer's`);
    if (!this.#customers.has(id)) {
      this.#charge(OVERHEAD_BYTES.customer + textBytes(id));
      this.#customers.set(id, { id, name: undefined, email: undefined, fields: new Map() });
    }
    return this.customer(id);
  }

  hasCustomer(id: string): boolean {
    return this.#customers.has(id);
  }

  customer(id: string): StoredCustomer {
    const record = this.#customers.get(id);
    if (record === undefined) throw new ProtocolError('not_found', `no customer "${id}"`);
    const customer: StoredCustomer = { id: record.id, type: 'customer', fields: Object.fromEntries(record.fields) };
    if (record.name !== undefined) customer.name = record.name;
    if (record.email !== undefined) customer.email = record.email;
    return customer;
  }

  customers(): StoredCustomer[] {
    return [...this.#customers.keys()].map((id) => this.customer(id));
  }

  /** Applies a customer update: given fields replace, custom fields are merged. */
  updateCustomer(id: string, update: CustomerUpdate): StoredCustomer {
    const record = this.#customers.get(id);
    if (record === undefined) throw new ProtocolError('not_found', `no customer "${id}"`);
    this.#charge(
      (update.name === undefined ? 0 : textBytes(update.name) - textBytes(record.name)) +
        (update.email === undefined ? 0 : textBytes(update.email) - textBytes(record.email)) +
        (update.fields === undefined ? 0 : entriesCost(record.fields, update.fields)),
    );
    if (update.name !== undefined) record.name = update.name;
    if (update.email !== undefined) record.email = update.email;
    if (update.fields !== undefined) for (const [name, value] of Object.entries(update.fields)) record.fields.set(name, value);
    return this.customer(id);
  }

  /** Bans (or lets back) a customer, known yet or not: a ban before the first login holds for it. */
  setBanned(id: string, banned: boolean): void {
    if (banned) this.#banned.add(id);
    else this.#banned.delete(id);
  }

  isBanned(id: string): boolean {
    return this.#banned.has(id);
  }

  /** Creates or replaces an agent; `changed` says whether anything differs from before. */
  upsertAgent(agent: StoredAgent): { agent: StoredAgent; created: boolean; changed: boolean } {
    if (this.#customers.has(agent.id)) throw new ProtocolError('validation', `"${agent.id}" is a customer's id, not an agent's`);
    const before = this.#agents.get(agent.id);
    const stored: StoredAgent = { id: agent.id, type: 'agent', name: agent.name, email: agent.email, avatar: agent.avatar };
    this.#charge(textBytes(stored) - (before === undefined ? -OVERHEAD_BYTES.agent : textBytes(before)));
    this.#agents.set(agent.id, stored);
    const changed = before === undefined || before.name !== stored.name || before.email !== stored.email || before.avatar !== stored.avatar;
    return { agent: { ...stored }, created: before === undefined, changed };
  }

  agent(id: string): StoredAgent | undefined {
    const agent = this.#agents.get(id);
    return agent === undefined ? undefined : { ...agent };
  }

  /** A user (agent or customer) by id, or undefined for ids that name nobody (`system`). */
  user(id: string): StoredUser | undefined {
    if (this.#customers.has(id)) return this.customer(id);
    return this.agent(id);
  }

  // ---- chats ---------------------------------------------------------------------------------

  hasChat(id: string): boolean {
    return this.#chats.has(id);
  }

  isChatUser(chatId: string, userId: string): boolean {
    return this.#chats.get(chatId)?.users.has(userId) ?? false;
  }

  /** Ids of the chat's users, in the order they joined. */
  chatUsers(chatId: string): string[] {
    return [...this.#chat(chatId).users.keys()];
  }

  chat(chatId: string): Chat {
    const chat = this.#chat(chatId);
    return {
      id: chat.id,
      users: [...chat.users].map(([id, lastSeenTimestamp]) => ({ id, lastSeenTimestamp })),
      threads: [...chat.threads],
      properties: propertiesView(chat.properties),
    };
  }

  /** Ids of a user's chats, most recent activity first. */
  chatIdsOf(userId: string): string[] {
    const ids = [...(this.#chatsByUser.get(userId) ?? [])];
    return ids.sort((a, b) => this.#chat(b).activity - this.#chat(a).activity);
  }

  chatSummary(chatId: string): StoredChatSummary {
    const chat = this.#chat(chatId);
    const summary: StoredChatSummary = {
      id: chat.id,
      users: [...chat.users.keys()],
      lastEventsPerType: Object.fromEntries(chat.lastEventsPerType),
      lastSeenTimestamps: Object.fromEntries(chat.users),
      properties: propertiesView(chat.properties),
    };
    if (chat.lastEvent !== undefined) summary.lastEvent = chat.lastEvent;
    return summary;
  }

  /** Opens a chat for a customer with an active first thread holding the given events. */
  startChat(customerId: string, options: { events?: readonly EventDraft[]; properties?: Properties } = {}): { chat: Chat; thread: StoredThread } {
    this.ensureCustomer(customerId);
    const events = options.events ?? [];
    // The chat and its first thread, with their properties and events, all or nothing.
    this.#charge(OVERHEAD_BYTES.chat + OVERHEAD_BYTES.thread + (options.properties === undefined ? 0 : mergeCost(new Map(), options.properties)) + eventsCost(events));
    const id = this.#uniqueId();
    const chat: ChatRecord = {
      id,
      users: new Map([[customerId, null]]),
      threads: [],
      properties: new Map(),
      eventCount: 0,
      lastEvent: undefined,
      lastEventsPerType: new Map(),
      lastTimestamp: 0,
      activity: ++this.#activity,
      sneakPeeks: new Map(),
    };
    if (options.properties !== undefined) mergeProperties(chat.properties, options.properties);
    this.#chats.set(id, chat);
    this.#index(customerId, id);
    const thread = this.#openThread(chat, customerId, events);
    return { chat: this.chat(id), thread: this.thread(thread.id) };
  }

  /** Adds a user to a chat (and to its active thread); false when they already were a user. */
  addUser(chatId: string, userId: string): boolean {
    const chat = this.#chat(chatId);
    if (chat.users.has(userId)) return false;
    this.#charge(OVERHEAD_BYTES.chatUser + textBytes(userId));
    chat.users.set(userId, null);
    this.#index(userId, chatId);
    const active = this.#activeThread(chat);
    if (active !== undefined && !active.users.includes(userId)) active.users.push(userId);
    return true;
  }

  /** Removes a user from a chat (threads keep them in their history); false when they were not in it. */
  removeUser(chatId: string, userId: string): boolean {
    const chat = this.#chat(chatId);
    if (!chat.users.delete(userId)) return false;
    this.#chatsByUser.get(userId)?.delete(chatId);
    return true;
  }

  /** Stores the later of the given and the stored last seen timestamp; returns the stored one. */
  markSeen(chatId: string, userId: string, timestamp: number = this.#now()): { timestamp: number; changed: boolean } {
    const chat = this.#chat(chatId);
    if (!chat.users.has(userId)) throw new ProtocolError('authorization', `"${userId}" is not a user of chat ${chatId}`);
    const stored = chat.users.get(userId) ?? null;
    if (stored !== null && stored >= timestamp) return { timestamp: stored, changed: false };
    chat.users.set(userId, timestamp);
    return { timestamp, changed: true };
  }

  updateChatProperties(chatId: string, properties: Properties): void {
    const chat = this.#chat(chatId);
    this.#charge(mergeCost(chat.properties, properties));
    mergeProperties(chat.properties, properties);
  }

  setSneakPeek(chatId: string, userId: string, text: string): void {
    this.requireActiveThread(chatId);
    const { sneakPeeks } = this.#chat(chatId);
    const before = sneakPeeks.get(userId);
    this.#charge(textBytes(text) - (before === undefined ? -(OVERHEAD_BYTES.sneakPeek + textBytes(userId)) : textBytes(before.text)));
    sneakPeeks.set(userId, { text, timestamp: this.#now() });
  }

  /** The latest sneak peek of each user of a chat (what agents would see). */
  sneakPeeks(chatId: string): Record<string, { text: string; timestamp: number }> {
    return Object.fromEntries(this.#chat(chatId).sneakPeeks);
  }

  // ---- threads and events --------------------------------------------------------------------

  /** The id of the chat's active thread; `chat_inactive` when it has none. */
  requireActiveThread(chatId: string): string {
    const active = this.#activeThread(this.#chat(chatId));
    if (active === undefined) throw new ProtocolError('chat_inactive', `chat ${chatId} has no active thread; start a new chat or thread first`);
    return active.id;
  }

  hasActiveThread(chatId: string): boolean {
    return this.#activeThread(this.#chat(chatId)) !== undefined;
  }

  /** Adds an event to the chat's active thread and returns it with its server-assigned fields. */
  addEvent(chatId: string, author: string, draft: EventDraft): StoredEvent {
    const chat = this.#chat(chatId);
    const thread = this.#threads.get(this.requireActiveThread(chatId));
    if (thread === undefined) throw new Error(`thread index broken for chat ${chatId}`);
    this.#charge(eventsCost([draft]));
    return this.#append(chat, thread, author, draft);
  }

  /** Closes the chat's active thread and returns its id; `chat_inactive` when there is none. */
  closeThread(chatId: string): string {
    const chat = this.#chat(chatId);
    const active = this.#activeThread(chat);
    if (active === undefined) throw new ProtocolError('chat_inactive', `chat ${chatId} has no active thread to close`);
    active.active = false;
    for (const [userId, { text }] of chat.sneakPeeks) this.#storedBytes -= OVERHEAD_BYTES.sneakPeek + textBytes(userId) + textBytes(text);
    chat.sneakPeeks.clear();
    return active.id;
  }

  /** Starts a new active thread in an inactive chat, with the given first events. */
  startThread(chatId: string, author: string, events: readonly EventDraft[] = []): StoredThread {
    const chat = this.#chat(chatId);
    if (this.#activeThread(chat) !== undefined) throw new ProtocolError('validation', `chat ${chatId} already has an active thread; close it first`);
    this.#charge(OVERHEAD_BYTES.thread + eventsCost(events));
    return this.thread(this.#openThread(chat, author, events).id);
  }

  updateThreadProperties(chatId: string, threadId: string, properties: Properties): void {
    const thread = this.#threadOf(chatId, threadId);
    this.#charge(mergeCost(thread.properties, properties));
    mergeProperties(thread.properties, properties);
  }

  thread(threadId: string): StoredThread {
    const thread = this.#threads.get(threadId);
    if (thread === undefined) throw new ProtocolError('not_found', `no thread ${threadId}`);
    return {
      id: thread.id,
      chat: thread.chat,
      active: thread.active,
      order: thread.order,
      users: [...thread.users],
      events: [...thread.events],
      properties: propertiesView(thread.properties),
    };
  }

  threadSummary(threadId: string): StoredThreadSummary {
    const thread = this.#threads.get(threadId);
    if (thread === undefined) throw new ProtocolError('not_found', `no thread ${threadId}`);
    return { id: thread.id, chat: thread.chat, order: thread.order, totalEvents: thread.events.length };
  }

  /** The named threads of a chat, in the order asked; `not_found` for one that is not the chat's. */
  threads(chatId: string, threadIds: readonly string[]): StoredThread[] {
    return threadIds.map((id) => this.thread(this.#threadOf(chatId, id).id));
  }

  /** One page of a chat's thread summaries, newest first. */
  threadsSummary(chatId: string, offset: number, limit: number): { threadsSummary: StoredThreadSummary[]; totalThreads: number } {
    const chat = this.#chat(chatId);
    const newestFirst = [...chat.threads].reverse();
    return { threadsSummary: newestFirst.slice(offset, offset + limit).map((id) => this.threadSummary(id)), totalThreads: chat.threads.length };
  }

  // ---- internals -----------------------------------------------------------------------------

  /**
   * Takes `bytes` of the bound before a change is made (gives them back when negative), or refuses
   * the change with `service_unavailable`: nothing is stored, the client may retry later.
   */
  #charge(bytes: number): void {
    // The total never passes the bound, so a change that gives bytes back is never refused.
    if (this.#storedBytes + bytes > this.#maxBytes) {
      throw new ProtocolError('service_unavailable', `the server stores no more chat content now: it keeps ${this.#storedBytes} of its ${this.#maxBytes} bytes (maxStoredChatBytes) and this would take ${bytes} more`);
    }
    this.#storedBytes += bytes;
  }

  #chat(chatId: string): ChatRecord {
    const chat = this.#chats.get(chatId);
    if (chat === undefined) throw new ProtocolError('not_found', `no chat ${chatId}`);
    return chat;
  }

  #threadOf(chatId: string, threadId: string): ThreadRecord {
    this.#chat(chatId);
    const thread = this.#threads.get(threadId);
    if (thread === undefined || thread.chat !== chatId) throw new ProtocolError('not_found', `chat ${chatId} has no thread ${threadId}`);
    return thread;
  }

  #activeThread(chat: ChatRecord): ThreadRecord | undefined {
    const lastId = chat.threads[chat.threads.length - 1];
    const last = lastId === undefined ? undefined : this.#threads.get(lastId);
    return last?.active === true ? last : undefined;
  }

  #openThread(chat: ChatRecord, author: string, events: readonly EventDraft[]): ThreadRecord {
    const thread: ThreadRecord = {
      id: this.#uniqueId(),
      chat: chat.id,
      active: true,
      order: chat.threads.length + 1,
      users: [...chat.users.keys()],
      events: [],
      properties: new Map(),
    };
    this.#threads.set(thread.id, thread);
    chat.threads.push(thread.id);
    chat.activity = ++this.#activity;
    for (const draft of events) this.#append(chat, thread, author, draft);
    return thread;
  }

  #append(chat: ChatRecord, thread: ThreadRecord, author: string, draft: EventDraft): StoredEvent {
    // Server-assigned fields win over anything of the same name in the draft.
    const { id: _id, chat: _chat, thread: _thread, author: _author, timestamp: _timestamp, type, ...fields } = draft as EventDraft & Record<string, unknown>;
    chat.lastTimestamp = Math.max(chat.lastTimestamp, this.#now());
    const event = { id: `${chat.id}_${++chat.eventCount}`, type, chat: chat.id, thread: thread.id, author, timestamp: chat.lastTimestamp, ...fields } as StoredEvent;
    thread.events.push(event);
    chat.lastEvent = event;
    chat.lastEventsPerType.set(type, event);
    chat.activity = ++this.#activity;
    return event;
  }

  #index(userId: string, chatId: string): void {
    let chats = this.#chatsByUser.get(userId);
    if (chats === undefined) this.#chatsByUser.set(userId, (chats = new Set()));
    chats.add(chatId);
  }

  #uniqueId(): string {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const id = this.#newId();
      if (!this.#chats.has(id) && !this.#threads.has(id)) return id;
    }
    throw new Error('the id generator keeps returning ids already in use');
  }
}
