// Bad input of every kind: each gets an error frame naming what is wrong, the connection stays open
// (except for an oversized frame and frames that break WebSocket itself) and other connections never notice.
import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createReferenceServer } from '../src/index.js';
import { TestClient, useServer, type Frame } from './helpers.js';

const h = useServer();

function expectValidation(reply: Frame, requestId: string | null, action: string, pointer?: string): void {
  expect(reply).toMatchObject({ requestId, action, type: 'response', success: false });
  expect(reply.payload.error.type).toBe('validation');
  expect(reply.payload.error.message).toEqual(expect.any(String));
  if (pointer !== undefined) expect(reply.payload.error.pointer).toBe(pointer);
}

/** Sends raw text and resolves with the next reply frame. */
async function replyTo(client: TestClient, text: string | Buffer): Promise<Frame> {
  const since = client.mark();
  client.socket.send(text);
  return client.waitFor((f) => f.type === 'response', since);
}

/** The connection still answers a valid request correctly. */
async function stillWorks(client: TestClient): Promise<void> {
  const { token, customerId } = h.server.issueToken();
  expect((await client.login(token)).payload).toEqual({ customerId });
}

describe('frames that are not requests', () => {
  it('not JSON: validation with requestId null and action ""', async () => {
    const client = await h.connect();
    const reply = await replyTo(client, '{"requestId": "1", "action": ');
    expectValidation(reply, null, '');
    expect(reply.payload.error.message).toMatch(/not JSON/);
    await stillWorks(client);
  });

  it('JSON that is not an object: validation at the root', async () => {
    const client = await h.connect();
    for (const text of ['[]', '42', 'null', '"login"', 'true', '[{"requestId":"1","action":"login","payload":{"token":"x"}}]']) {
      expectValidation(await replyTo(client, text), null, '', '');
    }
    await stillWorks(client);
  });

  it('a binary message: validation', async () => {
    const client = await h.connect();
    expectValidation(await replyTo(client, Buffer.from(JSON.stringify({ requestId: '1', action: 'login', payload: { token: 'x' } }))), null, '');
    await stillWorks(client);
  });
});

describe('unknown actions', () => {
  it('answers validation at /action, echoing the action and the request id', async () => {
    const client = await h.connect();
    const reply = await client.request('fly_to_the_moon', {}, 'u1');
    expectValidation(reply, 'u1', 'fly_to_the_moon', '/action');
    expect(reply.payload.error.message).toMatch(/unknown action "fly_to_the_moon"/);
    await stillWorks(client);
  });

  it('does not take inherited names for actions', async () => {
    const client = await h.connect();
    for (const action of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expectValidation(await client.request(action, {}, `p-${action}`), `p-${action}`, action, '/action');
    }
    expectValidation(await replyTo(client, '{"requestId":"p1","action":"login","__proto__":{"action":"login"},"payload":{"token":"x"}}'), 'p1', 'login', '/__proto__');
  });

  it('a missing or non-string action: validation at /action with action ""', async () => {
    const client = await h.connect();
    expectValidation(await replyTo(client, JSON.stringify({ requestId: 'a1', payload: {} })), 'a1', '', '/action');
    expectValidation(await replyTo(client, JSON.stringify({ requestId: 'a2', action: 7, payload: {} })), 'a2', '', '/action');
  });
});

