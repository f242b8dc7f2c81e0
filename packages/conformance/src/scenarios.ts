// The scenarios, computed from the protocol table (none is written for one message): per request,
// its examples, invalid payloads, the login rule, unknown ids, a closed thread and the pushes it
// causes; unreadable frames; a missing query parameter; and every push, validated wherever it
// came from, caused through the driver when the run did not see it.
import { isDeepStrictEqual } from 'node:util';
import { type KitConnection, type ReceivedFrame, payloadOf } from './connection.js';
import type { ConformanceDriver, DriverTarget } from './driver.js';
import { errorPointerOf, errorTypeOf } from './frame-check.js';
import { protocol } from './gen/protocol.js';
import { introducedUser, valuesAt } from './introductions.js';
import { atPointer, brokenFrameText, ScenarioFailure, ScenarioNotRun, withArticle, withValues, type Chat, type ScenarioSession } from './session.js';
import type { IdSlot, Json, RequestEntry } from '#runtime/protocol-table';

/**
 * What the run knows of the frames every connection of the run received so far: counts and the
 * first at fault, not the frames themselves (a run keeps no frame past its scenario, whatever their
 * number and size).
 */
export interface FrameLog {
  /** How many frames came during the scenarios (the preflight's are checked, not counted: they are no scenario's). */
  count: number;
  /** Per push action (unknown actions included): how many came, and the first that breaks the spec. */
  readonly pushes: Map<string, { count: number; firstInvalid: ReceivedFrame | undefined }>;
  /** The first push of an action the spec does not have. */
  firstUnknownPush: ReceivedFrame | undefined;
  /** The first frame that breaks the spec. */
  firstInvalid: ReceivedFrame | undefined;
}

export interface ScenarioContext {
  session: ScenarioSession;
  driver: ConformanceDriver | undefined;
  frames: FrameLog;
}

export interface Scenario {
  name: string;
  group: string;
  run(context: ScenarioContext): Promise<void>;
}

const { correlationField, rules } = protocol;
/** An id no server gave out: what a request about a chat or thread that does not exist names. */
const UNKNOWN_ID = 'conformance-unknown-id';
/** An agent group no license has (the largest 32-bit id; group 0 always exists). */
const UNKNOWN_GROUP = 2_147_483_647;
/**
 * The push that introduces a user (`x-introduction`): the spec lets it come before any response
 * that names a user the connection has not been told about yet, without listing it in `x-pushes`.
 */
const INTRODUCTION = protocol.introduction?.push ?? null;

// ---- checks ----------------------------------------------------------------------------------

/** Whether two frames the server sent are the same (false when too deep to compare). */
function sameFrame(a: unknown, b: unknown): boolean {
  try {
    return isDeepStrictEqual(a, b);
  } catch {
    return false;
  }
}

function describe(entry: ReceivedFrame): string {
  const type = errorTypeOf(entry.frame);
  if (entry.verdict.kind === 'unknown') return `a message that is not a frame of the spec (${entry.verdict.issues[0]?.message ?? 'unreadable'})`;
  return entry.verdict.kind === 'error' ? `error ${type ?? '(no type)'}` : entry.verdict.kind === 'response' ? 'a success response' : `${withArticle(entry.verdict.kind)} frame`;
}

/** A reply that is not a response or an error response at all (not JSON, binary, no type): its issue, at once. */
function expectReadable(entry: ReceivedFrame, what: string): void {
  const [issue] = entry.verdict.issues;
  if (entry.verdict.kind === 'unknown') throw new ScenarioFailure(`${what} was answered with ${brokenFrameText(entry)}`, issue?.path, entry.frame);
}

/** Fails with the first issue of the frame's verdict, if any. */
function expectValid(entry: ReceivedFrame, what: string): void {
  const [issue] = entry.verdict.issues;
  if (issue !== undefined) throw new ScenarioFailure(`${what} breaks the spec: ${issue.message}`, issue.path, entry.frame);
}

function expectRequestId(entry: ReceivedFrame, requestId: string | null): void {
  // A large frame too deep to keep is kept as its text: its verdict has the id.
  const seen = typeof entry.frame === 'object' && entry.frame !== null ? (entry.frame as Record<string, unknown>)[correlationField] : (entry.verdict.requestId ?? null);
  if (seen !== requestId) throw new ScenarioFailure(`the reply carries ${correlationField} ${JSON.stringify(seen)}, not ${JSON.stringify(requestId)}`, `/${correlationField}`, entry.frame);
}

