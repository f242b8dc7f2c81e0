// The kit against the reference server (everything passes) and against servers broken on purpose,
// one rule each (each fails exactly the scenarios it breaks, by name).
import { createReferenceServer, type ProtocolBreaks, type ReferenceServer } from '@customer-chat/reference-server';
import { afterEach, describe, expect, it } from 'vitest';
import { computeScenarios, formatJson, formatJunit, formatText, protocol, referenceDriver, runConformance, type ConformanceReport } from '../src/index.js';

const servers: ReferenceServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function run(options: { protocolBreaks?: ProtocolBreaks; driver?: boolean; timeoutMs?: number; only?: string[] } = {}): Promise<ConformanceReport> {
  const server = await createReferenceServer({ port: 0, log: () => {}, validateOutgoing: options.protocolBreaks === undefined, ...(options.protocolBreaks ? { protocolBreaks: options.protocolBreaks } : {}) });
  servers.push(server);
  const { token } = server.issueToken();
  const report = await runConformance({
    url: server.socketUrl('conformance'),
    token,
    driver: options.driver === false ? undefined : referenceDriver({ adminUrl: server.adminUrl }),
    timeoutMs: options.timeoutMs ?? 2000,
    only: options.only ?? [],
  });
  if (options.protocolBreaks === undefined) expect(server.violations).toEqual([]);
  return report;
}

const EVERY_FRAME_NAME = computeScenarios().at(-1)!.name;
const failedNames = (report: ConformanceReport) => report.results.filter((r) => r.status === 'failed').map((r) => r.name).sort();

describe('against the reference server', () => {
  it('passes every computed scenario, with the built-in driver', async () => {
    const report = await run();
    expect(report.results.filter((r) => r.status !== 'passed')).toEqual([]);
    expect(report.results.map((r) => r.name)).toEqual(computeScenarios().map((s) => s.name));
    expect(report.totals).toEqual({ passed: computeScenarios().length, failed: 0, not_run: 0 });
    // Every request, every push and the unreadable frames have scenarios.
    const groups = new Set(report.results.map((r) => r.group));
    for (const name of [...protocol.requests.map((r) => r.action), ...protocol.pushes, 'frames', 'connect', 'server frames']) expect(groups).toContain(name);
  });

  it('passes a second run with the same token: the agents a sync makes the server push are not a leak of the login push', async () => {
    const server = await createReferenceServer({ port: 0, log: () => {}, validateOutgoing: true });
    servers.push(server);
    const { token } = server.issueToken();
    const options = { url: server.socketUrl('conformance'), token, driver: referenceDriver({ adminUrl: server.adminUrl }), timeoutMs: 2000 };
    // The first run leaves the customer with chats with agents (the driver's), so get_chats_summary pushes their user_data.
    expect((await runConformance(options)).totals.failed).toBe(0);
    const again = await runConformance({ ...options, only: ['login: pushes'] });
    expect(again.results.filter((r) => r.status !== 'passed')).toEqual([]);
    expect(again.totals.passed).toBeGreaterThan(0);
    expect(server.violations).toEqual([]);
  });

  it('reports what needs the agent side as not run without a driver, never as passed', async () => {
    const report = await run({ driver: false });
    const notRun = report.results.filter((r) => r.status === 'not_run');
    expect(report.totals.failed).toBe(0);
    // The pushes customer requests cause (login's, the x-pushes) pass on their own; the others need a driver.
    const causedByRequests = new Set(protocol.requests.flatMap((r) => r.pushes.map((p) => p.push)));
    // And the introduction of a user met on another connection, which needs a user in a chat.
    const introduction = protocol.introduction!.push;
    expect(notRun.map((r) => r.group).sort()).toEqual([...protocol.pushes.filter((p) => !causedByRequests.has(p) || p === protocol.disconnection.push), introduction].sort());
    for (const r of notRun) expect(r.message).toMatch(/run with a driver/);
  });
});