describe('invalid frames of known actions', () => {
  it('points at the offending field', async () => {
    const { client } = await h.customer();
    const cases: [unknown, string][] = [
      [{ requestId: 'v1', action: 'get_chats_summary', payload: { limit: 26 } }, '/payload/limit'],
      [{ requestId: 'v2', action: 'get_chats_summary', payload: { offset: -1 } }, '/payload/offset'],
      [{ requestId: 'v3', action: 'get_chats_summary', payload: { limit: '10' } }, '/payload/limit'],
      [{ requestId: 'v4', action: 'get_chats_summary', payload: { page: 1 } }, '/payload/page'],
      [{ requestId: 'v5', action: 'get_chats_summary' }, '/payload'],
      [{ requestId: 'v6', action: 'get_chats_summary', payload: {}, extra: true }, '/extra'],
      [{ requestId: 'v7', action: 'send_event', payload: { chat: 5, event: { type: 'message', text: 'x' } } }, '/payload/chat'],
      [{ requestId: 'v8', action: 'send_event', payload: { chat: 'C', event: { type: 'message', text: 'x', colour: 'red' } } }, '/payload/event/colour'],
      [{ requestId: 'v10', action: 'update_customer', payload: { fields: { plan: 1 } } }, '/payload/fields/plan'],
    ];
    for (const [frame, pointer] of cases) {
      const sent = frame as { requestId: string; action: string };
      const reply = await replyTo(client, JSON.stringify(frame));
      expectValidation(reply, sent.requestId, sent.action, pointer);
      expect(reply.payload.error.message).toContain(pointer);
    }
    expect((await client.call('get_chats_summary', {})).totalChats).toBe(0);
    // A login's payload is read on a connection not logged in yet (a second login is refused at /action before it).
    const fresh = await h.connect();
    const login = await replyTo(fresh, JSON.stringify({ requestId: 'v9', action: 'login', payload: { token: '' } }));
    expectValidation(login, 'v9', 'login', '/payload/token');
    expect(login.payload.error.message).toContain('/payload/token');
  });

  it('answers with requestId null when the request id itself is invalid', async () => {
    const client = await h.connect();
    expectValidation(await replyTo(client, JSON.stringify({ requestId: 7, action: 'login', payload: { token: 'x' } })), null, 'login', '/requestId');
    expectValidation(await replyTo(client, JSON.stringify({ requestId: 'x'.repeat(65), action: 'login', payload: { token: 'x' } })), null, 'login', '/requestId');
    expectValidation(await replyTo(client, JSON.stringify({ requestId: '', action: 'nope', payload: {} })), null, 'nope', '/action');
  });
});

describe('login', () => {
  it('a request before login: authorization, with a clear message', async () => {
    const client = await h.connect();
    const reply = await client.request('start_chat', {}, 's1');
    expect(reply).toMatchObject({ requestId: 's1', action: 'start_chat', success: false, payload: { error: { type: 'authorization' } } });
    expect(reply.payload.error.message).toMatch(/log in first/);
    await stillWorks(client);
  });

  it('a request before login with an invalid payload: authorization still (the spec reads the login before the payload)', async () => {
    const client = await h.connect();
    for (const [payload, id] of [[{ chat: 5 }, 'i1'], [{ colour: 'red' }, 'i2'], [undefined, 'i3']] as const) {
      const reply = await replyTo(client, JSON.stringify({ requestId: id, action: 'close_thread', ...(payload === undefined ? {} : { payload }) }));
      expect(reply).toMatchObject({ requestId: id, action: 'close_thread', success: false, payload: { error: { type: 'authorization' } } });
    }
    // An unreadable request id is still read first: validation at /requestId.
    expectValidation(await replyTo(client, JSON.stringify({ requestId: '', action: 'close_thread', payload: {} })), null, 'close_thread', '/requestId');
    await stillWorks(client);
  });

  it('a bad token: authentication, and the connection stays logged out', async () => {
    const client = await h.connect();
    expect((await client.request('login', { token: 'nope' })).payload.error.type).toBe('authentication');
    expect((await client.request('get_chats_summary', {})).payload.error.type).toBe('authorization');
    await stillWorks(client);
  });
});

