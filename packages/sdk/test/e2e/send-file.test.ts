// sendFile under Node.js against the reference server: the upload (the spec's x-http uploadFile)
// with progress and cancel, then the `file` event with the URL it answered. Bad input fails
// before anything is sent; a cancelled or failed upload sends no event.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { httpOperations } from '../../src/gen/http-operations.js';
import { actionsOf, recordingWebSocket, useHarness } from './harness.js';

const h = useHarness();
const operation = httpOperations.uploadFile;
const bytes = (n: number, fill = 0x61) => new Uint8Array(n).fill(fill);

/** The events of a chat, as the server stores them. */
const storedEvents = (chatId: string) => h.server.store.chat(chatId).threads.flatMap((id) => h.server.store.thread(id).events);

describe('sendFile', () => {
  it('uploads a Blob with progress, sends the file event with the answered URL, and the URL serves the bytes', async () => {
    const customer = await h.connect();
    const { chat } = await customer.api.startChat({});
    const agentSees = h.connect({ customerId: customer.customerId }).then((other) => other.events.next('new_event'));
    const progress: Array<[number, number]> = [];
    const content = bytes(300_000, 0x42);
    const result = await customer.api.sendFile(chat.id, new Blob([content], { type: 'image/png' }), { name: 'photo.png', customId: 'f-1', onProgress: (sent, total) => progress.push([sent, total]) });
    expect(result.event).toMatchObject({ type: 'file', contentType: 'image/png', size: content.length, name: 'photo.png', customId: 'f-1', chat: chat.id });
    const url = (result.event as { url: string }).url;
    expect(url.startsWith(`${h.server.url.replace(/^ws/, 'http')}${operation.path}/`)).toBe(true);
    // Progress grows to the total and ends there. Under Node the body goes out in 64 KiB reads,
    // though this one-part Blob streams as one chunk: each read is a step.
    const slice = 64 * 1024;
    expect(progress).toEqual([[slice, content.length], [2 * slice, content.length], [3 * slice, content.length], [4 * slice, content.length], [content.length, content.length]]);
    const served = await fetch(url);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(content);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(await agentSees).toMatchObject({ type: 'file', url, chat: chat.id });
    expect(storedEvents(chat.id).filter((e) => e.type === 'file')).toHaveLength(1);
  });

  it('takes a Buffer and a stream, with the content type given as an option', async () => {
    const { api } = await h.connect();
    const { chat } = await api.startChat({});
    const fromBuffer = await api.sendFile(chat.id, Buffer.from('plain text'), { contentType: 'text/plain', name: 'note.txt' });
    expect(fromBuffer.event).toMatchObject({ type: 'file', contentType: 'text/plain', size: 10, name: 'note.txt' });
    const fromStream = await api.sendFile(chat.id, Readable.from([Buffer.from('%PDF-'), Buffer.from('1.7')]), { contentType: 'application/pdf' });
    expect(fromStream.event).toMatchObject({ type: 'file', contentType: 'application/pdf', size: 8 });
    expect(await (await fetch((fromStream.event as { url: string }).url)).text()).toBe('%PDF-1.7');
  });

  const invalid: Array<[string, () => unknown, { name?: string; contentType?: string }, RegExp]> = [
    ['a file over the limit', () => new Blob([bytes(operation.maxBytes + 1)], { type: 'image/png' }), {}, /more than 10485760/],
    ['a stream over the limit', () => Readable.from([Buffer.alloc(operation.maxBytes), Buffer.alloc(1)]), { contentType: 'image/png' }, /stream is larger than 10485760/],
    ['a refused type', () => new Blob(['MZ'], { type: 'application/x-msdownload' }), {}, /content type application\/x-msdownload is not accepted/],
    ['no type at all', () => Buffer.from('?'), {}, /content type \(none; give options.contentType\)/],
    ['an empty file', () => new Blob([], { type: 'image/png' }), {}, /the file is empty/],
    ['a name over 256 characters', () => new Blob(['x'], { type: 'text/plain' }), { name: 'n'.repeat(257) }, /name is longer than 256/],
    ['not a file', () => ({ not: 'a file' }), { contentType: 'image/png' }, /expected a File, a Blob/],
  ];

  it.each(invalid)('refuses %s with INVALID_ARGS before anything is uploaded or sent', async (_, file, options, message) => {
    const sent: string[] = [];
    const { api } = await h.connect({ WebSocket: recordingWebSocket(sent) });
    const { chat } = await api.startChat({});
    const before = sent.length;
    const error = await api.sendFile(chat.id, file() as Blob, options).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGS', message: expect.stringMatching(message) });
    expect(h.server.storedFiles().files).toBe(0);
    expect(actionsOf(sent.slice(before))).toEqual([]);
  });

  it('a signal aborted before the start, or during the upload, cancels it: CANCELLED, and no event', async () => {
    const sent: string[] = [];
    const { api } = await h.connect({ WebSocket: recordingWebSocket(sent) });
    const { chat } = await api.startChat({});
    const before = sent.length;
    await expect(api.sendFile(chat.id, new Blob(['x'], { type: 'text/plain' }), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
    const controller = new AbortController();
    const during = api.sendFile(chat.id, new Blob([bytes(8 * 1024 * 1024)], { type: 'image/png' }), {
      signal: controller.signal,
      onProgress: (sentBytes) => sentBytes > 0 && controller.abort(),
    });
    await expect(during).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(actionsOf(sent.slice(before))).toEqual([]);
    expect(storedEvents(chat.id).filter((e) => e.type === 'file')).toEqual([]);
  });

  it('uploads nothing for an event the client could not send: a chat the request refuses, or a client not connected', async () => {
    let tokens = 0;
    const { token, customerId } = h.server.issueToken();
    const { api } = await h.connect({ customerId, getToken: () => (tokens += 1, token) });
    const asked = tokens;
    const file = () => new Blob(['x'], { type: 'text/plain' });
    const badChat = await api.sendFile(42 as unknown as string, file()).catch((e: unknown) => e);
    expect(badChat).toMatchObject({ code: 'INVALID_ARGS', message: 'invalid arguments of "sendEvent": /chat must be string' });
    api.disconnect();
    const offline = await api.sendFile('PJ0MRSHTDG', file()).catch((e: unknown) => e);
    expect(offline).toMatchObject({ code: 'CONNECTION_LOST', message: 'not sent: the client is not connected (disconnected)', details: { sent: false } });
    expect(tokens).toBe(asked);
    expect(h.server.storedFiles().files).toBe(0);
  });

  it.each([
    ['options that are not an object', null, 'invalid sendFile options: null (an object, or nothing)'],
    ['a name that is not a string', { name: 42 }, 'invalid sendFile options: name must be a string, not number'],
    ['a content type that is not a string', { contentType: 42 }, 'invalid sendFile options: contentType must be a string, not number'],
    ['a customId that is not a string', { customId: 7 }, 'invalid sendFile options: customId must be a string, not number'],
    ['an onProgress that is not a function', { onProgress: 'log' }, 'invalid sendFile options: onProgress must be a function, not string'],
    ['a signal that is not an AbortSignal', { signal: 'stop' }, 'invalid sendFile options: signal must be an AbortSignal'],
  ])('refuses %s with INVALID_ARGS, before asking for a token or uploading', async (_, options, message) => {
    let tokens = 0;
    const { token, customerId } = h.server.issueToken();
    const { api } = await h.connect({ customerId, getToken: () => (tokens += 1, token) });
    const asked = tokens;
    const error = await api.sendFile('PJ0MRSHTDG', new Blob(['x'], { type: 'text/plain' }), options as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGS', message });
    expect(tokens).toBe(asked);
    expect(h.server.storedFiles().files).toBe(0);
  });

  it('a signal aborted while getToken is still fetching the token cancels at once', async () => {
    const { token, customerId } = h.server.issueToken();
    let calls = 0;
    // The login gets its token; the upload's request for one never answers.
    const { api } = await h.connect({ customerId, getToken: () => (++calls === 1 ? token : new Promise<string>(() => undefined)) });
    const { chat } = await api.startChat({});
    const controller = new AbortController();
    const cancelled = api.sendFile(chat.id, new Blob(['x'], { type: 'text/plain' }), { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(2);
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED', message: 'cancelled: the signal was aborted' });
    expect(h.server.storedFiles().files).toBe(0);
  });

  it('a signal aborted while a stream is silent cancels at once (the read does not wait for the stream)', async () => {
    const { api } = await h.connect();
    const { chat } = await api.startChat({});
    async function* silent(): AsyncGenerator<Uint8Array> {
      yield bytes(10);
      await new Promise(() => undefined);
    }
    const controller = new AbortController();
    const cancelled = api.sendFile(chat.id, silent(), { contentType: 'text/plain', signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED', message: 'cancelled: the signal was aborted' });
    expect(h.server.storedFiles().files).toBe(0);
  });

  it('a stream that fails is refused with INVALID_ARGS naming its error, before anything is uploaded', async () => {
    const { api } = await h.connect();
    const { chat } = await api.startChat({});
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield bytes(10);
      throw new Error('disk unplugged');
    }
    await expect(api.sendFile(chat.id, failing(), { contentType: 'text/plain' })).rejects.toMatchObject({
      code: 'INVALID_ARGS',
      message: 'invalid file: the stream failed: disk unplugged',
    });
    expect(h.server.storedFiles().files).toBe(0);
  });

  it('a getToken that fails fails the upload with AUTHENTICATION and its cause, and uploads nothing', async () => {
    const { token, customerId } = h.server.issueToken();
    const refusal = new Error('token service down');
    let calls = 0;
    const { api } = await h.connect({
      customerId,
      getToken: () => {
        calls += 1;
        if (calls === 1) return token;
        throw refusal;
      },
    });
    const { chat } = await api.startChat({});
    const error = await api.sendFile(chat.id, new Blob(['x'], { type: 'text/plain' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTHENTICATION', message: 'getToken failed: token service down', cause: refusal });
    expect(h.server.storedFiles().files).toBe(0);
  });

  it('a destroyed client uploads nothing: DESTROYED at once, without asking for a token', async () => {
    let tokens = 0;
    const { token, customerId } = h.server.issueToken();
    const { api } = await h.connect({ customerId, getToken: () => (tokens += 1, token) });
    const { chat } = await api.startChat({});
    api.destroy();
    const asked = tokens;
    await expect(api.sendFile(chat.id, new Blob(['x'], { type: 'text/plain' }))).rejects.toMatchObject({ code: 'DESTROYED' });
    expect(tokens).toBe(asked);
    expect(h.server.storedFiles().files).toBe(0);
  });

  it('a chat the customer is not in fails with the server’s error after the upload, and no event is stored anywhere', async () => {
    const { api } = await h.connect();
    await expect(api.sendFile('NO_SUCH_CHAT', new Blob(['x'], { type: 'text/plain' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(h.server.storedFiles().files).toBe(1);
  });

  it('a chat whose thread is closed fails with the server’s error, and the closed chat gets no event', async () => {
    const { api } = await h.connect();
    const { chat } = await api.startChat({});
    await api.closeThread({ chat: chat.id });
    const before = storedEvents(chat.id).length;
    await expect(api.sendFile(chat.id, new Blob(['x'], { type: 'text/plain' }))).rejects.toMatchObject({ code: 'CHAT_INACTIVE', type: 'chat_inactive' });
    expect(storedEvents(chat.id)).toHaveLength(before);
  });

  it('a token the upload refuses fails with AUTHENTICATION and the HTTP status, and sends no event', async () => {
    const { token, customerId } = h.server.issueToken();
    let calls = 0;
    // The login gets the valid token; the upload another one (as after an expiry between the two).
    const { api } = await h.connect({ customerId, getToken: () => (++calls === 1 ? token : 'forged') });
    const { chat } = await api.startChat({});
    const error = await api.sendFile(chat.id, new Blob(['x'], { type: 'text/plain' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTHENTICATION', type: 'authentication', details: { status: 401 } });
    expect(storedEvents(chat.id).filter((e) => e.type === 'file')).toEqual([]);
    expect(h.server.storedFiles().files).toBe(0);
  });

  it('a server that does not answer fails with UPLOAD_FAILED', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer((request) => request.socket.destroy());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      // Not connected: the offline queue is where the event would wait, so the upload is tried.
      const { api } = await h.connect({ url: `ws://127.0.0.1:${port}`, autoConnect: false, noWait: true, offlineQueue: { max: 1 } });
      await expect(api.sendFile('ANY', new Blob(['x'], { type: 'text/plain' }))).rejects.toMatchObject({ code: 'UPLOAD_FAILED' });
    } finally {
      silent.close();
    }
  });
});
