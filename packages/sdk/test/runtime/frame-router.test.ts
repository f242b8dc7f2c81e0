// The frame router on its own, with the toy protocol: what each kind of frame settles, emits or
// reports, and the exact error events of the frames it drops.
import { afterEach, describe, expect, it } from 'vitest';
import { Checks } from '../../src/runtime/checks.js';
import { type ClientErrorEvent, SDKError } from '../../src/runtime/errors.js';
import { FrameRouter } from '../../src/runtime/frame-router.js';
import { type Call, PendingRequests } from '../../src/runtime/pending-requests.js';
import type { ProtocolDescription } from '../../src/runtime/protocol.js';
import { toyProtocol } from './fixtures.js';

/** Lets the explainer load and the explanations run. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

type Outcome = { value: unknown } | { error: unknown };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A router over fresh pending requests, recording what it emits, ends and reports. */
function setup(options: { validate?: boolean; protocol?: ProtocolDescription } = {}) {
  const protocol = options.protocol ?? toyProtocol;
  const pending = new PendingRequests<Call>({ timeout: 60_000 });
  cleanups.push(() => pending.rejectAll(() => new Error('test over')));
  const checks = new Checks(protocol, options.validate ?? true);
  const emitted: [string, unknown][] = [];
  const ended: [string, unknown][] = [];
  const errors: ClientErrorEvent[] = [];
  const router = new FrameRouter(protocol, pending, checks, {
    emit: (name, payload) => emitted.push([name, payload]),
    endSession: (pointer, payload) => ended.push([pointer, payload]),
    error: (event) => errors.push(event),
  });
  /** A pending request of `operation` (sent on the socket unless told otherwise) and how it settles. */
  const request = (operation: string, sent = true) => {
    const description = protocol.requests[operation]!;
    const { id, promise } = pending.create(undefined, () => ({ operation, description, text: '', sent, queued: false }));
    const settled: Outcome[] = [];
    const outcome = promise.then(
      (value) => settled.push({ value }),
      (error: unknown) => settled.push({ error }),
    );
    return { id, settled, outcome };
  };
  const send = (frame: unknown) => router.route(JSON.stringify(frame));
  return { router, pending, checks, emitted, ended, errors, request, send };
}

describe('frames the router cannot read', () => {
  it('reports a message that is not text, or bytes that are not UTF-8, without a frame', () => {
    const { router, errors, emitted } = setup();
    router.route(42);
    router.route({ t: 'p' });
    // Bytes that are not UTF-8: dropped, never read with U+FFFD in place of what came.
    router.route(new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]));
    const event = { code: 'INVALID_FRAME', message: 'dropped a frame that is neither text nor UTF-8 bytes' };
    expect(errors).toStrictEqual([event, event, event]);
    expect(emitted).toEqual([]);
  });

  it('drops a frame that is not JSON, reporting the frame and no issues', () => {
    const { router, errors } = setup();
    router.route('{not json');
    expect(errors).toStrictEqual([{ code: 'INVALID_FRAME', message: 'dropped a frame that is not JSON', frame: '{not json' }]);
  });

  it('drops a frame of no known kind, also when the protocol cannot classify it (classify throws)', () => {
    const { send, errors } = setup();
    send({ t: 'z' });
    send([1, 2]);
    expect(errors).toStrictEqual([
      { code: 'INVALID_FRAME', message: 'dropped a frame of no known kind', frame: '{"t":"z"}' },
      { code: 'INVALID_FRAME', message: 'dropped a frame of no known kind', frame: '[1,2]' },
    ]);
    const throwing: ProtocolDescription = {
      ...toyProtocol,
      classify: () => {
        throw new TypeError('cannot read');
      },
    };
    const other = setup({ protocol: throwing });
    other.send({ t: 'p', what: 'NOTE', body: { text: 'hi' } });
    expect(other.errors).toStrictEqual([{ code: 'INVALID_FRAME', message: 'dropped a frame of no known kind', frame: '{"t":"p","what":"NOTE","body":{"text":"hi"}}' }]);
    expect(other.emitted).toEqual([]);
  });

  it('reports a frame of up to 1000 characters whole, a longer one cut at 1000 with its length', () => {
    const { router, errors } = setup();
    // Not JSON: reported as it came.
    const exact = `{${'x'.repeat(999)}`;
    const longer = `{${'x'.repeat(1000)}`;
    router.route(exact);
    router.route(longer);
    expect(errors.map((event) => event.frame)).toEqual([exact, `${longer.slice(0, 1000)}… (1001 characters)`]);
  });

  it('reads a binary frame as UTF-8 text', () => {
    const { router, emitted } = setup();
    router.route(new TextEncoder().encode(JSON.stringify({ t: 'p', what: 'NOTE', body: { text: 'héllo' } })));
    expect(emitted).toEqual([['note', { text: 'héllo' }]]);
  });
});