describe('oversized frames', () => {
  it('closes only that connection, with 1009 and a reason', async () => {
    const victim = await h.connect();
    const { client: bystander } = await h.customer();
    victim.socket.send(JSON.stringify({ requestId: 'big', action: 'login', payload: { token: 'x'.repeat(70_000) } }));
    const closed = await victim.closed;
    expect(closed.code).toBe(1009);
    expect(closed.reason).toMatch(/frame too large.*65536 bytes/);
    expect(victim.frames).toEqual([]);
    expect((await bystander.call('get_chats_summary', {})).totalChats).toBe(0);
    expect(h.server.connections()).toBe(1);
  });

  it('accepts a frame right at the limit', async () => {
    const client = await h.connect();
    const frame = { requestId: 'edge', action: 'login', payload: { token: '' } };
    const padding = 65_536 - JSON.stringify(frame).length;
    const reply = await replyTo(client, JSON.stringify({ ...frame, payload: { token: 'x'.repeat(padding) } }));
    expect(reply.payload.error.pointer).toBe('/payload/token');
  });

  it('honours maxFrameBytes', async () => {
    const server = await createReferenceServer({ port: 0, adminPort: 0, maxFrameBytes: 100 });
    try {
      const client = await TestClient.open(server.socketUrl());
      client.send({ requestId: '1', action: 'login', payload: { token: 'x'.repeat(100) } });
      expect((await client.closed).code).toBe(1009);
    } finally {
      await server.close();
    }
  });
});

describe('frames that break WebSocket itself', () => {
  // ws closes these connections itself, as RFC 6455 requires; the peer broke the protocol, the
  // server did not fail: nothing is logged (the harness fails a test with an unexpected log line).
  it('a text frame that is not UTF-8 closes only that connection, with 1007, and logs nothing', async () => {
    const client = await h.connect();
    const bystander = await h.connect();
    client.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await client.closed).code).toBe(1007);
    expect(h.logs).toEqual([]);
    await stillWorks(bystander);
  });

  it('a frame with a reserved opcode closes only that connection, with 1002, and logs nothing', async () => {
    const client = await h.connect();
    const bystander = await h.connect();
    // FIN + opcode 0x3 (reserved), masked, empty payload, written under ws on the raw socket.
    (client.socket as unknown as { _socket: { write(bytes: Buffer): void } })._socket.write(Buffer.from([0x83, 0x80, 0, 0, 0, 0]));
    expect((await client.closed).code).toBe(1002);
    expect(h.logs).toEqual([]);
    await stillWorks(bystander);
  });
});

describe('handler failures', () => {
  it('a throwing handler answers internal and the server goes on', async () => {
    let calls = 0;
    const server = await createReferenceServer({
      port: 0,
      adminPort: 0,
      validateOutgoing: true,
      log: () => {},
      authenticate: (token) => {
        calls++;
        if (token === 'boom') throw new Error('bug in authenticate');
        if (token === 'empty') return '';
        return token === 'ok' ? 'customer-1' : undefined;
      },
    });
    try {
      const client = await TestClient.open(server.socketUrl());
      const reply = await client.request('login', { token: 'boom' });
      expect(reply.payload.error).toEqual({ type: 'internal', message: expect.any(String) });
      expect((await client.request('login', { token: 'empty' })).payload.error.type).toBe('authentication');
      expect((await client.request('login', { token: 'ok' })).payload).toEqual({ customerId: 'customer-1' });
      expect(calls).toBe(3);
      expect(client.invalid).toEqual([]);
      client.close();
    } finally {
      await server.close();
    }
  });
});