/** The reply is a valid success response to `request`, with its request id. */
function expectResponse(entry: ReceivedFrame & { requestId: string }, request: RequestEntry): void {
  expectReadable(entry, request.action);
  if (entry.verdict.kind !== 'response') {
    const message = entry.verdict.kind === 'error' ? `answered error ${errorTypeOf(entry.frame) ?? ''} instead of ${request.response}` : `answered ${describe(entry)} instead of ${request.response}`;
    throw new ScenarioFailure(message, undefined, entry.frame);
  }
  expectRequestId(entry, entry.requestId);
  expectValid(entry, request.response);
}

/**
 * The reply is a valid error response of `type` with the request's id, the type one the request
 * may be answered with; when `pointer` is given, the error must name it (the spec: every
 * `validation` error points at the offending value, except for a frame that is not JSON text).
 */
function expectError(entry: ReceivedFrame, request: RequestEntry | undefined, type: string, requestId: string | null, pointer?: string): void {
  expectReadable(entry, request?.action ?? 'the frame');
  if (entry.verdict.kind !== 'error') throw new ScenarioFailure(`answered ${describe(entry)}, expected error ${type}`, undefined, entry.frame);
  expectRequestId(entry, requestId);
  expectValid(entry, protocol.error.message);
  const seen = errorTypeOf(entry.frame);
  if (request !== undefined && seen !== undefined && !request.errors.includes(seen)) {
    throw new ScenarioFailure(`error ${seen} is not one ${request.action} may answer (${request.errors.join(', ')})`, `/payload/${protocol.error.property}/${protocol.error.typeField}`, entry.frame);
  }
  if (seen !== type) throw new ScenarioFailure(`answered error ${seen ?? '(none)'}, expected ${type}`, `/payload/${protocol.error.property}/${protocol.error.typeField}`, entry.frame);
  const given = errorPointerOf(entry.frame);
  const at = `/payload/${protocol.error.property}/${protocol.error.pointerField}`;
  if (pointer !== undefined && given === undefined) throw new ScenarioFailure(`the error names no ${protocol.error.pointerField}; the offending value is at ${JSON.stringify(pointer)}`, at, entry.frame);
  if (pointer !== undefined && given !== pointer) throw new ScenarioFailure(`the error's ${protocol.error.pointerField} is ${JSON.stringify(given)}, the offending value is at ${JSON.stringify(pointer)}`, at, entry.frame);
}

/** `received` came once among `pushes`: a push a request causes comes once per connection. */
function expectOnce(pushes: readonly ReceivedFrame[], received: ReceivedFrame, message: string): void {
  const count = pushes.filter((entry) => sameFrame(entry.frame, received.frame)).length;
  if (count > 1) throw new ScenarioFailure(message.replace('{count}', String(count)), undefined, received.frame);
}

function expectAction(entry: ReceivedFrame, action: string): void {
  const seen = (entry.frame as Record<string, unknown>).action;
  if (seen !== action) throw new ScenarioFailure(`the reply's action is ${JSON.stringify(seen)}, expected ${JSON.stringify(action)}`, '/action', entry.frame);
}

// ---- payloads --------------------------------------------------------------------------------

function fill(payload: Json, ids: readonly IdSlot[], chat: Chat | undefined, replace?: IdSlot['id']): Json {
  if (ids.length === 0) return payload;
  if (chat === undefined) return payload;
  return withValues(
    payload,
    ids.map((slot) => ({ pointer: slot.pointer, value: slot.id === replace ? UNKNOWN_ID : slot.id === 'chat' ? chat.chatId : chat.threadId })),
  );
}

/** A logged-in connection, a chat when the payload names one, and the payload filled in. */
async function prepared(session: ScenarioSession, payload: Json, ids: readonly IdSlot[], replace?: IdSlot['id']) {
  const { connection, customerId } = await session.loggedIn();
  const chat = ids.length > 0 ? await session.chat(connection) : undefined;
  return { connection, customerId, chat, payload: fill(payload, ids, chat, replace) };
}