describe('against broken servers, each failing exactly the scenarios it breaks', () => {
  const scenarioNames = computeScenarios().map((s) => s.name);
  const named = (predicate: (name: string) => boolean) => scenarioNames.filter(predicate).sort();
  /** The last scenario, which checks every frame of the run. */
  const EVERY_FRAME = scenarioNames.at(-1)!;

  it.each<[string, ProtocolBreaks, string[]]>([
    // An invalid frame fails the scenario whose connection got it (checked at its end), and the last scenario.
    ['a field of the wrong type in one response', { wrongTypeInResponse: 'update_customer' }, ['update_customer: example nameAndField answered update_customer_response', 'update_customer: pushes user_data to the other connections', EVERY_FRAME]],
    [
      'a missing required field in one push',
      { missingFieldInPush: 'thread_closed' },
      ['close_thread: example close answered close_thread_response', 'close_thread: pushes thread_closed to all', ...named((n) => n.includes(': on a closed thread answered')), 'push thread_closed: valid wherever it came', EVERY_FRAME],
    ],
    ['an error type not in the operation\'s list', { foreignErrorType: { action: 'get_chat_threads', type: 'customer_banned' } }, named((n) => n.startsWith('get_chat_threads: ') && !n.includes('example'))],
    ['a reply with another requestId', { wrongRequestId: 'send_sneak_peek' }, [...named((n) => n.startsWith('send_sneak_peek: ')), EVERY_FRAME]],
    ['a login that is not required', { loginNotRequired: true }, named((n) => n.includes(': before login answered'))],
    ['a second login whose payload is checked before it is refused', { schemaBeforeSecondLogin: true }, named((n) => n.startsWith('login: a second login'))],
    // The reply to an action that is not a string answers a waiting request (its requestId is valid), so another action there breaks the frame too.
    ['an error to an unreadable frame with another action (expectAction)', { wrongActionInError: '' }, [...named((n) => n.startsWith('frames: ') && (n.endsWith('with requestId null and action ""') || n.includes('with action ""'))), EVERY_FRAME]],
    ['every reply to one request sent twice', { answerTwice: 'send_event' }, [...named((n) => n.startsWith('send_event: ')), EVERY_FRAME]],
    ['a response that never comes', { noResponse: 'get_chat_threads_summary' }, ['get_chat_threads_summary: example firstPage answered get_chat_threads_summary_response']],
    ['the connection closed instead of a response', { closeInsteadOfResponse: 'get_chat_threads' }, ['get_chat_threads: example twoThreads answered get_chat_threads_response']],
    ['a response that is not JSON', { nonJsonResponse: 'get_chat_threads_summary' }, ['get_chat_threads_summary: example firstPage answered get_chat_threads_summary_response', EVERY_FRAME]],
    [
      'an invalid push after a response',
      { invalidPushAfterResponse: 'send_event' },
      [...named((n) => n.startsWith('send_event: example') || n.startsWith('send_event: pushes')), 'push user_is_typing: valid wherever it came', EVERY_FRAME],
    ],
    ['a push x-pushes does not list, before a response', { extraPushBeforeResponse: 'send_event' }, ['send_event: pushes new_event to the other connections']],
    ['a push sent twice', { duplicatePush: 'new_event' }, ['start_chat: pushes new_event to the other connections', 'send_event: pushes new_event to the other connections']],
    ['a push x-pushes lists that never comes', { dropPush: 'thread_metada' }, ['start_chat: pushes thread_metada to the other connections', 'push thread_metada: valid wherever it came']],
    ['a push to the requester after the response', { pushAfterResponse: 'thread_closed' }, ['close_thread: pushes thread_closed to all']],
    ['a push for the requester on the other connections too', { leakPush: 'customer_id' }, ['login: pushes customer_id to the requester']],
    ['another close code after customer_disconnected', { disconnectCloseCode: 4001 }, ['push customer_disconnected: valid wherever it came']],
  ])('%s', async (_label, protocolBreaks, expected) => {
    expect(expected.length).toBeGreaterThan(0);
    const report = await run({ protocolBreaks });
    expect(failedNames(report)).toEqual([...expected].sort());
    expect(report.totals.not_run).toBe(0);
    for (const failed of report.results.filter((r) => r.status === 'failed')) expect(failed.message).not.toBe('');
  });

  it('checks every frame of the run at the end, also those that came after their own scenario or that no scenario waited for', async () => {
    const server = await createReferenceServer({ port: 0, log: () => {} });
    servers.push(server);
    const { token } = server.issueToken();
    const reference = referenceDriver({ adminUrl: server.adminUrl });
    // A driver that, asked for the last pushes, also makes the server send a user_data push without
    // payload fields (after "push user_data" ran) and a frame that is neither a push nor a reply.
    const driver = {
      ...reference,
      async cause(push: string, target: Parameters<typeof reference.cause>[1]) {
        if (push === 'user_left_chat') {
          server.faults.sendRaw(target.customerId, JSON.stringify({ action: 'user_data', type: 'push', payload: {} }));
          server.faults.sendRaw(target.customerId, '{"action":"new_event","type":"pushh"}');
        }
        await reference.cause(push, target);
      },
    };
    const report = await runConformance({ url: server.socketUrl('conformance'), token, driver, timeoutMs: 2000 });
    // The scenario whose connection got the frame that is no frame fails at its end, naming it; the last scenario too.
    expect(failedNames(report)).toEqual(['push user_left_chat: valid wherever it came', EVERY_FRAME_NAME].sort());
    expect(report.results.find((r) => r.name === 'push user_left_chat: valid wherever it came')).toMatchObject({
      message: 'the connection of this scenario got a message that is not a frame of the spec: neither a push nor a response (type "pushh", success undefined)',
      pointer: '',
      frame: { action: 'new_event', type: 'pushh' },
    });
    expect(report.results.find((r) => r.name === 'push user_data: valid wherever it came')?.status).toBe('passed');
  });

  it('fails every scenario whose connection got a push of an unknown action, and the last one, naming the action', async () => {
    const report = await run({ protocolBreaks: { unknownPushAfterLogin: 'conformance_surprise' } });
    const failed = report.results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.name)).toContain(EVERY_FRAME);
    expect(failed.find((r) => r.name === EVERY_FRAME)?.message).toMatch(/^the server pushed "conformance_surprise", which is not a push of the spec/);
    // Every scenario that logged in got it: those that never log in pass.
    expect(failed.map((r) => r.name)).toContain('send_event: example message answered send_event_response');
    // At the end of each, or earlier: before a response, as a push x-pushes does not list.
    for (const r of failed.filter((f) => f.name !== EVERY_FRAME)) {
      expect(r.message).toMatch(/(got a push of conformance_surprise that breaks the spec: "conformance_surprise" is not a push of the spec|the requester got conformance_surprise before the \w+ response)/);
    }
    expect(report.results.find((r) => r.name === 'connect: without licenseId refused with HTTP 400')?.status).toBe('passed');
    expect(report.totals.not_run).toBe(0);
  });

  it.each<[string, ProtocolBreaks, string[]]>([
    ['every reply sent twice', { answerTwice: 'send_event' }, /a second reply to the send_event request "c\d+", which was answered already/.source],
    ['an invalid push after a response', { invalidPushAfterResponse: 'send_event' }, /got a push of user_is_typing that breaks the spec: must have required property 'chat'/.source],
  ].map(([label, breaks, message]) => [label as string, breaks as ProtocolBreaks, [message as string]]))('with --only send_event, still fails what the connections got, and still checks every frame: %s', async (_label, protocolBreaks, [message]) => {
    const report = await run({ protocolBreaks, only: ['send_event'] });
    expect(report.results.at(-1)?.name).toBe(EVERY_FRAME);
    expect(report.results.at(-1)?.status).toBe('failed');
    const failed = report.results.filter((r) => r.status === 'failed' && r.name.startsWith('send_event: '));
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) expect(r.message).toMatch(new RegExp(message!));
    expect(report.results.at(-1)?.message).toMatch(/^the server sent (an error response|a response|a push) of (send_event|user_is_typing) that breaks the spec: /);
  });

  it('fails a reply that is not JSON at once, with its issue and the frame, not after the timeout', async () => {
    const timeoutMs = 10_000;
    const report = await run({ protocolBreaks: { nonJsonResponse: 'get_chat_threads_summary' }, only: ['get_chat_threads_summary: example'], timeoutMs });
    const [result] = report.results;
    expect(result).toMatchObject({ name: 'get_chat_threads_summary: example firstPage answered get_chat_threads_summary_response', status: 'failed', pointer: '', frame: 'nope' });
    expect(result!.message).toMatch(/^get_chat_threads_summary was answered with a message that is not a frame of the spec: not JSON: /);
    expect(result!.durationMs).toBeLessThan(timeoutMs / 2);
  });

  it('passes a customer_disconnected without its optional reason: only the close code is checked', async () => {
    const report = await run({ protocolBreaks: { missingFieldInPush: 'customer_disconnected' } });
    expect(report.results.filter((r) => r.status !== 'passed')).toEqual([]);
  });

  it('reports a driver that fails or hangs as not run, never as a failure of the server', async () => {
    const server = await createReferenceServer({ port: 0, log: () => {} });
    servers.push(server);
    const { token } = server.issueToken();
    const driver = {
      name: 'broken driver',
      pushes: ['user_is_typing', 'user_joined_chat'],
      cause: (push: string) => (push === 'user_is_typing' ? Promise.reject(new Error('no agent today')) : new Promise<void>(() => {})),
    };
    const report = await runConformance({ url: server.socketUrl('conformance'), token, driver, timeoutMs: 500, only: ['push user_is_typing', 'push user_joined_chat'] });
    expect(report.results.map((r) => [r.name, r.status, r.message])).toEqual([
      ['push user_is_typing: valid wherever it came', 'not_run', 'the driver (broken driver) failed to cause user_is_typing: no agent today'],
      ['push user_joined_chat: valid wherever it came', 'not_run', 'the driver (broken driver) failed to cause user_joined_chat: it did not finish within 500 ms'],
      [EVERY_FRAME_NAME, 'passed', undefined],
    ]);
  });

  it('names the pointer and the frame at fault', async () => {
    const report = await run({ protocolBreaks: { missingFieldInPush: 'thread_closed' } });
    const failed = report.results.find((r) => r.name === 'push thread_closed: valid wherever it came')!;
    expect(failed.pointer).toBe('/payload/chat');
    expect(failed.frame).toMatchObject({ action: 'thread_closed', type: 'push' });
    expect(failed.message).toMatch(/must have required property 'chat'/);
  });
});

