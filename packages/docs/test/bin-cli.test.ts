// The command line of bin/customer-chat-docs.mjs: a port is digits in 0..65535 (0: any free
// port); a missing or malformed value, an unknown argument, exit 2 with the usage; --help prints
// it and exits 0; without a built site it exits 1 instead of serving 404s.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(PACKAGE_DIR, 'bin', 'customer-chat-docs.mjs');

function runBin(args: string[], env: Record<string, string> = {}, bin = BIN) {
  // Every case here must end by itself: one that starts serving is killed by the timeout and fails.
  const { PORT: _port, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 15_000, env: { ...inherited, ...env } });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

describe('customer-chat-docs command line', () => {
  it('prints its usage for --help and -h, exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const result = runBin([flag]);
      expect(result.status, flag).toBe(0);
      expect(result.stdout).toMatch(/^usage: customer-chat-docs \[--port <port>\] \[--help\]/);
      expect(result.stdout).toContain('0 to 65535');
    }
  });

  it.each([
    [['--port'], '--port needs a value'],
    [['--port='], '--port: invalid port ""'],
    [['--port', ' '], '--port: invalid port " "'],
    [['--port', '0x1F91'], '--port: invalid port "0x1F91"'],
    [['--port', '1e3'], '--port: invalid port "1e3"'],
    [['--port', '-1'], '--port: invalid port "-1"'],
    [['--port', '65536'], '--port: invalid port "65536"'],
    [['--prot=9000'], 'unknown argument "--prot=9000"'],
    [['serve'], 'unknown argument "serve"'],
    [['--port', '1', '--port=2'], '--port given twice'],
  ])('refuses %j with exit 2 and the usage', (args, message) => {
    const result = runBin(args);
    expect(result.signal, 'it must not start serving').toBeNull();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`customer-chat-docs: ${message}`);
    expect(result.stderr).toContain('usage: customer-chat-docs');
  });

  it('refuses a malformed PORT the same way', () => {
    const result = runBin([], { PORT: '80a' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('customer-chat-docs: PORT: invalid port "80a"');
  });

  it('exits 1 naming the missing site when dist/site is not built', () => {
    const dir = mkdtempSync(join(tmpdir(), 'customer-chat-docs-unbuilt-'));
    try {
      mkdirSync(join(dir, 'bin'));
      copyFileSync(BIN, join(dir, 'bin', 'customer-chat-docs.mjs'));
      const copy = join(dir, 'bin', 'customer-chat-docs.mjs');
      // An empty PORT counts as unset: it gets as far as looking for the site.
      expect(runBin([], { PORT: '' }, copy).status).toBe(1);
      const result = runBin(['--port', '0'], {}, copy);
      expect(result.signal, 'it must not start serving').toBeNull();
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('customer-chat-docs: the site is not built');
      expect(result.stderr).toContain(join(dir, 'dist', 'site', 'index.html'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves on --port=0 (any free port) and prints the address', async () => {
    const child = spawn(process.execPath, [BIN, '--port=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const match = /^Docs {2}http:\/\/127\.0\.0\.1:(\d+)\/$/m.exec(out);
          if (match) resolve(match[0]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code} without serving: ${out}`)));
      });
      const port = Number(/:(\d+)\/$/.exec(line)![1]);
      expect(port).toBeGreaterThan(0);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
