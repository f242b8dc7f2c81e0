// A minimal WebSocket client on a plain TCP socket, for the slow readers of the bench: it logs in
// through the protocol and can then stop reading at the TCP level (`pause()`: Node stops reading the
// socket once its small stream buffer is full, so the kernel's buffers fill and the server's
// `bufferedAmount` grows). No dependency: the bench has only the SDK and the server.
//
// Only what the bench needs: the opening handshake, masked text frames out, and frames in (text
// frames decoded as JSON while someone waits for one, otherwise only counted; pings answered while
// reading; the close frame's code and reason recorded and answered).
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface RawClose {
  /** The close code of the server's close frame; 1006 when the socket ended without one. */
  code: number;
  reason: string;
}

export class RawWebSocket {
  readonly #socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #upgraded = false;
  #waiters: { match: (frame: Record<string, unknown>) => boolean; resolve: (frame: Record<string, unknown>) => void }[] = [];
  /** Bytes of frame payloads received. */
  received = 0;
  frames = 0;
  close: RawClose | undefined;
  #closed: Promise<RawClose>;
  #onClose!: (close: RawClose) => void;
  #opened: Promise<void>;

  private constructor(url: URL) {
    this.#closed = new Promise((resolve) => (this.#onClose = resolve));
    this.#socket = connect({ host: url.hostname, port: Number(url.port) });
    this.#socket.setNoDelay(true);
    const key = randomBytes(16).toString('base64');
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    this.#opened = new Promise((resolve, reject) => {
      this.#socket.once('connect', () => {
        this.#socket.write(
          `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      this.#socket.on('data', (chunk: Buffer) => {
        this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
        if (!this.#upgraded) {
          const end = this.#buffer.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = this.#buffer.subarray(0, end).toString('latin1');
          this.#buffer = this.#buffer.subarray(end + 4);
          if (!/^HTTP\/1\.1 101 /.test(head) || !head.includes(accept)) {
            reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
            this.#socket.destroy();
            return;
          }
          this.#upgraded = true;
          resolve();
        }
        this.#parse();
      });
      this.#socket.on('error', (error) => reject(error));
      this.#socket.on('close', () => {
        reject(new Error('closed before the upgrade'));
        this.close ??= { code: 1006, reason: '' };
        this.#onClose(this.close);
      });
    });
  }

  /** Connects and upgrades; fails after `timeoutMs`. */
  static async open(url: string, timeoutMs = 10_000): Promise<RawWebSocket> {
    const client = new RawWebSocket(new URL(url));
    try {
      await withTimeout(client.#opened, timeoutMs, `no WebSocket upgrade within ${timeoutMs} ms`);
    } catch (error) {
      client.destroy();
      throw error;
    }
    return client;
  }

  /** Resolves with the close frame's code (1006 when the socket ended without one). */
  get closed(): Promise<RawClose> {
    return this.#closed;
  }

  /** Sends a request frame and resolves with the frame that answers it (same requestId); fails after `timeoutMs`. */
  request(requestId: string, action: string, payload: unknown, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const answer = new Promise<Record<string, unknown>>((resolve) => this.#waiters.push({ match: (frame) => frame['requestId'] === requestId, resolve }));
    this.sendText(JSON.stringify({ requestId, action, payload }));
    return withTimeout(answer, timeoutMs, `no answer to ${action} within ${timeoutMs} ms`);
  }

  sendText(text: string): void {
    this.#sendFrame(0x1, Buffer.from(text, 'utf8'));
  }

  /** Stops reading: nothing more is taken from the kernel once Node's small stream buffer is full. */
  pause(): void {
    this.#socket.pause();
  }

  /** Reads again (what waited in the kernel comes in, up to the close frame if there is one). */
  resume(): void {
    this.#socket.resume();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #sendFrame(opcode: number, payload: Buffer): void {
    if (this.#socket.destroyed || !this.#socket.writable) return;
    const mask = randomBytes(4);
    const length = payload.length;
    const head = length < 126 ? Buffer.alloc(2) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    if (length < 126) head[1] = 0x80 | length;
    else if (length < 65536) {
      head[1] = 0x80 | 126;
      head.writeUInt16BE(length, 2);
    } else {
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(length), 2);
    }
    const masked = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i += 1) masked[i] = payload[i]! ^ mask[i & 3]!;
    this.#socket.write(Buffer.concat([head, mask, masked]));
  }

  #parse(): void {
    for (;;) {
      const buffer = this.#buffer;
      if (buffer.length < 2) return;
      const opcode = buffer[0]! & 0x0f;
      let length = buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffer.length < offset + length) return;
      const payload = buffer.subarray(offset, offset + length);
      this.#buffer = buffer.subarray(offset + length);
      this.frames += 1;
      this.received += length;
      if (opcode === 0x1 && this.#waiters.length > 0) {
        let frame: Record<string, unknown> | undefined;
        try {
          frame = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
        } catch {
          frame = undefined; // not JSON: nobody waits for it
        }
        const index = frame === undefined ? -1 : this.#waiters.findIndex((waiter) => waiter.match(frame!));
        if (index >= 0) this.#waiters.splice(index, 1)[0]!.resolve(frame!);
      } else if (opcode === 0x9) {
        this.#sendFrame(0xa, Buffer.from(payload));
      } else if (opcode === 0x8) {
        this.close = { code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005, reason: payload.subarray(2).toString('utf8') };
        this.#sendFrame(0x8, payload.length >= 2 ? Buffer.from(payload.subarray(0, 2)) : Buffer.alloc(0));
        this.#socket.end();
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
