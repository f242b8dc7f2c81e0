// The open connections and everything the server writes to them. All outgoing frames are built
// with the generated `frames` encoders and, with `validateOutgoing`, checked against the spec with
// the generated `outgoingFrameValidators` before they leave.
import { WebSocket } from 'ws';
import type { Validation } from '@customer-chat/validators';
import {
  disconnectionReasons,
  frames,
  outgoingFrameValidators,
  type DisconnectionReason,
  type PushAction,
  type PushPayloads,
  type RequestAction,
} from './gen/protocol.js';
import { OutgoingFrameError, ProtocolError, type OutgoingViolation } from './errors.js';
import type { ChatStore } from './chat-store.js';

/** Close code sent after `customer_disconnected` (the reason text is the disconnection reason). */
export const DISCONNECT_CLOSE_CODE = 4000;

/** One WebSocket connection of a customer. */
export interface Session {
  readonly id: number;
  readonly licenseId: string;
  readonly socket: WebSocket;
  /** The logged-in customer; undefined until `login` succeeds. */
  customerId: string | undefined;
  /** Users this connection has received `user_data` for: a user is introduced before being named. */
  readonly knownUsers: Set<string>;
  /** Frames of a connection are handled one after another, so replies keep the order of requests. */
  queue: Promise<void>;
}

export interface SessionRegistryOptions {
  validateOutgoing: boolean;
  /** Told about every outgoing frame that breaks the spec (with `validateOutgoing`). */
  onViolation(violation: OutgoingViolation): void;
}

type OutgoingKey = keyof typeof outgoingFrameValidators;
type ErrorPayload = Parameters<typeof frames.error>[2];

export class SessionRegistry {
  readonly #store: ChatStore;
  readonly #options: SessionRegistryOptions;
  readonly #sessions = new Set<Session>();
  readonly #byCustomer = new Map<string, Set<Session>>();
  #nextId = 1;

  constructor(store: ChatStore, options: SessionRegistryOptions) {
    this.#store = store;
    this.#options = options;
  }

