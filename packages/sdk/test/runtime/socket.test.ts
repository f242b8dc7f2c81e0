// The socket adapter: handlers attached through addEventListener or the on* properties, close
// events read defensively, and every shape of message data `ws` and browsers hand turned into text.
import { describe, expect, it } from 'vitest';
import { type SocketHandlers, type WebSocketLike, listen, messageText } from '../../src/runtime/socket.js';
import { FakeSocket } from './fixtures.js';

/** Handlers that record each call as [name, ...arguments]. */
function recorder(): { handlers: SocketHandlers; calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    handlers: {
      open: () => calls.push(['open']),
      message: (data) => calls.push(['message', data]),
      close: (code, reason) => calls.push(['close', code, reason]),
      error: () => calls.push(['error']),
    },
  };
}

/** A socket with no addEventListener: only the on* properties. */
type PropertySocket = WebSocketLike & Record<'onopen' | 'onmessage' | 'onclose' | 'onerror', ((event: unknown) => void) | undefined>;

function propertySocket(): PropertySocket {
  return { readyState: 0, send: () => undefined, close: () => undefined, onopen: undefined, onmessage: undefined, onclose: undefined, onerror: undefined };
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('listen', () => {
  it('attaches one listener per event through addEventListener when the socket has it, and sets no on* property', () => {
    const socket = new FakeSocket('ws://x');
    listen(socket, recorder().handlers);
    for (const type of ['open', 'message', 'close', 'error'] as const) expect(socket.listenerCount(type)).toBe(1);
    expect(Object.keys(socket).filter((key) => key.startsWith('on'))).toEqual([]);
  });

  it('passes each event on to its handler: open, the message data, close with code and reason, error', () => {
    const socket = new FakeSocket('ws://x');
    const { handlers, calls } = recorder();
    listen(socket, handlers);
    socket.fire('open');
    socket.fire('message', { data: 'hi' });
    socket.fire('error');
    socket.fire('close', { code: 4001, reason: 'going away' });
    expect(calls).toEqual([['open'], ['message', 'hi'], ['error'], ['close', 4001, 'going away']]);
  });

  it('reads a close event without a numeric code or a string reason as 1006 (abnormal closure) with an empty reason', () => {
    const socket = new FakeSocket('ws://x');
    const { handlers, calls } = recorder();
    listen(socket, handlers);
    socket.fire('close', {});
    socket.fire('close', { code: '4001', reason: 42 });
    socket.fire('close', { code: 1000 });
    socket.fire('close', { reason: 'why' });
    expect(calls).toEqual([
      ['close', 1006, ''],
      ['close', 1006, ''],
      ['close', 1000, ''],
      ['close', 1006, 'why'],
    ]);
  });

  it('falls back to the on* properties when the socket has no addEventListener', () => {
    const socket = propertySocket();
    const { handlers, calls } = recorder();
    listen(socket, handlers);
    socket.onopen?.({});
    socket.onmessage?.({ data: 'hi' });
    socket.onerror?.({});
    socket.onclose?.({ code: 1001, reason: 'bye' });
    expect(calls).toEqual([['open'], ['message', 'hi'], ['error'], ['close', 1001, 'bye']]);
  });
});

describe('messageText', () => {
  it('gives a string as it is', () => {
    expect(messageText('{"a":1}')).toBe('{"a":1}');
    expect(messageText('')).toBe('');
  });

  it('decodes an ArrayBuffer as UTF-8', () => {
    expect(messageText(bytes('héllo').buffer)).toBe('héllo');
  });

  it('decodes a view (Buffer, Uint8Array, DataView) as UTF-8, only the bytes it covers', () => {
    const whole = bytes('xxhéllo!');
    expect(messageText(Buffer.from('héllo'))).toBe('héllo');
    expect(messageText(whole.subarray(2, 8))).toBe('héllo');
    expect(messageText(new DataView(whole.buffer, 2, 6))).toBe('héllo');
  });

  it('joins the fragments ws hands with binaryType "fragments", even a character split across two, each fragment only the bytes it covers', () => {
    const text = bytes('[é]');
    // 'é' is two bytes: the first fragment ends in the middle of it.
    const first = Buffer.from(text.subarray(0, 2));
    const padded = new Uint8Array([0x7a, 0x7a, ...text.subarray(2)]).subarray(2);
    expect(padded.byteOffset).toBe(2);
    expect(messageText([first, padded])).toBe('[é]');
    expect(messageText([Buffer.from('ab'), Buffer.from('cd'), Buffer.from('ef')])).toBe('abcdef');
    expect(messageText([Buffer.from('only')])).toBe('only');
    expect(messageText([])).toBe('');
  });

  it('gives undefined for bytes that are not UTF-8, rather than text with U+FFFD in their place', () => {
    // A lone continuation byte, an overlong encoding, a surrogate's encoding, a sequence cut short.
    for (const bad of [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x7b, 0xe2, 0x82]]) {
      const data = new Uint8Array(bad);
      expect(messageText(data)).toBeUndefined();
      expect(messageText(data.buffer)).toBeUndefined();
      expect(messageText([Buffer.from('{"a":"'), Buffer.from(bad)])).toBeUndefined();
    }
    // A quoted byte that is not UTF-8 inside otherwise valid JSON would still parse if replaced.
    expect(messageText(new Uint8Array([0x22, 0xff, 0x22]))).toBeUndefined();
    expect(messageText(new Uint8Array([0xef, 0xbf, 0xbd]))).toBe('\ufffd');
  });

  it('gives undefined for anything else: numbers, null, plain objects, arrays that are not all byte views', () => {
    expect(messageText(42)).toBeUndefined();
    expect(messageText(null)).toBeUndefined();
    expect(messageText(undefined)).toBeUndefined();
    expect(messageText({ data: 'x' })).toBeUndefined();
    expect(messageText(['a', 'b'])).toBeUndefined();
    expect(messageText([Buffer.from('a'), 'b'])).toBeUndefined();
  });
});
