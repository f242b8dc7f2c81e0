// The command as npm installs it: `node_modules/.bin/customer-chat-docs` is a symlink to
// bin/customer-chat-docs.mjs, so node starts with argv[1] naming the link, not the file. The command
// must still serve (it once compared argv[1] with its own path and silently did nothing).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Not from ./helpers.js: that one loads the site builder, which this test does not need.
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Starts `command` with node and resolves with its first `Docs  http://...` line, or rejects with what it printed. */
function firstDocsLine(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [command, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const done = (error?: Error, line?: string) => {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      if (error) reject(error);
      else resolve(line!);
    };
    const timer = setTimeout(() => done(new Error(`no Docs line within 20 s; stdout: ${stdout}; stderr: ${stderr}`)), 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = /^Docs {2}http:\/\/127\.0\.0\.1:\d+\/$/m.exec(stdout);
      if (line) done(undefined, line[0]);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('exit', (code, signal) => done(new Error(`exited (${code ?? signal}) without serving; stdout: ${JSON.stringify(stdout)}; stderr: ${JSON.stringify(stderr)}`)));
    child.once('error', (error) => done(error));
  });
}

describe('bin/customer-chat-docs.mjs through a symlink, as npm links it into node_modules/.bin', () => {
  it('serves and prints its address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'customer-chat-docs-bin-'));
    try {
      const link = join(dir, 'customer-chat-docs');
      symlinkSync(join(PACKAGE_DIR, 'bin', 'customer-chat-docs.mjs'), link);
      const line = await firstDocsLine(link);
      const port = Number(/:(\d+)\/$/.exec(line)![1]);
      expect(port).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