function withToken(request: RequestEntry, payload: Json, token: string): Json {
  return request.action === protocol.login.action ? withValues(payload, [{ pointer: `/${protocol.login.tokenArgument}`, value: token }]) : payload;
}

// ---- scenarios per request ----------------------------------------------------------------------

function requestScenarios(request: RequestEntry): Scenario[] {
  const group = request.action;
  const isLogin = request.action === protocol.login.action;
  const scenarios: Scenario[] = [];
  const first = request.examples[0];

  if (isLogin) {
    scenarios.push({
      name: `${group}: a refused token answered ${rules.refusedToken}`,
      group,
      async run({ session }) {
        const connection = await session.connect();
        const reply = await connection.request(request.action, withValues(first?.payload ?? {}, [{ pointer: `/${protocol.login.tokenArgument}`, value: 'conformance-refused-token' }]));
        expectError(reply, request, rules.refusedToken, reply.requestId);
      },
    });
    // A connection logs in once: a second login is answered at /action whatever its payload (the
    // spec's "Reading a frame" checks it before the payload's schema).
    scenarios.push({
      name: `${group}: a second login on one connection answered ${rules.invalidFrame} at /action, valid payload or not`,
      group,
      async run({ session }) {
        const { connection } = await session.loggedIn();
        const again = await connection.request(request.action, withToken(request, first?.payload ?? {}, session.options.token));
        expectError(again, request, rules.invalidFrame, again.requestId, '/action');
        const invalid = request.invalid[0];
        if (invalid !== undefined) {
          const reply = await connection.request(request.action, invalid.payload);
          expectError(reply, request, rules.invalidFrame, reply.requestId, '/action');
        }
      },
    });
  } else if (first !== undefined) {
    scenarios.push({
      name: `${group}: before login answered ${rules.beforeLogin}, valid payload or not`,
      group,
      async run({ session }) {
        const connection = await session.connect();
        const valid = await connection.request(request.action, first.payload);
        expectError(valid, request, rules.beforeLogin, valid.requestId);
        const invalid = request.invalid[0];
        if (invalid !== undefined) {
          const reply = await connection.request(request.action, invalid.payload);
          expectError(reply, request, rules.beforeLogin, reply.requestId);
        }
        // Nothing is served before login, pushes included: after a round trip, so that a push the
        // server sent right after its last reply has arrived too.
        await session.sync(connection).catch(() => {});
        const push = connection.frames.find((entry) => entry.verdict.kind === 'push');
        if (push !== undefined) throw new ScenarioFailure(`the server pushed ${push.verdict.action} to a connection that has not logged in`, undefined, push.frame);
      },
    });
  }

  for (const example of request.examples) {
    scenarios.push({
      name: `${group}: example ${example.name} answered ${request.response}`,
      group,
      async run({ session }) {
        if (isLogin) {
          const connection = await session.connect();
          const reply = await connection.request(request.action, withToken(request, example.payload, session.options.token));
          expectResponse(reply, request);
          return;
        }
        const { connection, payload } = await prepared(session, example.payload, example.ids);
        const reply = await connection.request(request.action, payload);
        expectResponse(reply, request);
      },
    });
  }

  for (const invalid of request.invalid) {
    scenarios.push({
      name: `${group}: ${invalid.name} answered ${rules.invalidFrame}`,
      group,
      async run({ session }) {
        const { connection, payload } = isLogin
          ? { connection: await session.connect(), payload: invalid.payload }
          : await prepared(session, invalid.payload, invalid.ids);
        const reply = await connection.request(request.action, payload);
        expectError(reply, request, rules.invalidFrame, reply.requestId, invalid.pointer);
      },
    });
  }

  if (first !== undefined && request.errors.includes(rules.unknownId)) {
    for (const kind of [...new Set(first.ids.map((slot) => slot.id))]) {
      scenarios.push({
        name: `${group}: an unknown ${kind} answered ${rules.unknownId}`,
        group,
        async run({ session }) {
          const { connection, payload } = await prepared(session, first.payload, first.ids, kind);
          const reply = await connection.request(request.action, payload);
          expectError(reply, request, rules.unknownId, reply.requestId);
        },
      });
    }
  }

  if (first !== undefined && request.errors.includes(rules.closedThread)) {
    scenarios.push({
      name: `${group}: on a closed thread answered ${rules.closedThread}`,
      group,
      async run({ session }) {
        const { connection, chat, payload } = await prepared(session, first.payload, first.ids);
        const end = protocol.requests.find((r) => r.action === protocol.threadEnd)!;
        const endExample = end.examples[0];
        const closed = await connection.request(end.action, fill(endExample?.payload ?? {}, endExample?.ids ?? [], chat));
        if (closed.verdict.kind !== 'response') throw new ScenarioNotRun(`needs a closed thread, and ${end.action} was answered ${describe(closed)}`);
        const reply = await connection.request(request.action, payload);
        expectError(reply, request, rules.closedThread, reply.requestId);
      },
    });
  }

  if (request.unknownGroup !== null) {
    const { example: index, pointer } = request.unknownGroup;
    const example = request.examples[index]!;
    scenarios.push({
      name: `${group}: an unknown agent group answered ${rules.unknownGroup}`,
      group,
      async run({ session }) {
        const { connection, payload } = await prepared(session, withValues(example.payload, [{ pointer, value: UNKNOWN_GROUP }]), example.ids);
        const reply = await connection.request(request.action, payload);
        expectError(reply, request, rules.unknownGroup, reply.requestId);
      },
    });
  }

  for (const push of request.pushes) {
    const to = push.requester && push.others ? 'all' : push.requester ? 'the requester' : 'the other connections';
    scenarios.push({
      name: `${group}: pushes ${push.push} to ${to}`,
      group,
      async run({ session }) {
        // `other` is a second connection of the same customer, in the chat when there is one.
        const { connection: other } = await session.loggedIn();
        // The example that causes it: the first, unless the push is conditional and names one.
        const cause = request.examples[push.example] ?? first;
        const { connection, payload } = isLogin
          ? { connection: await session.connect(), payload: withToken(request, cause?.payload ?? {}, session.options.token) }
          : await prepared(session, cause?.payload ?? {}, cause?.ids ?? []);
        // A later timestamp than any stored one, for pushes that come only when something changes.
        if (push.when !== null) await new Promise((resolve) => setTimeout(resolve, 5));
        const mark = connection.frames.length;
        const otherMark = other.frames.length;
        const reply = await connection.request(request.action, payload);
        if (reply.verdict.kind !== 'response') throw new ScenarioFailure(`${request.action} was answered ${describe(reply)}, so it caused no push`, undefined, reply.frame);
        const replyAt = connection.frames.indexOf(reply);
        // Before its response, the requester gets the pushes x-pushes lists for it, and introductions; nothing else.
        const listed = request.pushes.filter((p) => p.requester).map((p) => p.push);
        const unlisted = connection.frames
          .slice(mark, replyAt)
          .find((entry) => entry.verdict.kind === 'push' && entry.verdict.action !== INTRODUCTION && !listed.includes(entry.verdict.action));
        if (unlisted !== undefined) {
          throw new ScenarioFailure(
            `the requester got ${unlisted.verdict.action} before the ${request.action} response; x-pushes lists for the requester ${listed.length === 0 ? 'no push' : listed.join(', ')}${INTRODUCTION === null ? '' : ` (and ${INTRODUCTION} may introduce a user)`}`,
            '/action',
            unlisted.frame,
          );
        }
        const before = connection.pushesOf(push.push, mark, replyAt);
        if (push.requester) {
          const [received] = before;
          if (received === undefined) {
            const late = connection.pushesOf(push.push, replyAt)[0];
            throw new ScenarioFailure(late === undefined ? `the requester got no ${push.push} before the response` : `the requester got ${push.push} after the response, not before it`, undefined, late?.frame);
          }
          expectValid(received, push.push);
        } else if (before.length > 0) {
          throw new ScenarioFailure(`the requester got ${push.push}, which goes to the other connections only`, undefined, before[0]!.frame);
        }
        // What this request caused: a leak is one of these pushes on the wrong connection. Others of
        // the same action may come legitimately, e.g. the agents' user_data a sync's
        // get_chats_summary pushes when the customer already has chats with agents.
        const caused: ReceivedFrame[] = [...before];
        const isCaused = (entry: ReceivedFrame): boolean => caused.some((c) => sameFrame(c.frame, entry.frame));
        if (push.others) {
          const received = await other.nextPush(push.push, otherMark).catch(() => {
            throw new ScenarioFailure(`the customer's other connection got no ${push.push}`);
          });
          expectValid(received, push.push);
          caused.push(received);
          await session.sync(other);
          expectOnce(other.pushesOf(push.push, otherMark), received, `the customer's other connection got the same ${push.push} {count} times for one ${request.action}`);
        } else {
          await session.sync(other);
          const leaked = other.pushesOf(push.push, otherMark).find(isCaused);
          if (leaked !== undefined) throw new ScenarioFailure(`another connection of the customer got ${push.push}, which goes to the requester only`, undefined, leaked.frame);
        }
        await session.sync(connection);
        if (push.requester) {
          expectOnce(connection.pushesOf(push.push, mark), before[0]!, `the requester got the same ${push.push} {count} times for one ${request.action}`);
        } else {
          const leaked = connection.pushesOf(push.push, mark).find(isCaused);
          if (leaked !== undefined) throw new ScenarioFailure(`the requester got ${push.push}, which goes to the other connections only`, undefined, leaked.frame);
        }
      },
    });
  }
  return scenarios;
}

