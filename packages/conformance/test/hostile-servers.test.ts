// The kit against scripted servers that do one odd thing each, on 127.0.0.1: a push right after the
// last reply before login, an invalid push on the run's first connection, a valid reply too large
// and too deep to keep whole, a flood of frames. Each must give the verdict the README promises.
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { computeScenarios, runConformance, RunAborted, type ConformanceReport } from '../src/index.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface Frame {
  requestId?: unknown;
  action?: unknown;
}

/** What the scripted server does besides answering: called after each reply it sends. */
type Script = (socket: WebSocket, state: { connection: number; loggedIn: boolean; beforeLogin: number; frame: Frame }) => void;

/**
 * A server that logs in any token (customer `c1`), answers `get_chats_summary` with an empty page
 * once logged in and `authorization` before, and runs `script` after each reply. `answer` may
 * answer a frame its own way (a frame to send, or null for silence).
 */
async function scriptedServer(script: Script, answer: (frame: Frame, socket: WebSocket, state: Parameters<Script>[1]) => unknown = () => undefined): Promise<string> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  let connections = 0;
  wss.on('connection', (socket) => {
    const state = { connection: ++connections, loggedIn: false, beforeLogin: 0, frame: {} as Frame };
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      state.frame = frame;
      const reply = (success: boolean, payload: unknown) => socket.send(JSON.stringify({ requestId: frame.requestId, action: frame.action, type: 'response', success, payload }));
      const custom = answer(frame, socket, state);
      if (custom === null) return;
      if (custom !== undefined) socket.send(JSON.stringify(custom));
      else if (frame.action === 'login') {
        state.loggedIn = true;
        reply(true, { customerId: 'c1' });
      } else if (!state.loggedIn) {
        state.beforeLogin += 1;
        reply(false, { error: { type: 'authorization', message: 'log in first' } });
      } else if (frame.action === 'get_chats_summary') reply(true, { chatsSummary: [], totalChats: 0 });
      else reply(false, { error: { type: 'internal', message: 'not scripted' } });
      script(socket, state);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => { for (const client of wss.clients) client.terminate(); wss.close(); http.closeAllConnections(); http.close(resolve); }));
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/v1/customer?licenseId=x`;
}

const run = (url: string, only: string) => runConformance({ url, token: 't', timeoutMs: 2000, only: [only] });
const result = (report: ConformanceReport, name: string) => report.results.find((r) => r.name.startsWith(name));
const EVERY_FRAME = computeScenarios().at(-1)!.name;

describe('servers that do one odd thing', () => {
  it('a push right after the last reply before login fails the scenario: the check waits for a round trip', async () => {
    // Sent after the second reply, once the server reads the next frame (before answering it): a
    // check right after that reply cannot have seen it, one after a round trip has.
    const url = await scriptedServer(
      () => undefined,
      (frame, socket, state) => {
        if (!state.loggedIn && state.beforeLogin === 2 && frame.action !== 'login') socket.send(JSON.stringify({ action: 'user_data', type: 'push', payload: { id: 'c1', type: 'customer' } }));
        return undefined;
      },
    );
    const report = await run(url, 'get_chats_summary: before login');
    expect(result(report, 'get_chats_summary: before login')).toMatchObject({ status: 'failed', message: 'the server pushed user_data to a connection that has not logged in' });
  });

  it('an invalid push on the run’s first connection (the preflight’s) fails the last scenario', async () => {
    const url = await scriptedServer((socket, state) => {
      if (state.connection === 1 && state.frame.action === 'login') socket.send(JSON.stringify({ action: 'new_event', type: 'push', payload: { id: 'e1' } }));
    });
    const report = await run(url, 'get_chats_summary: example');
    expect(result(report, 'get_chats_summary: example')?.status).toBe('passed');
    expect(result(report, EVERY_FRAME)).toMatchObject({ status: 'failed', pointer: expect.stringMatching(/^\/payload/) });
  });

  it('a valid reply over 64 KiB with a field nested 100 levels deep passes: its headers stay readable in the copy the kit keeps', async () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 100; level++) deep = { level: deep };
    const url = await scriptedServer(
      () => undefined,
      (frame) =>
        frame.action === 'login' || frame.requestId === undefined
          ? undefined
          : { requestId: frame.requestId, action: frame.action, type: 'response', success: false, payload: { error: { type: 'authorization', message: 'log in first' }, extra: { deep, pad: 'x'.repeat(70_000) } } },
    );
    const report = await run(url, 'get_chats_summary: before login');
    expect(result(report, 'get_chats_summary: before login')).toMatchObject({ status: 'passed' });
  });

  it('an error to the round trip that ends a scenario on a logged-in connection fails it (an `internal` there is a server that broke)', async () => {
    const failing = { type: 'internal', message: 'cannot read the chats' };
    const url = await scriptedServer(
      () => undefined,
      (frame, _socket, state) => (state.loggedIn && frame.action === 'get_chats_summary' ? { requestId: frame.requestId, action: frame.action, type: 'response', success: false, payload: { error: failing } } : undefined),
    );
    const report = await run(url, 'login: example tokenOnly');
    expect(result(report, 'login: example tokenOnly')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^the connection of this scenario is logged in, and the get_chats_summary that ends the scenario was answered .*"internal".*, not by its response$/),
    });
    // The same scenario against the same server answering the round trip passes: the error alone failed it.
    const answering = await scriptedServer(() => undefined);
    expect(result(await run(answering, 'login: example tokenOnly'), 'login: example tokenOnly')?.status).toBe('passed');
  });

  it('a response naming a user the server introduced on another connection only fails the scenario, at the user', async () => {
    // The first connection (the preflight's) is told about agent a1; every summary names a1, and no
    // other connection is ever told about them.
    const page = { chatsSummary: [{ id: 'C1', users: ['c1', 'a1'], lastEventsPerType: {} }], totalChats: 1 };
    const url = await scriptedServer(
      (socket, state) => {
        if (state.connection === 1 && state.frame.action === 'login') socket.send(JSON.stringify({ action: 'user_data', type: 'push', payload: { id: 'a1', type: 'agent' } }));
      },
      (frame, _socket, state) => (state.loggedIn && frame.action === 'get_chats_summary' ? { requestId: frame.requestId, action: frame.action, type: 'response', success: true, payload: page } : undefined),
    );
    const report = await run(url, 'login: example tokenOnly');
    expect(result(report, 'login: example tokenOnly')).toMatchObject({
      status: 'failed',
      message: 'on the connection of this scenario, the get_chats_summary response names user "a1" before any user_data introducing them on that connection (a response comes after the user_data of every user it names that the connection was not told about yet)',
      pointer: '/payload/chatsSummary/0/users/1',
    });
  });

  it('a flood of valid frames ends the connection at the kit’s limit and fails the scenario, saying why', async () => {
    const push = JSON.stringify({ action: 'user_data', type: 'push', payload: { id: 'c1', type: 'customer', pad: 'x'.repeat(60_000) } });
    const url = await scriptedServer(
      (socket, state) => {
        if (state.connection === 1 || state.frame.action !== 'login') return;
        const flood = () => {
          if (socket.readyState !== socket.OPEN) return;
          while (socket.bufferedAmount < 4 * 1024 * 1024) socket.send(push);
          setImmediate(flood);
        };
        flood();
      },
      // The flooded connection's request is never answered: only the limit can end the wait.
      (frame) => (frame.action === 'get_chats_summary' ? null : undefined),
    );
    // A reply timeout far beyond the flood's time: on a loaded machine reading 64 MiB can take
    // longer than the 2 s the other cases wait, and the limit, not the timeout, must end the wait.
    const report = await runConformance({ url, token: 't', timeoutMs: 30_000, only: ['get_chats_summary: example'] });
    expect(result(report, 'get_chats_summary: example')).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('did not come: the server sent more than 64 MiB of frames on one connection within one scenario (the most the kit keeps); the kit ended the connection'),
    });
  }, 60_000);

  it('an error with a null requestId that answers nothing the kit sent fails the server-frames check, as one with an unknown requestId does', async () => {
    const unsolicited = (requestId: unknown) => JSON.stringify({ requestId, action: '', type: 'response', success: false, payload: { error: { type: 'validation', message: 'unsolicited' } } });
    for (const requestId of [null, 'zzz']) {
      const url = await scriptedServer((socket, state) => {
        if (state.connection === 1 && state.frame.action === 'login') socket.send(unsolicited(requestId));
      });
      const report = await run(url, 'get_chats_summary: example');
      expect(result(report, EVERY_FRAME), String(requestId)).toMatchObject({
        status: 'failed',
        message: expect.stringContaining(requestId === null ? 'answers no request waiting on this connection (requestId null, and no frame whose requestId could not be read waits for a reply)' : 'answers no request waiting on this connection (requestId "zzz")'),
      });
    }
  });

  it('a server that trickles its upgrade answer (never idle, never done) ends the run at the timeout, as one that cannot be reached', async () => {
    const server = createNetServer((socket) => {
      socket.on('error', () => {});
      const answer = `HTTP/1.1 101 Switching Protocols\r\nX-Slow: ${'a'.repeat(100_000)}`;
      let sent = 0;
      const timer = setInterval(() => socket.write(answer[sent++]!), 50);
      socket.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/customer?licenseId=x`;
    await expect(runConformance({ url, token: 't', timeoutMs: 500 })).rejects.toThrow(new RunAborted(`${url} did not complete the WebSocket upgrade within 500 ms`));
  });
});
