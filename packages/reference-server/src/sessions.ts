// The open connections and everything the server writes to them. All outgoing frames are built
// with the generated `frames` encoders and, with `validateOutgoing`, checked against the spec with
// the generated `outgoingFrameValidators` before they leave. Every write goes through one gate that
// enforces `maxUnsentBytes` (a connection that does not read is closed with 1008) and, over all
// connections, `maxTotalUnsentBytes` (past it, the connections holding the most are cut off), and
// every connection the server ends leaves the registry at once, so nothing more is written to it.
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
  disconnectCloseCode,
} from './gen/protocol.js';
import { OutgoingFrameError, ProtocolError, type OutgoingViolation } from './errors.js';
import { breakFrame, INVALID_PUSH, NOT_JSON_REPLY, type ProtocolBreaks } from './protocol-breaks.js';
import type { ChatStore } from './chat-store.js';

/** Close code sent after `customer_disconnected` (the spec's `x-close-code`; the reason text is the disconnection reason). */
export const DISCONNECT_CLOSE_CODE = disconnectCloseCode;
/**
 * Close code of a connection that reads too slowly (more than `maxUnsentBytes` waiting to be sent):
 * 1008, policy violation. No `DisconnectionReason` of the spec fits, and a `customer_disconnected`
 * push would only queue behind the bytes the client is not reading.
 */
export const SLOW_CONSUMER_CLOSE_CODE = 1008;

/** A frame received and not handled yet. */
export interface Inbound {
  readonly data: Buffer;
  readonly isBinary: boolean;
}

/** One WebSocket connection of a customer. */
export interface Session {
  readonly id: number;
  readonly licenseId: string;
  readonly socket: WebSocket;
  /** The logged-in customer; undefined until `login` succeeds. */
  customerId: string | undefined;
  /** Users this connection has received `user_data` for: a user is introduced before being named. */
  readonly knownUsers: Set<string>;
  /**
   * Frames received and not handled yet, oldest first. Frames of a connection are handled one after
   * another, so replies keep the order of requests; connections take turns (see scheduler.ts).
   */
  readonly inbox: Inbound[];
  /** A frame of this connection is being handled. */
  busy: boolean;
  /** A heartbeat ping went out and its pong has not come back yet. */
  awaitingPong: boolean;
  /** True until the connection closes or the server ends it: then nothing more is written or handled. */
  open: boolean;
}

export interface SessionRegistryOptions {
  validateOutgoing: boolean;
  /** Told about every outgoing frame that breaks the spec (with `validateOutgoing`). */
  onViolation(violation: OutgoingViolation): void;
  /** The most bytes a connection may have waiting to be sent before it is closed as too slow. */
  maxUnsentBytes: number;
  /** The most bytes all connections together may have waiting; past it the ones holding the most are cut off. */
  maxTotalUnsentBytes: number;
  /** Deliberate protocol violations (test-only): applied to each frame after the outgoing check. */
  breaks?: ProtocolBreaks | undefined;
}

type OutgoingKey = keyof typeof outgoingFrameValidators;
type ErrorPayload = Parameters<typeof frames.error>[2];

export class SessionRegistry {
  readonly #store: ChatStore;
  readonly #options: SessionRegistryOptions;
  readonly #sessions = new Set<Session>();
  readonly #byCustomer = new Map<string, Set<Session>>();
  #unauthenticated = 0;
  #nextId = 1;
  /**
   * Sockets the server closed gracefully that may still hold unsent bytes (the close frame waits
   * behind them): they count against the output budget until they are gone, and go first when it is spent.
   */
  readonly #closing = new Set<WebSocket>();
  /**
   * At least the bytes waiting over all connections: every send adds its size; bytes drain without
   * telling, so when this passes the budget the real total is counted again.
   */
  #tally = 0;
  /** protocolBreaks.pushAfterResponse: pushes held back until the reply to the connection's request has gone. */
  readonly #heldPushes = new Map<Session, Buffer[]>();

  constructor(store: ChatStore, options: SessionRegistryOptions) {
    this.#store = store;
    this.#options = options;
  }

  add(socket: WebSocket, licenseId: string): Session {
    const session: Session = {
      id: this.#nextId++,
      licenseId,
      socket,
      customerId: undefined,
      knownUsers: new Set(),
      inbox: [],
      busy: false,
      awaitingPong: false,
      open: true,
    };
    this.#sessions.add(session);
    this.#unauthenticated += 1;
    return session;
  }