// ---- frames a server cannot read ---------------------------------------------------------------

function frameScenarios(): Scenario[] {
  const group = 'frames';
  const ready = protocol.requests.find((r) => r.action === protocol.ready)!;
  /** A frame the server cannot read as a request: answered with no request id and action "". */
  const unreadable = (name: string, frame: unknown, pointer?: string): Scenario => ({
    name: `${group}: ${name} answered ${rules.invalidFrame} with ${correlationField} null and action ""`,
    group,
    async run({ session }) {
      const { connection } = await session.loggedIn();
      const reply = await connection.sendAndReply(frame, `the reply to ${name}`);
      expectError(reply, undefined, rules.invalidFrame, null, pointer);
      expectAction(reply, '');
    },
  });
  return [
    unreadable('text that is not JSON', '{"requestId": "c1", "action": '),
    unreadable('a binary message', Buffer.from(JSON.stringify({ [correlationField]: 'c1', action: protocol.ready, payload: {} }))),
    unreadable('JSON that is not an object', JSON.stringify([correlationField, protocol.ready]), ''),
    // Not an object either, and no property can be read from them: a server that reads `action`
    // from anything JSON.parse gives would fail on null, and read nothing from a number.
    unreadable('JSON null', 'null'),
    unreadable('a JSON number', '42'),
    {
      name: `${group}: an unknown action answered ${rules.invalidFrame} at /action, echoing ${correlationField} and action`,
      group,
      async run({ session }) {
        const { connection } = await session.loggedIn();
        const action = 'conformance_unknown_action';
        const reply = await connection.sendAndReply({ [correlationField]: 'u1', action, payload: {} }, 'the reply to an unknown action', { requestId: 'u1', action });
        expectError(reply, undefined, rules.invalidFrame, 'u1', '/action');
        expectAction(reply, action);
      },
    },
    {
      name: `${group}: an action that is not a string answered ${rules.invalidFrame} at /action with action "", echoing ${correlationField}`,
      group,
      async run({ session }) {
        const { connection } = await session.loggedIn();
        const reply = await connection.sendAndReply({ [correlationField]: 'n1', action: 7, payload: {} }, 'the reply to an action that is not a string', { requestId: 'n1', action: '' });
        expectError(reply, undefined, rules.invalidFrame, 'n1', '/action');
        expectAction(reply, '');
      },
    },
    {
      // The spec's order of reading a frame: the action and the request id are read before the
      // login is checked, so these are validation errors, not authorization.
      name: `${group}: before login, an unknown action answered ${rules.invalidFrame} at /action and an invalid ${correlationField} at /${correlationField}`,
      group,
      async run({ session }) {
        const connection = await session.connect();
        const action = 'conformance_unknown_action';
        const unknown = await connection.sendAndReply({ [correlationField]: 'b1', action, payload: {} }, 'the reply to an unknown action before login', { requestId: 'b1', action });
        expectError(unknown, undefined, rules.invalidFrame, 'b1', '/action');
        expectAction(unknown, action);
        const invalidId = await connection.sendAndReply({ [correlationField]: '', action: ready.action, payload: {} }, `the reply to an empty ${correlationField} before login`);
        expectError(invalidId, ready, rules.invalidFrame, null, `/${correlationField}`);
        expectAction(invalidId, ready.action);
      },
    },
    {
      name: `${group}: an invalid ${correlationField} answered ${rules.invalidFrame} at /${correlationField} with ${correlationField} null`,
      group,
      async run({ session }) {
        const { connection } = await session.loggedIn();
        const reply = await connection.sendAndReply({ [correlationField]: '', action: ready.action, payload: {} }, `the reply to an empty ${correlationField}`);
        expectError(reply, ready, rules.invalidFrame, null, `/${correlationField}`);
        expectAction(reply, ready.action);
      },
    },
    {
      name: `${group}: a request without payload answered ${rules.invalidFrame} at /payload`,
      group,
      async run({ session }) {
        const { connection } = await session.loggedIn();
        const reply = await connection.sendAndReply({ [correlationField]: 'p1', action: ready.action }, 'the reply to a request without payload', { requestId: 'p1', action: ready.action });
        expectError(reply, ready, rules.invalidFrame, 'p1', '/payload');
        expectAction(reply, ready.action);
      },
    },
  ];
}