describe('pushes', () => {
  it('emits a push as its event, named after its action when its description names none', () => {
    const { send, emitted, errors } = setup();
    send({ t: 'p', what: 'NOTE', body: { text: 'hi' } });
    send({ t: 'p', what: 'tick', body: { n: '1' } });
    expect(emitted).toEqual([
      ['note', { text: 'hi' }],
      ['tick', { n: '1' }],
    ]);
    expect(errors).toEqual([]);
  });

  it('hands a push that ends the session to endSession with the pointer of its reason, and emits nothing', () => {
    const { send, emitted, ended } = setup();
    send({ t: 'p', what: 'BYE', body: { why: 'again' } });
    expect(ended).toEqual([['/why', { why: 'again' }]]);
    expect(emitted).toEqual([]);
  });

  it('drops an unknown push, and a push that fails its check with the issues', async () => {
    const { send, emitted, errors } = setup();
    send({ t: 'p', what: 'nope', body: {} });
    send({ t: 'p', what: 'NOTE', body: { text: 5 } });
    await flush();
    expect(errors).toStrictEqual([
      { code: 'INVALID_FRAME', message: 'dropped an unknown push "nope"', frame: '{"t":"p","what":"nope","body":{}}' },
      {
        code: 'INVALID_FRAME',
        message: 'dropped an invalid "NOTE" push: /text must be string',
        frame: '{"t":"p","what":"NOTE","body":{"text":5}}',
        errors: [{ path: '/text', message: 'must be string', keyword: 'type' }],
      },
    ]);
    expect(emitted).toEqual([]);
  });
});

describe('a frame the client itself fails on', () => {
  it('is reported and dropped, never thrown out of route() (it runs in the socket listener)', () => {
    const failing = new Error('cannot read this');
    const protocol: ProtocolDescription = {
      ...toyProtocol,
      readError: () => {
        throw failing;
      },
    };
    const { send, errors, request } = setup({ protocol, validate: false });
    const call = request('echo');
    expect(() => send({ t: 'x', n: call.id, body: { kind: 'nope' } })).not.toThrow();
    expect(errors).toEqual([{ code: 'INVALID_FRAME', message: 'dropped a frame the client could not handle: cannot read this', cause: failing }]);
  });
});

describe('a session-ending push that fails its check', () => {
  it('still ends the session, with no readable reason, and is reported', async () => {
    const { send, ended, errors } = setup();
    send({ t: 'p', what: 'BYE', body: { why: 7 } });
    expect(ended).toEqual([['/why', undefined]]);
    await flush();
    expect(errors).toMatchObject([{ code: 'INVALID_FRAME', message: 'dropped an invalid "BYE" push: /why must be string' }]);
  });
});

describe('responses', () => {
  it('resolves the request a response names', async () => {
    const { send, request, errors } = setup();
    const echo = request('echo');
    send({ t: 'a', n: echo.id, body: { text: 'hi' } });
    await echo.outcome;
    expect(echo.settled).toEqual([{ value: { text: 'hi' } }]);
    expect(errors).toEqual([]);
  });

  it('drops a response to no pending request, and one to a request not sent yet (which stays pending)', async () => {
    const { send, request, pending, errors } = setup();
    const unsent = request('echo', false);
    send({ t: 'a', n: 'late-1', body: { text: 'hi' } });
    send({ t: 'a', n: unsent.id, body: { text: 'hi' } });
    expect(errors.map((event) => event.message)).toEqual(['dropped a response to an unknown request "late-1"', `dropped a response to an unknown request "${unsent.id}"`]);
    expect(pending.has(unsent.id)).toBe(true);
    await flush();
    expect(unsent.settled).toEqual([]);
  });

  it('rejects a request whose response fails its check with INVALID_RESPONSE and the issues, and reports it', async () => {
    const { send, request, errors, pending } = setup();
    const echo = request('echo');
    send({ t: 'a', n: echo.id, body: { text: 5 } });
    // Settled at once: no timeout, no second answer.
    expect(pending.has(echo.id)).toBe(false);
    await flush();
    await echo.outcome;
    const issues = [{ path: '/text', message: 'must be string', keyword: 'type' }];
    const message = 'invalid response to "echo": /text must be string';
    expect(errors).toStrictEqual([{ code: 'INVALID_RESPONSE', message, frame: JSON.stringify({ t: 'a', n: echo.id, body: { text: 5 } }), errors: issues }]);
    const [outcome] = echo.settled as [{ error: SDKError }];
    expect(outcome.error).toBeInstanceOf(SDKError);
    expect(outcome.error).toMatchObject({ code: 'INVALID_RESPONSE', message, details: issues });
  });

  it('resolves with any payload when validation is off', async () => {
    const { send, request } = setup({ validate: false });
    const echo = request('echo');
    send({ t: 'a', n: echo.id, body: { text: 5 } });
    await echo.outcome;
    expect(echo.settled).toEqual([{ value: { text: 5 } }]);
  });
});