  /** Forgets a connection (it closed); frames it sent and nobody handled yet are dropped. */
  remove(session: Session): void {
    if (!this.#sessions.delete(session)) return;
    this.#heldPushes.delete(session);
    session.open = false;
    session.inbox.length = 0;
    if (session.customerId === undefined) this.#unauthenticated -= 1;
    this.#unbind(session);
  }

  /** Attaches a connection to the customer who logged in on it (a connection logs in once). */
  bind(session: Session, customerId: string): void {
    if (session.customerId === customerId) return;
    if (session.customerId !== undefined) throw new Error(`connection ${session.id} is already logged in as ${session.customerId}`);
    if (!this.#sessions.has(session)) throw new Error(`connection ${session.id} is closed`);
    session.customerId = customerId;
    this.#unauthenticated -= 1;
    let sessions = this.#byCustomer.get(customerId);
    if (sessions === undefined) this.#byCustomer.set(customerId, (sessions = new Set()));
    sessions.add(session);
  }

  /** Undoes `bind` (a login that failed after binding): the connection is logged out, as before the login. */
  release(session: Session): void {
    if (session.customerId === undefined) return;
    this.#unbind(session);
    session.customerId = undefined;
    session.knownUsers.clear();
    if (this.#sessions.has(session)) this.#unauthenticated += 1;
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
    return customerId === undefined ? this.#sessions.size : (this.#byCustomer.get(customerId)?.size ?? 0);
  }

  /** How many open connections have not logged in (yet). */
  unauthenticatedCount(): number {
    return this.#unauthenticated;
  }

  /** Requests of a connection waiting for their answer: received and not handled, plus the one being handled. */
  pendingRequests(session: Session): number {
    return session.inbox.length + (session.busy ? 1 : 0);
  }

  // ---- writing -------------------------------------------------------------------------------

  respond(session: Session, requestId: string, action: RequestAction, payload: unknown): void {
    const breaks = this.#options.breaks;
    if (breaks !== undefined) {
      this.#respondBroken(session, requestId, action, payload, breaks);
      return;
    }
    this.#write(session, frames.response(requestId, action, payload), `response_${action}`);
  }

  fail(session: Session, requestId: string | null, action: string, error: ErrorPayload): void {
    this.#write(session, frames.error(requestId, action, error), 'error');
    const breaks = this.#options.breaks;
    if (breaks === undefined) return;
    if (action === breaks.answerTwice) this.#write(session, frames.error(requestId, action, error), 'error');
    this.#releaseHeldPushes(session);
  }

  /** Pushes to one connection, after `user_data` of every user in `about` it has not met yet. */
  push<A extends PushAction>(session: Session, action: A, payload: PushPayloads[A], about: readonly string[] = []): void {
    this.introduce(session, about);
    this.#write(session, frames.push(action, payload), `push_${action}`);
    if (this.#options.breaks?.leakPush === action && session.customerId !== undefined) {
      // protocolBreaks.leakPush: the same push on the customer's other connections too.
      for (const other of this.ofCustomer(session.customerId)) if (other !== session) this.#write(other, frames.push(action, payload), `push_${action}`);
    }
  }

  /** Pushes to every connection of the chat's users, except `except`. */
  pushToChat<A extends PushAction>(
    chatId: string,
    action: A,
    payload: PushPayloads[A],
    options: { about?: readonly string[]; except?: Session; introduceAgain?: boolean } = {},
  ): void {
    const sessions = this.ofChat(chatId).filter((session) => session !== options.except);
    if (sessions.length === 0) return;
    const bytes = this.#encode(frames.push(action, payload), `push_${action}`);
    for (const session of sessions) {
      this.introduce(session, options.about ?? [], options.introduceAgain ?? false);
      if (session.open) this.#deliver(session, bytes, `push_${action}`);
    }
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
    let bytes: Buffer | undefined;
    for (const session of this.#sessions) {
      if (session !== except && session.knownUsers.has(userId)) this.#deliver(session, (bytes ??= this.#encode(frames.push('user_data', user), 'push_user_data')), 'push_user_data');
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

  /**
   * Ends one connection the way the spec says a server ends a session: `customer_disconnected
   * { reason }`, then a close with code 4000 and the reason as close text. With `terminate`, the
   * socket is destroyed right after (for a peer that is presumably gone: it gets the frames if it is
   * still there, and nothing waits for its closing handshake).
   */
  disconnectSession(session: Session, reason: DisconnectionReason, options: { terminate?: boolean } = {}): void {
    checkReason(reason);
    if (!session.open) return;
    const terminate = options.terminate ?? false;
    this.#write(session, frames.push('customer_disconnected', { reason }), 'push_customer_disconnected');
    // That push may have closed the connection already (too slow to take it, 1008): a peer presumed gone is cut off all the same.
    if (terminate && !session.open) session.socket.terminate();
    this.#close(session, this.#options.breaks?.disconnectCloseCode ?? DISCONNECT_CLOSE_CODE, reason, terminate);
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

  /** Sends text as is, unchecked (fault injection: malformed frames); returns to how many connections. */
  sendRaw(customerId: string, text: string): number {
    let sent = 0;
    for (const session of this.ofCustomer(customerId)) if (this.sendRawTo(session, text)) sent += 1;
    return sent;
  }

  /** Sends text as is, unchecked, to one connection; false when it is closed. */
  sendRawTo(session: Session, text: string): boolean {
    return session.open && this.#send(session, Buffer.from(text, 'utf8'));
  }

  // ---- internals -----------------------------------------------------------------------------

  #unbind(session: Session): void {
    if (session.customerId === undefined) return;
    const sessions = this.#byCustomer.get(session.customerId);
    sessions?.delete(session);
    if (sessions?.size === 0) this.#byCustomer.delete(session.customerId);
  }

  #write(session: Session, frame: object, key: OutgoingKey): void {
    const bytes = this.#encode(frame, key);
    if (session.open) this.#deliver(session, bytes, key);
  }

  /** Sends an encoded frame; under `breaks`, a push may be dropped, doubled or held back (see ProtocolBreaks). */
  #deliver(session: Session, bytes: Buffer, key: OutgoingKey): void {
    const breaks = this.#options.breaks;
    if (breaks === undefined) {
      this.#send(session, bytes);
      return;
    }
    if (key === `push_${breaks.dropPush}`) return;
    if (key === `push_${breaks.pushAfterResponse}` && session.busy) {
      this.#heldPushes.set(session, [...(this.#heldPushes.get(session) ?? []), bytes]);
      return;
    }
    this.#send(session, bytes);
    if (key === `push_${breaks.duplicatePush}`) this.#send(session, bytes);
  }

  /** The success response under `breaks`: withheld, replaced, doubled, or with a push the spec does not put there. */
  #respondBroken(session: Session, requestId: string, action: RequestAction, payload: unknown, breaks: ProtocolBreaks): void {
    const response = frames.response(requestId, action, payload);
    const key: OutgoingKey = `response_${action}`;
    if (action === breaks.noResponse) return;
    if (action === breaks.closeInsteadOfResponse) {
      this.#close(session, 1011, 'protocolBreaks.closeInsteadOfResponse', false);
      return;
    }
    if (action === breaks.extraPushBeforeResponse && session.customerId !== undefined) this.push(session, 'customer_id', session.customerId);
    if (action === breaks.nonJsonResponse) this.sendRawTo(session, NOT_JSON_REPLY);
    else this.#write(session, response, key);
    if (action === breaks.answerTwice) this.#write(session, response, key);
    if (action === breaks.invalidPushAfterResponse) this.sendRawTo(session, INVALID_PUSH);
    this.#releaseHeldPushes(session);
  }

  /** protocolBreaks.pushAfterResponse: the pushes held back while the connection's request was handled, now that its reply went. */
  #releaseHeldPushes(session: Session): void {
    const held = this.#heldPushes.get(session);
    if (held === undefined) return;
    this.#heldPushes.delete(session);
    for (const bytes of held) this.#send(session, bytes);
  }

  /**
   * A frame as the bytes that go out, checked against the spec first with `validateOutgoing`. Sent
   * as UTF-8 bytes (a text frame all the same): Node counts a queued string by its characters, so
   * `bufferedAmount` would undercount text outside ASCII up to three times. A frame pushed to many
   * connections is encoded once, and they all queue the same bytes.
   */
  #encode(frame: object, key: OutgoingKey): Buffer {
    if (this.#options.validateOutgoing) {
      const validate = outgoingFrameValidators[key] as (frame: unknown) => Validation<unknown>;
      const result = validate(frame);
      if (!result.ok) {
        const violation: OutgoingViolation = { validator: key, frame, errors: result.errors };
        this.#options.onViolation(violation);
        throw new OutgoingFrameError(violation);
      }
    }
    const breaks = this.#options.breaks;
    return Buffer.from(JSON.stringify(breaks === undefined ? frame : breakFrame(frame as Record<string, unknown>, breaks)), 'utf8');
  }