function connectScenarios(): Scenario[] {
  return protocol.channel.query.map((name) => ({
    name: `connect: without ${name} refused with HTTP 400`,
    group: 'connect',
    async run({ session }) {
      const url = new URL(session.options.url);
      url.searchParams.delete(name);
      const connection = await session.connect(url.toString()).catch((error: unknown) => error);
      if (!(connection instanceof ScenarioNotRun)) throw new ScenarioFailure(`the server accepted a connection without ${name}`);
      if (!connection.message.includes('HTTP 400')) throw new ScenarioFailure(`expected the upgrade refused with HTTP 400: ${connection.message}`);
    },
  }));
}

// ---- pushes --------------------------------------------------------------------------------------

function pushScenarios(): Scenario[] {
  const perPush = protocol.pushes.map(
    (push): Scenario => ({
      name: `push ${push}: valid wherever it came`,
      group: push,
      async run({ session, driver, frames }) {
        const seen = frames.pushes.get(push);
        if (seen?.firstInvalid !== undefined) expectValid(seen.firstInvalid, push);
        const isDisconnection = push === protocol.disconnection.push;
        if (seen !== undefined && seen.count > 0 && !isDisconnection) return;
        if (driver === undefined) throw new ScenarioNotRun(`${push} did not come during the run by itself; run with a driver (--driver) to cause it`);
        if (!driver.pushes.includes(push)) throw new ScenarioNotRun(`${push} did not come during the run, and the driver (${driver.name}) cannot cause it`);
        const { connection, received } = await causedPush(session, driver, push);
        if (isDisconnection) await expectDisconnectionClose(connection, received);
      },
    }),
  );
  return [
    ...perPush,
    ...introductionScenarios(),
    {
      // Last, so that it sees every frame of the run: the pushes after their own scenario ran, and
      // frames no scenario waited for (neither a push nor a reply, a reply nobody waited for). It
      // runs in every run, whatever --only picks.
      name: 'server frames: every frame the server sent in the run was a valid push or a valid reply to a waiting request',
      group: 'server frames',
      async run({ frames }) {
        const unknown = frames.firstUnknownPush;
        if (unknown !== undefined) throw new ScenarioFailure(`the server pushed "${unknown.verdict.action}", which is not a push of the spec (${protocol.pushes.join(', ')})`, '/action', unknown.frame);
        const invalid = frames.firstInvalid;
        if (invalid !== undefined) throw new ScenarioFailure(`the server sent ${brokenFrameText(invalid)}`, invalid.verdict.issues[0]?.path, invalid.frame);
        if (frames.count === 0) throw new ScenarioNotRun('no frame came from the server in this run');
      },
    },
  ];
}

