// The reply delay (faults.setReplyDelay, option replyDelayMs) holds nothing of the process: after
// server.close(), a request still waiting for its delayed reply leaves no timer behind, and the
// process exits on its own. Run in a child process, which must exit by itself.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./reply-delay-child.ts', import.meta.url));
/** Only a guard against a child that never exits (the failure this test is about); not a measure of speed. */
const GUARD_MS = 45_000;

describe('reply delay', () => {
  it('a request waiting for its delayed reply does not keep the process alive after server.close()', async () => {
    const process_ = spawn(process.execPath, ['--import', 'tsx', child], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    process_.stdout.on('data', (chunk) => (stdout += String(chunk)));
    process_.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const exit = await new Promise<{ code: number | null; exitedByItself: boolean }>((resolve) => {
      const guard = setTimeout(() => {
        process_.kill('SIGKILL');
        resolve({ code: null, exitedByItself: false });
      }, GUARD_MS);
      process_.on('exit', (code) => {
        clearTimeout(guard);
        resolve({ code, exitedByItself: true });
      });
    });
    expect(stdout).toBe('logged in\na request waits for its delayed reply\nclosed\n');
    expect(exit, `the child did not exit on its own after server.close(); stderr: ${stderr}`).toEqual({ code: 0, exitedByItself: true });
    expect(stderr).toBe('');
  }, GUARD_MS + 15_000);
});