  /**
   * Sends one message, unless the connection is too slow: when bytes are already waiting to be sent
   * (ws's `bufferedAmount`: queued by ws and by the socket; the server queues nothing else) and this
   * message would take them past `maxUnsentBytes`, the connection is closed with 1008 instead and
   * nothing more is written to it. A message on an empty queue always goes, however large.
   */
  #send(session: Session, bytes: Buffer): boolean {
    if (!session.open || session.socket.readyState !== WebSocket.OPEN) return false;
    const unsent = session.socket.bufferedAmount;
    const max = this.#options.maxUnsentBytes;
    if (unsent > 0 && unsent + bytes.length > max) {
      this.#close(session, SLOW_CONSUMER_CLOSE_CODE, `too slow: more than ${max} bytes waiting to be sent`, false);
      return false;
    }
    this.#tally += bytes.length;
    if (this.#tally > this.#options.maxTotalUnsentBytes) {
      this.#enforceBudget(session, bytes.length);
      if (!session.open) return false;
    }
    session.socket.send(bytes, { binary: false }, ignoreSendError);
    return true;
  }

  /**
   * The output budget: counts the bytes waiting over every connection (and the sockets still
   * closing) plus `incoming`, the frame about to go to `target`, and while that passes
   * `maxTotalUnsentBytes`, cuts off first the sockets already closing, then the connection holding
   * the most. Those are terminated, not closed: a close frame would wait behind the bytes they are
   * not reading, and the memory must come back now. It cuts only while a cut can make the rest fit:
   * a frame alone larger than the budget fits whatever is cut, so it is left out of the count (it
   * still goes to a connection that keeps up; `maxUnsentBytes` bounds one that does not) and the
   * others are held to the budget on their own; and once `target` itself is cut, its frame is not
   * sent, so it no longer counts either.
   */
  #enforceBudget(target: Session, incoming: number): void {
    const budget = this.#options.maxTotalUnsentBytes;
    // What of the frame counts: nothing when it cannot fit, and nothing once its connection is cut.
    let counted = incoming > budget ? 0 : incoming;
    let total = counted;
    for (const session of this.#sessions) total += session.socket.bufferedAmount;
    for (const socket of this.#closing) total += socket.bufferedAmount;
    for (const socket of this.#closing) {
      if (total <= budget) break;
      total -= socket.bufferedAmount;
      this.#closing.delete(socket);
      socket.terminate();
    }
    while (total > budget) {
      let victim: Session | undefined;
      for (const session of this.#sessions) {
        if (session.socket.bufferedAmount > (victim?.socket.bufferedAmount ?? 0)) victim = session;
      }
      if (victim === undefined) break;
      const held = victim.socket.bufferedAmount;
      total -= held;
      if (victim === target) {
        total -= counted;
        counted = 0;
      }
      this.#close(victim, SLOW_CONSUMER_CLOSE_CODE, `too slow: the server's output budget of ${budget} bytes is spent, ${held} of them waiting for this connection`, true);
    }
    // The tally is never below what waits: the frame goes, counted or not, unless its connection was cut.
    this.#tally = total - counted + (target.open ? incoming : 0);
  }

  /**
   * Closes a connection the server ends: it leaves the registry at once (nothing more is written to
   * it or handled from it), the close frame goes after what is already queued. A peer that does not
   * finish the closing handshake is cut off by ws after its close timeout.
   */
  #close(session: Session, code: number, reason: string, terminate: boolean): void {
    if (!session.open) return;
    this.remove(session);
    const { socket } = session;
    if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
    if (terminate) {
      socket.terminate();
      return;
    }
    // Until the peer reads what was queued and answers the close frame, the bytes stay held.
    if (socket.bufferedAmount > 0) {
      this.#closing.add(socket);
      socket.once('close', () => this.#closing.delete(socket));
    }
  }
}

function checkReason(reason: DisconnectionReason): void {
  if (!disconnectionReasons.includes(reason)) {
    throw new ProtocolError('validation', `unknown disconnection reason "${String(reason)}"; the reasons are ${disconnectionReasons.join(', ')}`);
  }
}

// A write to a connection that is going away fails; the connection's close handler cleans up.
function ignoreSendError(): void {}