describe('reports', () => {
  const report: ConformanceReport = {
    spec: { title: 'T', version: '1' },
    url: 'ws://x',
    driver: undefined,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1500,
    results: [
      { name: 'a: ok', group: 'a', status: 'passed', durationMs: 3 },
      { name: 'a: <bad> & "worse"', group: 'a', status: 'failed', message: 'answered error x', pointer: '/payload/y', frame: { action: 'a' }, durationMs: 4 },
      { name: 'b: later', group: 'b', status: 'not_run', message: 'needs a driver', durationMs: 0 },
    ],
    totals: { passed: 1, failed: 1, not_run: 1 },
  };

  it('text: per group, why each one failed or did not run, and the totals', () => {
    expect(formatText(report)).toBe(
      [
        'Conformance of ws://x to T 1 (no driver)',
        '',
        'a',
        '  PASS    a: ok',
        '  FAIL    a: <bad> & "worse"',
        '          answered error x',
        '          at /payload/y',
        '          frame: {"action":"a"}',
        '',
        'b',
        '  NOT RUN b: later',
        '          needs a driver',
        '',
        '1 passed, 1 failed, 1 not run (1.5 s)',
        '',
      ].join('\n'),
    );
  });

  it('JUnit: a suite per group, failures and skips, escaped', () => {
    const xml = formatJunit(report);
    expect(xml).toContain('<testsuites name="T 1 conformance" tests="3" failures="1" skipped="1" time="1.500">');
    expect(xml).toContain('<testsuite name="a" tests="2" failures="1" skipped="0" time="0.007">');
    expect(xml).toContain('<testcase classname="a" name="a: &lt;bad&gt; &amp; &quot;worse&quot;" time="0.004">');
    expect(xml).toContain('<failure message="answered error x">at /payload/y\nframe: {&quot;action&quot;:&quot;a&quot;}</failure>');
    expect(xml).toContain('<skipped message="needs a driver"/>');
  });

  it('JSON: the report as it is', () => {
    expect(JSON.parse(formatJson(report))).toEqual(report);
  });
});
