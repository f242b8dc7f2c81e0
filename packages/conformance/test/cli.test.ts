// The CLI as a user runs it (the built bin in a child process): a passing run, a failing run, the
// report files, and every way a run cannot start ending with one line and exit code 2.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createReferenceServer, type ReferenceServer } from '@customer-chat/reference-server';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/customer-chat-conformance.js', import.meta.url));
/**
 * For runs in which nothing waits for what never comes (a conforming server, a reply that fails at
 * once): a long --timeout only keeps a loaded machine from failing a wait (the preflight's exit 2,
 * seen once in CI) before the case is reached; a wrong answer still fails at once.
 */
const PATIENT = ['--timeout', '30000'];
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function cli(args: string[], nodeOptions: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeOptions, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function reference(options: Parameters<typeof createReferenceServer>[0] = {}): Promise<ReferenceServer> {
  const server = await createReferenceServer({ port: 0, log: () => {}, ...options });
  cleanups.push(() => server.close());
  return server;
}

/** A WebSocket server that does `onConnection` to every connection, on a free port. */
async function oddServer(onConnection: (socket: import('ws').WebSocket) => void): Promise<string> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', onConnection);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => { wss.close(); http.closeAllConnections(); http.close(resolve); }));
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/v1/customer?licenseId=x`;
}

/**
 * A proxy in front of `upstream` (a server's socket URL base, `ws://host:port`) that adds a field of
 * `padding` characters to the payload of every response: frames as large as you like, still valid
 * (the objects a server sends are open). Refuses an upgrade without licenseId, as the server does.
 */
async function paddingProxy(upstream: string, padding: number): Promise<string> {
  const filler = 'x'.repeat(padding);
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    verifyClient: (info: { req: import('node:http').IncomingMessage }, done: (ok: boolean, status?: number) => void) => done(new URL(info.req.url ?? '/', 'http://x').searchParams.get('licenseId') !== null, 400),
  });
  wss.on('connection', (client, request) => {
    const server = new WebSocket(`${upstream}${request.url ?? '/'}`);
    const early: Array<{ data: RawData; isBinary: boolean }> = [];
    server.on('open', () => early.splice(0).forEach(({ data, isBinary }) => server.send(data, { binary: isBinary })));
    client.on('message', (data, isBinary) => (server.readyState === WebSocket.OPEN ? server.send(data, { binary: isBinary }) : early.push({ data, isBinary })));
    server.on('message', (data, isBinary) => {
      const frame = JSON.parse(String(data)) as { type?: string; payload?: Record<string, unknown> };
      if (frame.type === 'response' && typeof frame.payload === 'object') frame.payload.conformancePadding = filler;
      client.send(JSON.stringify(frame), { binary: isBinary });
    });
    server.on('close', (code, reason) => client.close(code === 1005 || code === 1006 ? 1000 : code, reason));
    client.on('close', () => server.close());
    server.on('error', () => client.terminate());
    client.on('error', () => server.terminate());
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => { wss.close(); http.closeAllConnections(); http.close(resolve); }));
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/v1/customer?licenseId=demo`;
}

describe('customer-chat-conformance', () => {
  it('passes against the reference server with its driver, and writes JUnit and JSON reports', async () => {
    const server = await reference();
    const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
    const { code, stdout, stderr } = await cli([
      '--url', server.socketUrl('demo'), '--token-url', `${server.adminUrl}/tokens`,
      '--driver', 'reference', '--admin-url', server.adminUrl,
      '--junit', join(dir, 'junit.xml'), '--json', join(dir, 'report.json'), ...PATIENT,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Conformance of ws:\/\/127\.0\.0\.1:\d+\/v1\/customer\?licenseId=demo to Customer Chat Protocol /);
    expect(stdout).toMatch(/\n\d+ passed, 0 failed, 0 not run \(/);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { totals: { passed: number; failed: number } };
    expect(report.totals.failed).toBe(0);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain(`tests="${report.totals.passed}" failures="0" skipped="0"`);
  });

  it('exits 1 when a scenario fails, naming it, and takes the token from a command', async () => {
    const server = await reference({ protocolBreaks: { wrongTypeInResponse: 'update_customer' } });
    const { token } = server.issueToken();
    const { code, stdout, stderr } = await cli(['--url', server.socketUrl('demo'), '--token-command', `printf %s ${token}`, '--only', 'update_customer: example', ...PATIENT]);
    expect(code, stderr).toBe(1);
    expect(stdout).toContain('  FAIL    update_customer: example nameAndField answered update_customer_response\n');
    expect(stdout).toContain('          at /payload/customer\n');
    // The last scenario, which checks every frame of the run, runs whatever --only picks.
    expect(stdout).toContain('  FAIL    server frames: every frame the server sent in the run was a valid push or a valid reply to a waiting request\n');
    expect(stdout).toMatch(/\n0 passed, 2 failed, 0 not run/);
  });

  it('takes the token from a command that prints a token endpoint\'s JSON answer, as --token-url does', async () => {
    const server = await reference();
    const answer = JSON.stringify({ token: server.issueToken().token, customerId: 'ignored' });
    const { code, stdout, stderr } = await cli(['--url', server.socketUrl('demo'), '--token-command', `printf '%s' '${answer}'`, '--only', 'login: example tokenOnly', ...PATIENT]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('  PASS    login: example tokenOnly answered login_response\n');
  });

  it('reports what needs an agent as not run without a driver; a run where nothing was checked is no pass (exit 1)', async () => {
    const server = await reference();
    const { code, stdout, stderr } = await cli(['--url', server.socketUrl('demo'), '--token', server.issueToken().token, '--only', 'push user_is_typing', ...PATIENT]);
    expect(code, stderr).toBe(1);
    expect(stdout).toContain('  NOT RUN push user_is_typing: valid wherever it came\n');
    expect(stdout).toContain('  NOT RUN server frames: every frame the server sent in the run was a valid push or a valid reply to a waiting request\n          no frame came from the server in this run\n');
    expect(stdout).toMatch(/\n0 passed, 0 failed, 2 not run/);
    expect(stderr).toBe('customer-chat-conformance: nothing was checked: every scenario was not run\n');
    // With something that ran and passed beside it, not run is no failure: exit 0.
    const mixed = await cli(['--url', server.socketUrl('demo'), '--token', server.issueToken().token, '--only', 'push user_is_typing', '--only', 'connect:', ...PATIENT]);
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(mixed.stdout).toMatch(/\n1 passed, 0 failed, 2 not run/);
  });

  it('a server that sends large valid frames (20 MB each): the kit keeps a bounded copy of each and ends with its report, in a heap of 256 MB', async () => {
    const server = await reference();
    const url = await paddingProxy(server.url, 20 * 1024 * 1024);
    const { code, stdout, stderr } = await cli(['--url', url, '--token', server.issueToken().token, '--driver', 'reference', '--admin-url', server.adminUrl, '--only', 'send_event', ...PATIENT], ['--max-old-space-size=256']);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/\n\d+ passed, 0 failed, 0 not run \(/);
    expect(code).toBe(0);
  });

  it('a server that sends a frame over 100 MiB: the scenario says so, not that the server closed the connection', async () => {
    const url = await oddServer((socket) =>
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { requestId?: unknown; action?: unknown };
        if (frame.action === 'login') {
          socket.send(JSON.stringify({ requestId: frame.requestId, action: 'login', type: 'response', success: true, payload: { customerId: 'c' } }));
          return;
        }
        // Only the header of a text frame of 100 MiB + 1 byte: the kit refuses it on its length.
        const header = Buffer.from([0x81, 127, 0, 0, 0, 0, 0, 0, 0, 0]);
        header.writeBigUInt64BE(BigInt(100 * 1024 * 1024 + 1), 2);
        (socket as unknown as { _socket: import('node:net').Socket })._socket.write(header);
      }),
    );
    const { code, stdout, stderr } = await cli(['--url', url, '--token', 't', '--only', 'get_chats_summary: example firstPage', ...PATIENT]);
    expect(code, stderr).toBe(1);
    expect(stdout).toContain('  FAIL    get_chats_summary: example firstPage answered get_chats_summary_response\n          the reply to get_chats_summary (requestId c2) did not come: the server sent a frame over 100 MiB (the kit\'s limit)\n');
  });

  it('a server that sends a frame too deeply nested to stringify again: exit 1 with the reports, the frame clipped', async () => {
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const url = await oddServer((socket) =>
      socket.on('message', (data) => {
        let frame: { requestId?: unknown; action?: unknown };
        try {
          frame = (JSON.parse(String(data)) ?? {}) as typeof frame; // `null` is a frame the kit sends
        } catch {
          frame = {};
        }
        if (frame.action === 'login') {
          socket.send(JSON.stringify({ requestId: frame.requestId, action: 'login', type: 'response', success: true, payload: { customerId: 'c' } }));
          socket.send(`{"action":"surprise","type":"push","payload":${deep}}`);
        } else socket.send(JSON.stringify({ requestId: frame.requestId ?? null, action: String(frame.action ?? ''), type: 'response', success: false, payload: { error: { type: 'internal', message: 'x' } } }));
      }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'conformance-deep-'));
    const { code, stdout, stderr } = await cli(['--url', url, '--token', 't', '--timeout', '300', '--json', join(dir, 'report.json'), '--junit', join(dir, 'junit.xml')]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    // Kept as structure for 64 levels (its headers readable), deeper as clipped JSON text.
    expect(stdout).toContain(`frame: {"action":"surprise","type":"push","payload":${'{"a":'.repeat(63)}"{\\"a\\":{\\"a\\":`);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { totals: { failed: number }; results: Array<{ frame?: { action?: unknown } }> };
    expect(report.totals.failed).toBeGreaterThan(0);
    expect(report.results.some((r) => r.frame?.action === 'surprise')).toBe(true);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('<failure');
  });

  describe('ends with one line and exit code 2, never a pass', () => {
    /** The run did not start: exit 2, no report, one line on stderr saying why (no stack trace). */
    const expectAborted = ({ code, stdout, stderr }: { code: number | null; stdout: string; stderr: string }, message: RegExp) => {
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr.endsWith('\n')).toBe(true);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).not.toMatch(/\n\s+at /);
    };

    it.each([
      [['--url', 'http://127.0.0.1:1/v1/customer', '--token', 't'], /--url http:\/\/127\.0\.0\.1:1\/v1\/customer is not a WebSocket URL \(ws: or wss:\), it is http:/],
      [['--url', 'not a url', '--token', 't'], /--url "not a url" is not a URL/],
      [['--token', 't'], /--url is required/],
      [['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x'], /give exactly one of --token-url, --token-command, --token/],
      [['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x', '--token', 't', '--driver', 'reference'], /--driver reference needs --admin-url/],
      [['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x', '--token', 't', '--timeout', 'soon'], /--timeout must be a whole number/],
      [['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x', '--token', 't', '--timeout', '1e3'], /--timeout must be a whole number of milliseconds from 1 to 600000, not 1e3/],
      [['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x', '--token', 't', '--timeout', '0x10'], /--timeout must be a whole number of milliseconds from 1 to 600000, not 0x10/],
      [['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x', '--token', 't', '--colour'], /Unknown option '--colour'/],
      [['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x', '--token', 't'], /cannot reach ws:\/\/127\.0\.0\.1:1\/v1\/customer\?licenseId=x: ECONNREFUSED/],
      [['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x', '--token-command', 'exit 3'], /--token-command failed \(exit code 3\): nothing on stderr/],
      [['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x', '--token-command', 'kill -9 $$'], /--token-command failed \(killed by SIGKILL\): nothing on stderr/],
      [['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x', '--token-command', 'sleep 5', '--timeout', '300'], /--token-command failed \(no output within 300 ms \(--timeout\)\)/],
      [['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x', '--token-command', `printf '%s' '{"error":"no"}'`], /--token-command printed a JSON object without a "token" string: \{"error":"no"\}/],
      [['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x', '--token', 't', '--junit', 'same.out', '--json', './same.out'], /--junit and --json name the same file \(\.\/same\.out\): one report would overwrite the other; see --help/],
      [['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x', '--token', 't', '--only', 'no such scenario'], /--only "no such scenario" matches no scenario/],
    ])('%j', async (args, message) => {
      expectAborted(await cli(args), message);
    });

    it('a report file that cannot be written, before anything runs', async () => {
      const server = await reference();
      expectAborted(await cli(['--url', server.socketUrl('demo'), '--token', server.issueToken().token, '--junit', '/nonexistent-folder/junit.xml']), /--junit \/nonexistent-folder\/junit\.xml: the folder \/nonexistent-folder does not exist or is not writable; see --help/);
    });

    it.each([
      ['an HTML page', (response: import('node:http').ServerResponse) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'), /the token URL .* answered text\/html; expected JSON with a "token" field or the token as text\/plain/],
      ['no answer', () => {}, /cannot get a token from .*: no answer within 500 ms/],
    ])('a token URL that gives %s', async (_label, answer, message) => {
      const http = createServer((_request, response) => answer(response));
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise((resolve) => { http.closeAllConnections(); http.close(resolve); }));
      const server = await reference();
      expectAborted(await cli(['--url', server.socketUrl('demo'), '--token-url', `http://127.0.0.1:${(http.address() as AddressInfo).port}/token`, '--timeout', '500']), message);
    });

    it.each([
      ['whose function never settles', 'export default () => new Promise(() => {});', /--driver-module .*never\.mjs: its driver function did not finish within 300 ms \(--timeout\)/],
      ['that never finishes loading', 'await new Promise(() => {});\nexport default {};', /--driver-module .*never\.mjs: loading it did not finish within 300 ms \(--timeout\)/],
    ])('a --driver-module %s: exit 2, never a silent exit 0', async (_label, source, message) => {
      const dir = mkdtempSync(join(tmpdir(), 'conformance-driver-'));
      writeFileSync(join(dir, 'never.mjs'), source);
      expectAborted(await cli(['--url', 'ws://127.0.0.1:1/v1/customer?licenseId=x', '--token', 't', '--driver-module', join(dir, 'never.mjs'), '--timeout', '300']), message);
    });

    it('a server whose close reason spans lines: still one line on stderr', async () => {
      const url = await oddServer((socket) => socket.close(1011, 'no\nmore\r\nlines'));
      expectAborted(await cli(['--url', url, '--token', 't']), /closed the connection \(1011 no more lines\)/);
    });

    it('a refused token', async () => {
      const server = await reference();
      expectAborted(await cli(['--url', server.socketUrl('demo'), '--token', 'not-a-token-of-this-server']), /refused the token: login was answered authentication/);
    });

    it('a server that closes at once', async () => {
      const url = await oddServer((socket) => socket.close(1011, 'no'));
      expectAborted(await cli(['--url', url, '--token', 't']), /did not answer login: .*closed the connection \(1011 no\)/);
    });

    it('a server that sends binary', async () => {
      const url = await oddServer((socket) => socket.on('message', () => socket.send(Buffer.from([1, 2, 3]), { binary: true })));
      expectAborted(await cli(['--url', url, '--token', 't', '--timeout', '500']), /does not speak the protocol: its first message was a binary message/);
    });

    it('a server that refuses the upgrade', async () => {
      const server = await reference();
      expectAborted(await cli(['--url', `${server.url}/elsewhere?licenseId=x`, '--token', 't']), /refused the WebSocket upgrade with HTTP 404/);
    });
  });
});