/**
 * The introduction rule across connections: a user the customer met on one connection (the driver
 * brings them into a chat) is introduced again on a new connection before a response there names
 * them. The end-of-scenario check holds every response to the rule; this scenario makes sure one
 * response names a user that connection has not been told about yet.
 */
function introductionScenarios(): Scenario[] {
  if (INTRODUCTION === null) return [];
  return [
    {
      name: `${INTRODUCTION}: a new connection gets it before a response names a user met on another (${protocol.ready})`,
      group: INTRODUCTION,
      async run({ session, driver }) {
        if (driver === undefined) throw new ScenarioNotRun(`needs a user in a chat; run with a driver (--driver) to bring one in`);
        if (!driver.pushes.includes(INTRODUCTION)) throw new ScenarioNotRun(`needs a user in a chat, and the driver (${driver.name}) cannot cause ${INTRODUCTION}`);
        const { customerId, received: introduction } = await causedPush(session, driver, INTRODUCTION);
        const user = introducedUser(introduction);
        if (user === undefined || user === customerId) throw new ScenarioNotRun(`the driver's ${INTRODUCTION} introduced ${user === undefined ? 'nobody' : 'the customer'}, not a user of the chat`);
        const { connection: second } = await session.loggedIn();
        const reply = await second.request(protocol.ready, {});
        if (reply.verdict.kind !== 'response') throw new ScenarioFailure(`${protocol.ready} on a new connection was answered ${describe(reply)}`, undefined, reply.frame);
        const ready = protocol.requests.find((r) => r.action === protocol.ready)!;
        const named = ready.userIds.some((pattern) => valuesAt(payloadOf(reply.frame), pattern).some(({ value }) => value === user));
        if (!named) throw new ScenarioNotRun(`${protocol.ready} on a new connection did not name ${JSON.stringify(user)}, the user the driver brought into the chat, so the rule could not be checked`);
        // The end-of-scenario check finds a response naming them before their introduction there.
      },
    },
  ];
}