describe('error responses', () => {
  it("rejects the request it names with the code of the server's type, its text, the type and the payload; reports nothing", async () => {
    const { send, request, errors } = setup();
    const mapped = request('fail');
    const unmapped = request('fail');
    send({ t: 'x', n: mapped.id, body: { kind: 'nope', text: 'not allowed' } });
    send({ t: 'x', n: unmapped.id, body: { kind: 'not_found', text: 'no such thing' } });
    await Promise.all([mapped.outcome, unmapped.outcome]);
    const [first] = mapped.settled as [{ error: SDKError }];
    expect(first.error).toBeInstanceOf(SDKError);
    expect(first.error).toMatchObject({ code: 'NOPE', message: 'not allowed', type: 'nope', details: { kind: 'nope', text: 'not allowed' } });
    expect((unmapped.settled[0] as { error: SDKError }).error).toMatchObject({ code: 'NOT_FOUND', message: 'no such thing', type: 'not_found' });
    expect(errors).toEqual([]);
  });

  it('uses the server type as the message when the server gives an empty text', async () => {
    const { send, request } = setup();
    const fail = request('fail');
    send({ t: 'x', n: fail.id, body: { kind: 'busy', text: '' } });
    await fail.outcome;
    expect((fail.settled[0] as { error: SDKError }).error).toMatchObject({ code: 'BUSY', message: 'busy', type: 'busy' });
  });

  it('reports an error about no request of ours (no id, an unknown id, a request not sent yet) and rejects nothing', async () => {
    const { send, request, pending, errors } = setup();
    const unsent = request('fail', false);
    const frames = [
      { t: 'x', n: null, body: { kind: 'nope', text: 'unknown op' } },
      { t: 'x', n: 'gone-7', body: { kind: 'nope', text: 'too late' } },
      { t: 'x', n: unsent.id, body: { kind: 'nope', text: 'early' } },
    ];
    for (const frame of frames) send(frame);
    expect(errors.map(({ code, message, frame }) => ({ code, message, frame }))).toEqual([
      { code: 'NOPE', message: 'the server reported: unknown op', frame: JSON.stringify(frames[0]) },
      { code: 'NOPE', message: 'the server reported: too late', frame: JSON.stringify(frames[1]) },
      { code: 'NOPE', message: 'the server reported: early', frame: JSON.stringify(frames[2]) },
    ]);
    expect(errors[0]!.cause).toBeInstanceOf(SDKError);
    expect(errors[0]!.cause).toMatchObject({ code: 'NOPE', message: 'unknown op', type: 'nope' });
    expect(pending.has(unsent.id)).toBe(true);
    await flush();
    expect(unsent.settled).toEqual([]);
  });

  it('rejects the request named by an error response that fails its check with INVALID_RESPONSE and the issues, and reports it', async () => {
    const { send, request, errors, pending } = setup();
    const fail = request('fail');
    const frame = { t: 'x', n: fail.id, body: { kind: 7 } };
    send(frame);
    expect(pending.has(fail.id)).toBe(false);
    await flush();
    await fail.outcome;
    const issues = [{ path: '/kind', message: 'must be string', keyword: 'type' }];
    const message = 'invalid error response: /kind must be string';
    expect(errors).toStrictEqual([{ code: 'INVALID_RESPONSE', message, frame: JSON.stringify(frame), errors: issues }]);
    const [outcome] = fail.settled as [{ error: SDKError }];
    expect(outcome.error).toBeInstanceOf(SDKError);
    expect(outcome.error).toMatchObject({ code: 'INVALID_RESPONSE', message, details: issues });
  });

  it('only reports an error response that fails its check and names no request of ours', async () => {
    const { send, checks, errors } = setup();
    // Explainer loaded: the explanation runs within route().
    checks.preload();
    await flush();
    const frame = { t: 'x', n: null, body: { kind: 7 } };
    expect(() => send(frame)).not.toThrow();
    expect(errors).toStrictEqual([
      { code: 'INVALID_RESPONSE', message: 'invalid error response: /kind must be string', frame: JSON.stringify(frame), errors: [{ path: '/kind', message: 'must be string', keyword: 'type' }] },
    ]);
  });

  it('without validation, rejects with INVALID_RESPONSE an error response it cannot read, and reports it once', async () => {
    const { send, request, errors } = setup({ validate: false });
    const fail = request('fail');
    const ours = { t: 'x', n: fail.id, body: { what: 'no kind' } };
    send(ours);
    await fail.outcome;
    const [outcome] = fail.settled as [{ error: SDKError }];
    expect(outcome.error).toBeInstanceOf(SDKError);
    expect(outcome.error).toMatchObject({ code: 'INVALID_RESPONSE', message: 'invalid error response', details: { what: 'no kind' } });
    const stray = { t: 'x', n: null, body: 'garbled' };
    send(stray);
    expect(errors).toStrictEqual([
      { code: 'INVALID_RESPONSE', message: 'invalid error response', frame: JSON.stringify(ours) },
      { code: 'INVALID_RESPONSE', message: 'invalid error response', frame: JSON.stringify(stray) },
    ]);
  });

  it('without validation, still reads a readable error response', async () => {
    const { send, request } = setup({ validate: false });
    const fail = request('fail');
    send({ t: 'x', n: fail.id, body: { kind: 'nope', text: 'not allowed' } });
    await fail.outcome;
    expect((fail.settled[0] as { error: SDKError }).error).toMatchObject({ code: 'NOPE', message: 'not allowed', type: 'nope' });
  });
});

