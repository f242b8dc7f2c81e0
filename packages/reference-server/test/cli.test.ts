// The command line: strict arguments (exit 2 with the usage), the printed URLs, a clean stop on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TestClient } from './helpers.js';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  return { child, output: () => output, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

describe('cli', () => {
  it.each([
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--bogus']],
    [['serve']],
    [['--port']],
    [['--host', '']],
    [['--max-pending-requests', '0']],
    [['--max-unsent-bytes', '1e6']],
    [['--admin-origins', 'localhost:3000']],
    [['--admin-token', '']],
  ])('rejects %j with exit code 2 and the usage', async (args) => {
    const { output, exited } = run(args);
    expect(await exited).toBe(2);
    expect(output()).toMatch(/usage: customer-chat-reference-server/);
  });

  it('--port 65535 without --admin-port: says the default admin port is not a port (exit 2)', async () => {
    const { output, exited } = run(['--port', '65535']);
    expect(await exited).toBe(2);
    expect(output()).toMatch(/^customer-chat-reference-server: --admin-port defaults to --port \+ 1 = 65536, which is not a port; pass --admin-port\n/);
  });

  it.each([
    [['--admin-token', 'my secret'], /^customer-chat-reference-server: --admin-token must be visible ASCII characters without spaces/],
    [['--admin-token', 'sécret'], /^customer-chat-reference-server: --admin-token must be visible ASCII characters without spaces/],
    [['--heartbeat-interval-ms', '5'], /^customer-chat-reference-server: --heartbeat-interval-ms must be 0 \(no heartbeat\) or from 100 to \d+, not 5/],
    [['--port', '18555', '--admin-port', '18555'], /^customer-chat-reference-server: --admin-port 18555 is the port of the WebSocket endpoint \(--port\); give each its own\n/],
    [['--admin-port', '8787'], /^customer-chat-reference-server: --admin-port 8787 is the port of the WebSocket endpoint \(--port\)/],
    [['--port', '0', '--admin-port', '0', '--host', '999.1.1.1'], /^customer-chat-reference-server: --host 999\.1\.1\.1 is neither an address nor a name this machine resolves \(getaddrinfo ENOTFOUND 999\.1\.1\.1\)\n/],
    [['--port', '0', '--admin-port', '0', '--host', '192.0.2.1'], /^customer-chat-reference-server: --host 192\.0\.2\.1 is not an address of this machine \(listen EADDRNOTAVAIL: address not available 192\.0\.2\.1\)/],
  ])('%j is a usage error naming the flag (exit 2 with the usage)', async (args, message) => {
    const { output, exited } = run(args);
    expect(await exited).toBe(2);
    expect(output()).toMatch(message);
    expect(output()).toMatch(/usage: customer-chat-reference-server/);
    // The admin token is a secret: never repeated.
    expect(output()).not.toMatch(/my secret|sécret/);
  });

  it('--help says what the admin port is with --port 0', async () => {
    const { output, exited } = run(['--help']);
    expect(await exited).toBe(0);
    expect(output()).toMatch(/--admin-port <n> +admin HTTP port, always on 127\.0\.0\.1 \(default: port \+ 1; a free port when --port is 0\)/);
  });

  it('starts, prints where to connect, serves, and stops on SIGTERM', async () => {
    const { child, output, exited } = run(['--port', '0', '--admin-port', '0', '--host', '127.0.0.1']);
    const deadline = Date.now() + 15_000;
    while (!/Token/.test(output()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const socketUrl = /WebSocket\s+(ws:\/\/\S+)/.exec(output())?.[1];
    // Printed as it is to be used: ADMIN=<this>, then $ADMIN/tokens.
    const adminUrl = /Admin\s+(\S+)\s/.exec(output())?.[1];
    expect(socketUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/customer\?licenseId=demo$/);
    expect(adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(output()).toMatch(/Token +curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/tokens /);

    const { token, customerId } = (await (await fetch(`${adminUrl}/tokens`, { method: 'POST' })).json()) as { token: string; customerId: string };
    const client = await TestClient.open(socketUrl ?? '');
    expect((await client.login(token)).payload).toEqual({ customerId });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect((await client.closed).code).toBe(1001);
    expect(client.invalid).toEqual([]);
  });

  it('takes the limits and the admin token as flags', async () => {
    const { child, output, exited } = run(['--port', '0', '--admin-port', '0', '--admin-token', 's3cret', '--max-connections-per-customer', '1', '--heartbeat-interval-ms', '60000']);
    const deadline = Date.now() + 15_000;
    while (!/Token/.test(output()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const socketUrl = /WebSocket\s+(ws:\/\/\S+)/.exec(output())?.[1] ?? '';
    const adminUrl = /Admin\s+(http:\/\/\S+?)\/?\s/.exec(output())?.[1];
    expect(output()).toMatch(/Authorization: Bearer/);
    // The Token line says where the admin token goes, and never prints it.
    const tokenLine = /Token +curl (.*?) {3}/.exec(output())?.[1] ?? '';
    expect(tokenLine).toBe(`-s -X POST -H "Authorization: Bearer <admin token>" ${adminUrl}/tokens`);
    expect(output()).not.toContain('s3cret');
    expect((await fetch(`${adminUrl}/tokens`, { method: 'POST' })).status).toBe(401);
    const issued = await fetch(`${adminUrl}/tokens`, { method: 'POST', headers: { authorization: 'Bearer s3cret' } });
    expect(issued.status).toBe(201);
    const { token } = (await issued.json()) as { token: string };
    const first = await TestClient.open(socketUrl);
    expect((await first.login(token)).success).toBe(true);
    const second = await TestClient.open(socketUrl);
    second.send({ requestId: '1', action: 'login', payload: { token } });
    expect(await second.closed).toEqual({ code: 4000, reason: 'too_many_connections' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await first.closed;
  });
});
