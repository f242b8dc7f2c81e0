// The reference server's process, seen from the bench: server-child.mjs forked (plain `node
// --expose-gc`, default limits) so that its memory is measured alone, driven over the IPC channel of
// `fork` (tokens, agents, memory samples) and over its admin HTTP API; stopped for sure at the end.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  peakRss: number;
  hwm: number | undefined;
  logged: number;
  cpu: { user: number; system: number };
  loopDelayMs: { p50: number; p99: number; max: number };
  gc: { count: number; totalMs: number; maxMs: number; majorCount: number; majorMaxMs: number };
}

export class ServerProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  url = '';
  socketUrl = '';
  adminUrl = '';
  pid = 0;
  stderr: string[] = [];
  exited: Promise<number | null>;

  private constructor() {
    this.#child = fork(fileURLToPath(new URL('../server-child.mjs', import.meta.url)), [], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.#child.stderr?.setEncoding('utf8');
    this.#child.stderr?.on('data', (text: string) => {
      for (const line of text.split('\n')) if (line.trim() !== '' && this.stderr.length < 200) this.stderr.push(line);
    });
    this.exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    this.#child.on('message', (message: Record<string, unknown>) => {
      const id = message['id'] as number | undefined;
      const entry = id === undefined ? undefined : this.#pending.get(id);
      if (entry === undefined) return;
      this.#pending.delete(id!);
      if (message['ok'] === true) entry.resolve(message);
      else entry.reject(new Error(String(message['error'])));
    });
  }

  static async start(): Promise<ServerProcess> {
    const server = new ServerProcess();
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server process did not start within 20 s')), 20_000);
      server.#child.on('message', function onReady(message: Record<string, unknown>) {
        if (message['ready'] !== true) return;
        clearTimeout(timer);
        server.#child.off('message', onReady);
        resolve(message);
      });
      server.#child.once('exit', (code) => reject(new Error(`the server process exited (${code}): ${server.stderr.join('\n')}`)));
    });
    server.url = ready['url'] as string;
    server.socketUrl = ready['socketUrl'] as string;
    server.adminUrl = ready['adminUrl'] as string;
    server.pid = ready['pid'] as number;
    return server;
  }

  call<T = Record<string, unknown>>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`server command ${cmd} timed out`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#child.send({ id, cmd, ...args });
    });
  }

  memory(gc = false): Promise<Memory> {
    return this.call<Memory>('memory', { gc });
  }

  async admin<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.adminUrl}${path}`, {
      method,
      signal: AbortSignal.timeout(15_000),
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  #stopping: Promise<void> | undefined;

  /** Closes the server and waits for the process to exit (killed after 15 s + 5 s); idempotent. */
  stop(): Promise<void> {
    return (this.#stopping ??= this.#stop());
  }

  async #stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    try {
      await this.call('close', {}, 15_000);
    } catch {
      this.#child.kill('SIGKILL');
    }
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
