// The few WebSocket features the client uses, met by the browser's native WebSocket and by the
// `ws` package alike, so neither is a dependency of the runtime.

/** What the client needs of a WebSocket instance. */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType?: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** Present on both implementations; the `on*` properties are used when it is not. */
  // `any`: each implementation types its events its own way (DOM Event, ws's own classes).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  addEventListener?(type: 'open' | 'message' | 'close' | 'error', listener: (event: any) => void): void;
}

/** A WebSocket class: `globalThis.WebSocket` or `WebSocket` from `ws`. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface SocketHandlers {
  open(): void;
  message(data: unknown): void;
  close(code: number, reason: string): void;
  error(): void;
}

type SocketEvent = { data?: unknown; code?: unknown; reason?: unknown };

/**
 * Attaches the handlers. They are never detached: the client ignores the events of a socket it
 * gave up on instead, because `ws` throws on an `error` event nobody listens to, and a socket
 * closed while connecting still emits one.
 */
export function listen(socket: WebSocketLike, handlers: SocketHandlers): void {
  const on = (type: 'open' | 'message' | 'close' | 'error', handler: (event: SocketEvent) => void): void => {
    if (typeof socket.addEventListener === 'function') socket.addEventListener(type, handler);
    else (socket as unknown as Record<string, unknown>)[`on${type}`] = handler;
  };
  on('open', () => handlers.open());
  on('message', (event) => handlers.message(event.data));
  on('close', (event) =>
    handlers.close(typeof event.code === 'number' ? event.code : 1006, typeof event.reason === 'string' ? event.reason : ''),
  );
  on('error', () => handlers.error());
}

// Fatal: bytes that are not UTF-8 make no text, rather than text with U+FFFD in place of what
// the server sent (which could still parse, as JSON with other values in it).
const decoder = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: ArrayBuffer | ArrayBufferView): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * A message's text: strings as they are, binary messages (ArrayBuffer, Buffer) decoded as UTF-8;
 * undefined for anything else, and for bytes that are not UTF-8.
 */
export function messageText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return decode(data);
  // `ws` with binaryType 'fragments' hands an array of Buffers.
  if (Array.isArray(data) && data.every((part) => ArrayBuffer.isView(part))) {
    const parts = data as ArrayBufferView[];
    const bytes = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
    let offset = 0;
    for (const part of parts) {
      bytes.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), offset);
      offset += part.byteLength;
    }
    return decode(bytes);
  }
  return undefined;
}
