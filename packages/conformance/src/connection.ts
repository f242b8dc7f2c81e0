// One WebSocket connection of the kit to the server under test: sends frames, keeps every frame the
// server sent with the verdict of the spec on it, and waits for replies, pushes and the close.
// What it keeps of each frame is bounded (a large frame as its bounded copy, see boundedFrame).
import WebSocket, { type RawData } from 'ws';
import { checkServerFrame, parseFrame, type FrameVerdict } from './frame-check.js';
import { boundedFrame, KEEP_WHOLE_BYTES } from './frame-text.js';
import { protocol } from './gen/protocol.js';

/** A frame the server sent, as received, with the spec's verdict on it. */
export interface ReceivedFrame {
  /**
   * The parsed frame, or the text (or `<binary n bytes>`) when it is not JSON; for a frame over
   * 64 KiB, its bounded copy (strings clipped, see boundedFrame). The verdict is on the whole frame.
   */
  frame: unknown;
  verdict: FrameVerdict;
}

/** The most issues kept per frame (a huge invalid frame can have one per item). */
const MAX_ISSUES = 10;
/** ws's default limit on one incoming message, which the kit keeps. */
const MAX_PAYLOAD_BYTES = 100 * 1024 * 1024;
/**
 * The most the kit keeps of one connection's frames (their sizes on the wire, a large frame
 * counted as its bounded copy's 64 KiB): a scenario exchanges a few frames, and a server that
 * floods one must not take the kit's memory. Past it the connection ends and the scenario fails.
 */
export const MAX_KEPT_BYTES = 64 * 1024 * 1024;
/** The most frames the kit keeps of one connection, for the same reason (a flood of tiny frames). */
export const MAX_KEPT_FRAMES = 100_000;

