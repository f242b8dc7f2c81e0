// What a scenario works with: connections to the server under test (logged in or not), a chat to
// act in, and the two ways a scenario ends early: it failed (with the pointer and the frame at
// fault) or it could not run (its set-up failed, or it needs a driver).
import { KitConnection, type ReceivedFrame } from './connection.js';
import { frameJson } from './frame-text.js';
import { firstUnintroduced, unintroducedMessage } from './introductions.js';
import { protocol } from './gen/protocol.js';
import type { Json } from '#runtime/protocol-table';

export class ScenarioFailure extends Error {
  constructor(
    message: string,
    readonly pointer?: string,
    readonly frame?: unknown,
  ) {
    super(message);
    this.name = 'ScenarioFailure';
  }
}

export class ScenarioNotRun extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioNotRun';
  }
}

/** `word` with its indefinite article: "an error", "a push". */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/** A received frame in words: "a push of new_event", "an error response of send_event", "a message that is not a frame". */
export function frameKindText(entry: ReceivedFrame): string {
  const { kind, action } = entry.verdict;
  if (kind === 'unknown') return 'a message that is not a frame';
  const noun = kind === 'error' ? 'error response' : kind;
  return action === '' ? withArticle(noun) : `${withArticle(noun)} of ${action}`;
}

/** What is wrong with a received frame, in words: "a push of user_is_typing that breaks the spec: ...". */
export function brokenFrameText(entry: ReceivedFrame): string {
  const issue = entry.verdict.issues[0]?.message ?? 'unreadable';
  return entry.verdict.kind === 'unknown' ? `a message that is not a frame of the spec: ${issue}` : `${frameKindText(entry)} that breaks the spec: ${issue}`;
}

export interface Chat {
  chatId: string;
  threadId: string;
}

/** Reads a JSON pointer in a value (undefined when it leads nowhere). */
export function atPointer(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  let node = value;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A copy of `payload` with the value at each pointer replaced. */
export function withValues(payload: Json, values: ReadonlyArray<{ pointer: string; value: Json }>): Json {
  const copy = structuredClone(payload);
  for (const { pointer, value } of values) {
    const keys = pointer.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop();
    if (last === undefined) return value;
    const parent = keys.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], copy) as Record<string, Json>;
    parent[last] = value;
  }
  return copy;
}

export interface SessionOptions {
  /** The socket URL with its query, e.g. `ws://127.0.0.1:8787/v1/customer?licenseId=demo`. */
  url: string;
  token: string;
  timeoutMs: number;
  /** Told about every frame any connection receives (the run's push log). */
  onFrame(entry: ReceivedFrame): void;
  /** The users the server introduced on any connection of the run so far (see introductions.ts). */
  knownUsers: ReadonlySet<string>;
}

/** The connections of one scenario: opened on demand, all closed when it ends. */
export class ScenarioSession {
  readonly #connections: KitConnection[] = [];

  constructor(readonly options: SessionOptions) {}

  /** A new connection, not logged in. */
  async connect(url = this.options.url): Promise<KitConnection> {
    try {
      const connection = await KitConnection.open(url, this.options.timeoutMs, this.options.onFrame);
      this.#connections.push(connection);
      return connection;
    } catch (error) {
      throw new ScenarioNotRun(`could not connect: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** A new connection, logged in with the run's token; not run when the login fails. */
  async loggedIn(): Promise<{ connection: KitConnection; customerId: string }> {
    const connection = await this.connect();
    const reply = await connection.request(protocol.login.action, { [protocol.login.tokenArgument]: this.options.token }).catch((error: unknown) => {
      throw new ScenarioNotRun(`needs a logged-in connection: ${error instanceof Error ? error.message : String(error)}`);
    });
    const customerId = atPointer((reply.frame as { payload?: unknown }).payload, protocol.login.customerId);
    if (reply.verdict.kind !== 'response' || reply.verdict.issues.length > 0 || typeof customerId !== 'string') {
      throw new ScenarioNotRun(`needs a logged-in connection, and ${protocol.login.action} was answered ${frameJson(reply.frame, 300)}`);
    }
    return { connection, customerId };
  }

  /** A chat started on `connection`; not run when that fails. */
  async chat(connection: KitConnection): Promise<Chat> {
    const start = protocol.requests.find((r) => r.action === protocol.chatStart.action)!;
    const reply = await connection.request(start.action, start.examples[0]?.payload ?? {}).catch((error: unknown) => {
      throw new ScenarioNotRun(`needs a chat: ${error instanceof Error ? error.message : String(error)}`);
    });
    const payload = (reply.frame as { payload?: unknown }).payload;
    const chatId = atPointer(payload, protocol.chatStart.chat);
    const threadId = atPointer(payload, protocol.chatStart.thread);
    if (reply.verdict.kind !== 'response' || reply.verdict.issues.length > 0 || typeof chatId !== 'string' || typeof threadId !== 'string') {
      throw new ScenarioNotRun(`needs a chat, and ${start.action} was answered ${frameJson(reply.frame, 300)}`);
    }
    return { chatId, threadId };
  }

  /** Waits until every frame the server sent `connection` before now has arrived: a round trip of the ready request. */
  async sync(connection: KitConnection): Promise<ReceivedFrame> {
    return connection.request(protocol.ready, {});
  }

  /**
   * The end of a scenario that passed: every frame its connections received was valid, and none
   * was a second reply to a request, so a frame nobody waited for fails the scenario it came in
   * (the run's last scenario still sees every frame). Each connection still open gets a sync first,
   * so that what the server sent it before now has arrived.
   */
  async checkReceived(): Promise<void> {
    for (const [index, connection] of this.#connections.entries()) {
      // A sync that fails (the connection closed, no answer) leaves the frames that did come to check.
      const sync = connection.isClosed ? undefined : await this.sync(connection).catch(() => undefined);
      const which = this.#connections.length === 1 ? 'the connection' : `connection ${index + 1} of ${this.#connections.length}`;
      if (connection.overflow !== undefined) throw new ScenarioFailure(`on ${which} of this scenario, ${connection.overflow}`);
      const broken = connection.frames.find((entry) => entry.verdict.issues.length > 0);
      const issue = broken?.verdict.issues[0];
      if (broken !== undefined && issue !== undefined) throw new ScenarioFailure(`${which} of this scenario got ${brokenFrameText(broken)}`, issue.path, broken.frame);
      // The ready request is valid on a logged-in connection whatever came before: an error there
      // (`internal`, say) is a server that failed on what the scenario left behind, such as its chats.
      if (sync !== undefined && connection.loggedIn && sync.verdict.kind !== 'response') {
        throw new ScenarioFailure(`${which} of this scenario is logged in, and the ${protocol.ready} that ends the scenario was answered ${frameJson(sync.frame, 300)}, not by its response`, undefined, sync.frame);
      }
      const unintroduced = firstUnintroduced(connection.frames, this.options.knownUsers);
      if (unintroduced !== undefined) {
        const { entry, user, pointer } = unintroduced;
        throw new ScenarioFailure(
          `on ${which} of this scenario, ${unintroducedMessage(entry.verdict.action, user)}`,
          pointer,
          entry.frame,
        );
      }
    }
  }

  /** Closes every connection and waits (briefly) for the closes. */
  async close(): Promise<void> {
    for (const connection of this.#connections) connection.close();
    await Promise.all(this.#connections.map((c) => Promise.race([c.closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())])));
  }
}