describe('an answer that names another request', () => {
  it('resolves a response that names its request or names none', async () => {
    const { send, request, errors } = setup();
    const named = request('echo');
    const unnamed = request('echo');
    send({ t: 'a', n: named.id, op: 'ECHO', body: { text: 'named' } });
    send({ t: 'a', n: unnamed.id, body: { text: 'unnamed' } });
    await Promise.all([named.outcome, unnamed.outcome]);
    expect(named.settled).toEqual([{ value: { text: 'named' } }]);
    expect(unnamed.settled).toEqual([{ value: { text: 'unnamed' } }]);
    expect(errors).toEqual([]);
  });

  for (const validate of [true, false]) {
    it(`rejects the request with INVALID_RESPONSE, reports it, and takes no later answer for it (validation ${validate ? 'on' : 'off'})`, async () => {
      const { send, request, errors, pending } = setup({ validate });
      const echo = request('echo');
      // A valid payload of the wrong request: resolving with it would hand `echo` another's result.
      const frame = { t: 'a', n: echo.id, op: 'SYNC', body: { text: 'for sync' } };
      send(frame);
      expect(pending.has(echo.id)).toBe(false);
      await echo.outcome;
      const message = 'invalid response to "echo": its action is "SYNC", not "ECHO"';
      expect(errors).toStrictEqual([{ code: 'INVALID_RESPONSE', message, frame: JSON.stringify(frame) }]);
      const [outcome] = echo.settled as [{ error: SDKError }];
      expect(outcome.error).toBeInstanceOf(SDKError);
      expect(outcome.error).toMatchObject({ code: 'INVALID_RESPONSE', message, details: { requestId: echo.id, action: 'SYNC' } });
      send({ t: 'a', n: echo.id, op: 'ECHO', body: { text: 'late' } });
      expect(errors[1]).toMatchObject({ code: 'INVALID_FRAME', message: `dropped a response to an unknown request "${echo.id}"` });
      expect(echo.settled).toHaveLength(1);
    });
  }

  it('settles the request before reporting: an error listener that fails every pending request (disconnect()) cannot fail it another way', async () => {
    const { send, request, errors, pending } = setup();
    const echo = request('echo');
    // As the client's disconnect() in an error listener does: every request still pending fails.
    errors.push = (...events: ClientErrorEvent[]): number => {
      pending.rejectAll(() => new SDKError('CONNECTION_LOST', 'the client was disconnected'));
      return Array.prototype.push.apply(errors, events);
    };
    send({ t: 'a', n: echo.id, op: 'SYNC', body: { text: 'for sync' } });
    await echo.outcome;
    expect((echo.settled[0] as { error: SDKError }).error).toMatchObject({ code: 'INVALID_RESPONSE', message: 'invalid response to "echo": its action is "SYNC", not "ECHO"' });
    expect(errors.map((e) => e.code)).toEqual(['INVALID_RESPONSE']);
  });

  it('says only that the action is wrong when the payload is not the request\'s response either: the answer goes no further', async () => {
    const { send, request, errors, pending } = setup();
    const echo = request('echo');
    // The payload of another request's response, invalid as echo's: checking it against echo's
    // response would report a second problem about an answer that is not echo's at all.
    const frame = { t: 'a', n: echo.id, op: 'SYNC', body: { count: 2 } };
    send(frame);
    await echo.outcome;
    await flush();
    const message = 'invalid response to "echo": its action is "SYNC", not "ECHO"';
    expect(errors).toStrictEqual([{ code: 'INVALID_RESPONSE', message, frame: JSON.stringify(frame) }]);
    expect(echo.settled).toHaveLength(1);
    expect((echo.settled[0] as { error: SDKError }).error).toMatchObject({ code: 'INVALID_RESPONSE', message });
    expect(pending.has(echo.id)).toBe(false);
  });

  it('shows an action that is not a string as JSON, cut at 100 characters', async () => {
    const { send, request, errors } = setup();
    const calls = [request('echo'), request('echo'), request('echo')];
    send({ t: 'a', n: calls[0]!.id, op: 5, body: { text: 'a' } });
    send({ t: 'a', n: calls[1]!.id, op: null, body: { text: 'b' } });
    send({ t: 'a', n: calls[2]!.id, op: ['ECHO'], body: { text: 'c' } });
    const long = request('echo');
    send({ t: 'a', n: long.id, op: 'x'.repeat(500), body: { text: 'd' } });
    await Promise.all([...calls, long].map((call) => call.outcome));
    expect(errors.pop()!.message).toBe(`invalid response to "echo": its action is "${'x'.repeat(99)}, not "ECHO"`);
    expect(errors.map((event) => event.message)).toEqual([
      'invalid response to "echo": its action is 5, not "ECHO"',
      'invalid response to "echo": its action is null, not "ECHO"',
      'invalid response to "echo": its action is ["ECHO"], not "ECHO"',
    ]);
    for (const call of calls) expect((call.settled[0] as { error: SDKError }).error.code).toBe('INVALID_RESPONSE');
  });

  it("rejects with INVALID_RESPONSE, not the server's error, an error response that names another request", async () => {
    const { send, request, errors } = setup();
    const fail = request('fail');
    const frame = { t: 'x', n: fail.id, op: 'ECHO', body: { kind: 'nope', text: 'about echo' } };
    send(frame);
    await fail.outcome;
    const message = 'invalid response to "fail": its action is "ECHO", not "FAIL"';
    expect((fail.settled[0] as { error: SDKError }).error).toMatchObject({ code: 'INVALID_RESPONSE', message });
    expect(errors).toStrictEqual([{ code: 'INVALID_RESPONSE', message, frame: JSON.stringify(frame) }]);
  });

  it('rejects with the server error an error response that names its request', async () => {
    const { send, request, errors } = setup();
    const fail = request('fail');
    send({ t: 'x', n: fail.id, op: 'FAIL', body: { kind: 'nope', text: 'refused' } });
    await fail.outcome;
    expect((fail.settled[0] as { error: SDKError }).error).toMatchObject({ code: 'NOPE', message: 'refused' });
    expect(errors).toEqual([]);
  });

  it('only reports, as before, an error about no request of ours whatever action it names', () => {
    const { send, errors } = setup();
    send({ t: 'x', n: null, op: '', body: { kind: 'nope', text: 'unreadable' } });
    expect(errors).toMatchObject([{ code: 'NOPE', message: 'the server reported: unreadable' }]);
  });
});