/** Why a connection could not be opened, in one line. */
export class ConnectError extends Error {
  constructor(
    message: string,
    /** The HTTP status of a refused upgrade, when there was one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

/** A wait that ran out: what was waited for, in words. */
export class WaitTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not come within ${ms} ms`);
    this.name = 'WaitTimeout';
  }
}

interface Waiter {
  matches(entry: ReceivedFrame): boolean;
  resolve(entry: ReceivedFrame): void;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class KitConnection {
  /** Every frame the server sent on this connection, in order. */
  readonly frames: ReceivedFrame[] = [];
  /** The close, once it happened. */
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #socket: WebSocket;
  readonly #pending = new Map<string, string>();
  /** Request ids already answered, with their action: a second reply names the request it repeats. */
  readonly #answered = new Map<string, string>();
  readonly #waiters = new Set<Waiter>();
  /** Frames sent whose request id a server cannot read, waiting for their reply (an error with a null request id). */
  readonly #unreadable = new Set<object>();
  #nextId = 1;
  #isClosed = false;
  #loggedIn = false;
  /** Why the socket failed (ws's error), when it did: said with the close it causes. */
  #failure: string | undefined;
  /** What the kept frames count towards MAX_KEPT_BYTES. */
  #keptBytes = 0;
  /** Set when the server sent more than the kit keeps: the connection was ended for it. */
  #overflow: string | undefined;

  private constructor(
    socket: WebSocket,
    readonly timeoutMs: number,
    onFrame: (entry: ReceivedFrame) => void,
  ) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.#isClosed = true;
        resolve({ code, reason: reason.toString('utf8') });
      });
    });
    socket.on('error', (error: Error & { code?: string }) => {
      this.#failure ??= error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? `the server sent a frame over ${MAX_PAYLOAD_BYTES / 1024 / 1024} MiB (the kit's limit)` : `the connection failed: ${error.message}`;
    });
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (this.#overflow !== undefined) return;
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      const parsed = parseFrame(bytes, isBinary);
      const verdict: FrameVerdict =
        'issue' in parsed
          ? { kind: 'unknown', action: '', requestId: undefined, issues: [parsed.issue] }
          : checkServerFrame(parsed.frame, (id) => this.#pending.get(id), () => this.#unreadable.size > 0);
      // An error with a null request id answers the oldest frame whose id could not be read.
      if (verdict.kind === 'error' && !('issue' in parsed) && isObject(parsed.frame) && Object.hasOwn(parsed.frame, protocol.correlationField) && parsed.frame[protocol.correlationField] === null) {
        for (const token of this.#unreadable) {
          this.#unreadable.delete(token);
          break;
        }
      }
      const frame = 'issue' in parsed ? (isBinary ? `<binary ${bytes.length} bytes>` : bytes.toString('utf8')) : parsed.frame;
      const entry: ReceivedFrame = { frame: boundedFrame(frame, bytes.length), verdict: { ...verdict, issues: this.#explained(verdict).slice(0, MAX_ISSUES) } };
      if (entry.verdict.kind === 'response' || entry.verdict.kind === 'error') {
        const { requestId } = entry.verdict;
        if (requestId !== undefined && this.#pending.has(requestId)) {
          this.#answered.set(requestId, this.#pending.get(requestId)!);
          this.#pending.delete(requestId);
        }
      }
      this.#keptBytes += Math.min(bytes.length, KEEP_WHOLE_BYTES);
      if (this.#keptBytes > MAX_KEPT_BYTES || this.frames.length >= MAX_KEPT_FRAMES) {
        // Kept no further: the frames so far stay to check, and every wait ends with this reason.
        this.#overflow = `the server sent more than ${this.frames.length >= MAX_KEPT_FRAMES ? `${MAX_KEPT_FRAMES} frames` : `${MAX_KEPT_BYTES / 1024 / 1024} MiB of frames`} on one connection within one scenario (the most the kit keeps); the kit ended the connection`;
        this.#failure = this.#overflow;
        socket.terminate();
        return;
      }
      this.frames.push(entry);
      onFrame(entry);
      for (const waiter of this.#waiters) {
        if (waiter.matches(entry)) {
          this.#waiters.delete(waiter);
          waiter.resolve(entry);
        }
      }
    });
  }

  /** The verdict's issues, a reply to a request answered already said as such. */
  #explained(verdict: FrameVerdict): FrameVerdict['issues'] {
    const { requestId } = verdict;
    if ((verdict.kind !== 'response' && verdict.kind !== 'error') || requestId === undefined || this.#pending.has(requestId)) return verdict.issues;
    const answered = this.#answered.get(requestId);
    if (answered === undefined) return verdict.issues;
    const pointer = `/${protocol.correlationField}`;
    return verdict.issues.map((issue) =>
      issue.path === pointer && issue.message.startsWith('answers no request waiting')
        ? { ...issue, message: `a second reply to the ${answered} request ${JSON.stringify(requestId)}, which was answered already` }
        : issue,
    );
  }

  /** Opens a connection; rejects with a ConnectError saying why it could not. */
  static open(url: string, timeoutMs: number, onFrame: (entry: ReceivedFrame) => void = () => {}): Promise<KitConnection> {
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(url, { handshakeTimeout: timeoutMs, perMessageDeflate: false, maxPayload: MAX_PAYLOAD_BYTES });
      } catch (error) {
        reject(new ConnectError(`cannot open ${url}: ${error instanceof Error ? error.message : String(error)}`));
        return;
      }
      // ws's handshakeTimeout is an idle timeout: a server trickling its upgrade answer a byte at a
      // time never trips it. This is the deadline of the whole open.
      const deadline = setTimeout(() => {
        socket.removeAllListeners('error');
        socket.on('error', () => {});
        socket.terminate();
        reject(new ConnectError(`${url} did not complete the WebSocket upgrade within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('unexpected-response', (_request, response) => {
        clearTimeout(deadline);
        socket.removeAllListeners('error');
        socket.on('error', () => {});
        reject(new ConnectError(`${url} refused the WebSocket upgrade with HTTP ${response.statusCode ?? '?'}`, response.statusCode));
        response.resume();
        socket.terminate();
      });
      socket.once('error', (error: Error & { code?: string }) => {
        clearTimeout(deadline);
        reject(new ConnectError(`cannot reach ${url}: ${error.code ?? error.message}`));
      });
      socket.once('open', () => {
        clearTimeout(deadline);
        resolve(new KitConnection(socket, timeoutMs, onFrame));
      });
    });
  }

  /** Why the kit ended the connection because the server sent more than it keeps; undefined when it did not. */
  get overflow(): string | undefined {
    return this.#overflow;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Sends a frame: an object as JSON, a string as is, a Buffer as a binary message. */
  send(frame: unknown): void {
    if (Buffer.isBuffer(frame)) this.#socket.send(frame, { binary: true });
    else this.#socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** A fresh request id. */
  newRequestId(): string {
    return `c${this.#nextId++}`;
  }

  /**
   * Sends a request frame and waits for the next reply on the connection: the kit has one request
   * in flight per connection, so that reply answers it whatever request id it carries (a wrong one
   * is a violation in its verdict). Any frame that is not a push is the reply: one that is not JSON
   * or not a response at all answers at once, as a frame of kind `unknown` with its issue, rather
   * than leaving the request to wait until the timeout.
   */
  async request(action: string, payload: unknown, frame: Record<string, unknown> = {}): Promise<ReceivedFrame & { requestId: string }> {
    const requestId = typeof frame[protocol.correlationField] === 'string' ? (frame[protocol.correlationField] as string) : this.newRequestId();
    const from = this.frames.length;
    this.#pending.set(requestId, action);
    const reply = this.next(isReply, `the reply to ${action} (${protocol.correlationField} ${requestId})`, from);
    this.send({ [protocol.correlationField]: requestId, action, payload, ...frame });
    const answer = await reply;
    if (action === protocol.login.action && answer.verdict.kind === 'response' && answer.verdict.issues.length === 0) this.#loggedIn = true;
    return { ...answer, requestId };
  }

  /** Whether a `login` on this connection was answered by its response: the server now serves it. */
  get loggedIn(): boolean {
    return this.#loggedIn;
  }

  /** Sends a frame (not necessarily a request) and waits for the next reply to anything (any frame but a push). */
  async sendAndReply(frame: unknown, what: string, pendingAs?: { requestId: string; action: string }): Promise<ReceivedFrame> {
    const from = this.frames.length;
    // Without `pendingAs`, a frame whose request id the server cannot read: its reply carries null.
    const unreadable = {};
    if (pendingAs !== undefined) this.#pending.set(pendingAs.requestId, pendingAs.action);
    else this.#unreadable.add(unreadable);
    const reply = this.next(isReply, what, from);
    this.send(frame);
    try {
      return await reply;
    } finally {
      // Answered (by whatever came) or given up: no later null-id error answers it.
      this.#unreadable.delete(unreadable);
    }
  }

  /** The first frame at or after `from` that matches, waiting for it when needed. */
  next(matches: (entry: ReceivedFrame) => boolean, what: string, from = this.frames.length): Promise<ReceivedFrame> {
    const found = this.frames.slice(from).find(matches);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        matches,
        resolve: (entry) => {
          clearTimeout(timer);
          resolve(entry);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new WaitTimeout(what, this.timeoutMs));
      }, this.timeoutMs);
      this.#waiters.add(waiter);
      void this.closed.then(({ code, reason }) => {
        if (!this.#waiters.delete(waiter)) return;
        clearTimeout(timer);
        const closedBy = `the server closed the connection (${code}${reason === '' ? '' : ` ${reason}`})`;
        reject(new Error(`${what} did not come: ${this.#failure ?? closedBy}`));
      });
    });
  }

  /** The first push of `action` at or after `from`. */
  nextPush(action: string, from = this.frames.length): Promise<ReceivedFrame> {
    return this.next((entry) => entry.verdict.kind === 'push' && entry.verdict.action === action, `a ${action} push`, from);
  }

  /** The pushes of `action` received before position `to` and at or after `from`. */
  pushesOf(action: string, from = 0, to = this.frames.length): ReceivedFrame[] {
    return this.frames.slice(from, to).filter((entry) => entry.verdict.kind === 'push' && entry.verdict.action === action);
  }

  close(): void {
    if (this.#socket.readyState === WebSocket.OPEN || this.#socket.readyState === WebSocket.CONNECTING) this.#socket.close(1000, 'conformance run done');
    // A server that never answers the close: do not wait for it.
    setTimeout(() => this.#socket.terminate(), 1000).unref();
  }
}

/** Whether a frame can be the reply to a waiting request: anything but a push. */
function isReply(entry: ReceivedFrame): boolean {
  return entry.verdict.kind !== 'push';
}

/** The payload of a frame (undefined when it has none). */
export function payloadOf(frame: unknown): unknown {
  return isObject(frame) ? frame.payload : undefined;
}