/** On a new logged-in connection with a chat of its own, has the driver cause `push`, and waits for it (valid). */
async function causedPush(session: ScenarioSession, driver: ConformanceDriver, push: string): Promise<{ connection: KitConnection; customerId: string; received: ReceivedFrame }> {
  const { connection, customerId } = await session.loggedIn();
  const chat = await session.chat(connection);
  const mark = connection.frames.length;
  await causeThroughDriver(driver, push, { customerId, ...chat }, connection.timeoutMs);
  const received = await connection.nextPush(push, mark).catch((error: unknown) => {
    throw new ScenarioFailure(`the driver caused ${push}, but it did not come: ${error instanceof Error ? error.message : String(error)}`);
  });
  expectValid(received, push);
  return { connection, customerId, received };
}

/**
 * Asks the driver for a push. A driver that fails or does not finish in time makes the scenario
 * not run: the kit cannot tell whether the server would have sent it.
 */
async function causeThroughDriver(driver: ConformanceDriver, push: string, target: DriverTarget, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`it did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([driver.cause(push, target), timeout]);
  } catch (error) {
    throw new ScenarioNotRun(`the driver (${driver.name}) failed to cause ${push}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * After the disconnection push, the server closes with the spec's code and the reason as close
 * reason. The reason is optional: a push without one still ends the session, and only the code is checked.
 */
async function expectDisconnectionClose(connection: KitConnection, push: ReceivedFrame): Promise<void> {
  const reason = atPointer((push.frame as { payload?: unknown }).payload, protocol.disconnection.reason);
  const closed = await Promise.race([connection.closed, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), connection.timeoutMs).unref())]);
  if (closed === undefined) throw new ScenarioFailure(`the server did not close the connection after ${protocol.disconnection.push}`);
  if (closed.code !== protocol.disconnection.closeCode) throw new ScenarioFailure(`the server closed with code ${closed.code} after ${protocol.disconnection.push}, the spec says ${protocol.disconnection.closeCode}`);
  if (reason !== undefined && closed.reason !== reason) throw new ScenarioFailure(`the close reason is ${JSON.stringify(closed.reason)}, the spec says the disconnection reason (${JSON.stringify(reason)})`);
}

/** Every scenario, in the order they run: the push scenarios last, when the run's pushes are known. */
export function computeScenarios(): Scenario[] {
  return [...connectScenarios(), ...frameScenarios(), ...protocol.requests.flatMap(requestScenarios), ...pushScenarios()];
}