  add(socket: WebSocket, licenseId: string): Session {
    const session: Session = { id: this.#nextId++, licenseId, socket, customerId: undefined, knownUsers: new Set(), queue: Promise.resolve() };
    this.#sessions.add(session);
    return session;
  }

  remove(session: Session): void {
    this.#sessions.delete(session);
    this.#unbind(session);
  }

  /** Attaches a connection to the customer who logged in on it. */
  bind(session: Session, customerId: string): void {
    if (session.customerId !== customerId) {
      this.#unbind(session);
      session.knownUsers.clear();
    }
    session.customerId = customerId;
    let sessions = this.#byCustomer.get(customerId);
    if (sessions === undefined) this.#byCustomer.set(customerId, (sessions = new Set()));
    sessions.add(session);
  }

  all(): Session[] {
    return [...this.#sessions];
  }

  ofCustomer(customerId: string): Session[] {
    return [...(this.#byCustomer.get(customerId) ?? [])];
  }

  /** The connections of every user of a chat (agents have none here). */
  ofChat(chatId: string): Session[] {
    return this.#store.chatUsers(chatId).flatMap((userId) => this.ofCustomer(userId));
  }

  /** How many open connections a customer (or everybody) has. */
  count(customerId?: string): number {
    return customerId === undefined ? this.#sessions.size : this.ofCustomer(customerId).length;
  }

  // ---- writing -------------------------------------------------------------------------------

  respond(session: Session, requestId: string, action: RequestAction, payload: unknown): void {
    this.#write(session, frames.response(requestId, action, payload), `response_${action}`);
  }

  fail(session: Session, requestId: string | null, action: string, error: ErrorPayload): void {
    this.#write(session, frames.error(requestId, action, error), 'error');
  }

  /** Pushes to one connection, after `user_data` of every user in `about` it has not met yet. */
  push<A extends PushAction>(session: Session, action: A, payload: PushPayloads[A], about: readonly string[] = []): void {
    this.introduce(session, about);
    this.#write(session, frames.push(action, payload), `push_${action}`);
  }

  /** Pushes to every connection of the chat's users, except `except`. */
  pushToChat<A extends PushAction>(
    chatId: string,
    action: A,
    payload: PushPayloads[A],
    options: { about?: readonly string[]; except?: Session; introduceAgain?: boolean } = {},
  ): void {
    for (const session of this.ofChat(chatId)) {
      if (session === options.except) continue;
      this.introduce(session, options.about ?? [], options.introduceAgain ?? false);
      this.push(session, action, payload);
    }
  }

  /** Pushes to every connection of a customer, except `except`. */
  pushToCustomer<A extends PushAction>(customerId: string, action: A, payload: PushPayloads[A], except?: Session): void {
    for (const session of this.ofCustomer(customerId)) if (session !== except) this.push(session, action, payload);
  }

  /** Sends `user_data` for each user the connection has not met (or for all of them with `again`). */
  introduce(session: Session, userIds: readonly string[], again = false): void {
    for (const userId of userIds) {
      if (!again && session.knownUsers.has(userId)) continue;
      const user = this.#store.user(userId);
      if (user === undefined) continue;
      this.#write(session, frames.push('user_data', user), 'push_user_data');
      session.knownUsers.add(userId);
    }
  }

  /** Pushes `user_data` of a user whose details changed to every connection that knows them. */
  announceUserChange(userId: string, except?: Session): void {
    const user = this.#store.user(userId);
    if (user === undefined) return;
    for (const session of this.#sessions) {
      if (session !== except && session.knownUsers.has(userId)) this.#write(session, frames.push('user_data', user), 'push_user_data');
    }
  }

  // ---- ending connections --------------------------------------------------------------------

  /** Ends every connection of a customer: `customer_disconnected`, then a close with code 4000. */
  disconnect(customerId: string, reason: DisconnectionReason): number {
    checkReason(reason);
    const sessions = this.ofCustomer(customerId);
    for (const session of sessions) this.disconnectSession(session, reason);
    return sessions.length;
  }

  disconnectSession(session: Session, reason: DisconnectionReason): void {
    checkReason(reason);
    this.#write(session, frames.push('customer_disconnected', { reason }), 'push_customer_disconnected');
    if (session.socket.readyState === WebSocket.OPEN) session.socket.close(DISCONNECT_CLOSE_CODE, reason);
    this.remove(session);
  }

  /** Drops connections without a close frame, as a broken network would. */
  terminate(customerId?: string): number {
    const sessions = customerId === undefined ? this.all() : this.ofCustomer(customerId);
    for (const session of sessions) {
      session.socket.terminate();
      this.remove(session);
    }
    return sessions.length;
  }

  /** Sends text as is, unchecked (fault injection: malformed frames). */
  sendRaw(customerId: string, text: string): number {
    const sessions = this.ofCustomer(customerId).filter((s) => s.socket.readyState === WebSocket.OPEN);
    for (const session of sessions) session.socket.send(text, ignoreSendError);
    return sessions.length;
  }

  // ---- internals -----------------------------------------------------------------------------

  #unbind(session: Session): void {
    if (session.customerId === undefined) return;
    const sessions = this.#byCustomer.get(session.customerId);
    sessions?.delete(session);
    if (sessions?.size === 0) this.#byCustomer.delete(session.customerId);
  }

  #write(session: Session, frame: object, key: OutgoingKey): void {
    if (this.#options.validateOutgoing) {
      const validate = outgoingFrameValidators[key] as (frame: unknown) => Validation<unknown>;
      const result = validate(frame);
      if (!result.ok) {
        const violation: OutgoingViolation = { validator: key, frame, errors: result.errors };
        this.#options.onViolation(violation);
        throw new OutgoingFrameError(violation);
      }
    }
    if (session.socket.readyState !== WebSocket.OPEN) return;
    session.socket.send(JSON.stringify(frame), ignoreSendError);
  }
}

function checkReason(reason: DisconnectionReason): void {
  if (!disconnectionReasons.includes(reason)) {
    throw new ProtocolError('validation', `unknown disconnection reason "${String(reason)}"; the reasons are ${disconnectionReasons.join(', ')}`);
  }
}

// A write to a connection that is going away fails; the connection's close handler cleans up.
function ignoreSendError(): void {}