describe('connections refused at upgrade', () => {
  const upgradeStatus = (url: string) =>
    new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.on('unexpected-response', (_, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.on('open', () => reject(new Error('the upgrade was accepted')));
      socket.on('error', () => {});
    });

  it('rejects a missing or empty licenseId with 400 and a wrong path with 404', async () => {
    expect(await upgradeStatus(`${h.server.url}/v1/customer`)).toBe(400);
    expect(await upgradeStatus(`${h.server.url}/v1/customer?licenseId=`)).toBe(400);
    expect(await upgradeStatus(`${h.server.url}/v2/customer?licenseId=1`)).toBe(404);
    await stillWorks(await h.connect());
  });

  it('reads the request target as a path: //v1/customer is the socket (a base URL with a trailing slash)', async () => {
    const client = await TestClient.open(`${h.server.url}//v1/customer?licenseId=1`);
    try {
      await stillWorks(client);
    } finally {
      client.close();
    }
  });

  it('answers a request target that is not a URL with 400, on both ports, and keeps serving', async () => {
    for (const port of [h.server.port, h.server.adminPort]) {
      const reply = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write('GET http://[::1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'),
        );
        let text = '';
        socket.on('data', (chunk) => {
          text += String(chunk);
          socket.destroy();
        });
        socket.on('close', () => resolve(text));
        socket.on('error', () => resolve(text));
      });
      expect(reply).toMatch(/^HTTP\/1\.1 400/);
    }
    await stillWorks(await h.connect());
  });

  it('drops a refused upgrade\'s socket once answered, even when the client never closes its side: close() does not wait for that client', async () => {
    const server = await createReferenceServer({ port: 0, log: () => {} });
    const client = connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
    try {
      let answer = '';
      client.on('data', (chunk) => (answer += String(chunk)));
      client.on('error', () => {});
      const ended = new Promise((resolve) => client.once('end', resolve));
      client.write('GET /nowhere HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
      await ended;
      expect(answer).toMatch(/^HTTP\/1\.1 404/);
      // The client still has its side open. Only half-closed, the server's socket would keep
      // close() (and so Ctrl-C) waiting until the client closed it: this test would time out.
      await server.close();
    } finally {
      client.destroy();
    }
  });

  it('answers plain HTTP on the socket port with 426', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      request(`${h.server.url.replace('ws:', 'http:')}/v1/customer`, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(426);
  });
});

// Pinned by mutation testing (bench/mutation.md): what each error message says.
describe('error messages', () => {
  it('say what is wrong with the frame', async () => {
    const client = await h.connect();
    const message = async (text: string | Buffer) => (await replyTo(client, text)).payload.error.message as string;
    expect(await message(Buffer.from('{}'))).toMatch(/^binary messages are not frames/);
    expect(await message('[]')).toMatch(/^a frame is a JSON object \{ requestId, action, payload \}/);
    expect(await message(JSON.stringify({ requestId: 'a1', payload: {} }))).toBe('the frame has no action: a string naming the request');
    expect(await message(JSON.stringify({ action: 'login', payload: {} }))).toMatch(/^the frame needs a requestId: a string of 1 to 64 characters/);
    expect(await message(JSON.stringify({ requestId: 'u1', action: 'fly', payload: {} }))).toMatch(/^unknown action "fly"; the requests are login, get_chats_summary, /);
  });

  it('clip an unknown action after 80 characters', async () => {
    const client = await h.connect();
    const exactly80 = 'a'.repeat(80);
    expect((await client.request(exactly80, {})).payload.error.message).toMatch(new RegExp(`^unknown action "${exactly80}";`));
    const reply = await client.request('b'.repeat(100), {});
    expect(reply.payload.error.message).toMatch(new RegExp(`^unknown action "${'b'.repeat(80)}\\.\\.\\.";`));
  });

  it('a throwing handler: internal "failed to handle", and the failure is logged with the action', async () => {
    const logs: string[] = [];
    const server = await createReferenceServer({
      port: 0,
      adminPort: 0,
      validateOutgoing: true,
      log: (message) => logs.push(message),
      authenticate: () => {
        throw new Error('bug in authenticate');
      },
    });
    try {
      const client = await TestClient.open(server.socketUrl());
      const reply = await client.request('login', { token: 'boom' });
      expect(reply.payload.error).toEqual({ type: 'internal', message: 'the server failed to handle the request' });
      expect(logs).toEqual(['handler of login failed']);
      client.close();
    } finally {
      await server.close();
    }
  });
});
