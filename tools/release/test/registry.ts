// A local npm registry for the release tests: verdaccio on 127.0.0.1 with its storage in a
// temporary folder, a user whose token publishes, and an npmrc that points the @customer-chat
// scope (and publishing) at it. Nothing in the tests ever reaches another registry for our scope.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERDACCIO = fileURLToPath(new URL('../node_modules/.bin/verdaccio', import.meta.url));

export interface LocalRegistry {
  readonly url: string;
  /** An npmrc (for NPM_CONFIG_USERCONFIG) that publishes to it with a token. */
  readonly npmrc: string;
  close(): Promise<void>;
}

/**
 * One HTTP request on a connection of its own: verdaccio closes idle keep-alive connections, which
 * a pooled client (fetch) may pick up again just then ("other side closed").
 */
export function httpJson(url: string, method = 'GET', body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, { method, agent: false, headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = text;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function startRegistry(): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'customer-chat-registry-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // No uplinks: the registry knows only what the test publishes to it.
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: 10',
      'packages:',
      "  '@customer-chat/*':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: pretty, level: error }',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(VERDACCIO, ['--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited (${child.exitCode}): ${output}`);
    try {
      if ((await httpJson(`${url}/-/ping`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 30_000) throw new Error(`verdaccio did not answer on ${url} within 30 s: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // A user (htpasswd adds it on first login) and its token.
  const user = await httpJson(`${url}/-/user/org.couchdb.user:release`, 'PUT', { name: 'release', password: 'release-test-password' });
  const { token } = user.json as { token?: string };
  if (token === undefined) throw new Error(`verdaccio gave no token (HTTP ${user.status})`);
  const npmrc = join(dir, 'npmrc');
  writeFileSync(npmrc, [`@customer-chat:registry=${url}/`, `//127.0.0.1:${port}/:_authToken=${token}`, ''].join('\n'));
  return {
    url,
    npmrc,
    async close() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
