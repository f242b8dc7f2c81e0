// A scripted server that answers a request with another request's response, or sends bytes that
// are not UTF-8: the generated protocol and the runtime together, over a real socket, with and
// without validation. The client neither settles a call with the wrong answer nor reads the bytes.
import { describe, expect, it } from 'vitest';
import { createCustomerSDK as createValidated } from '../../src/node.js';
import { createCustomerSDK as createUnvalidated } from '../../src/node-unvalidated.js';
import { LICENSE_ID, Recorder, rejectionOf, useScriptedServer } from './harness.js';

const scripted = useScriptedServer();

/**
 * Answers `login` and `get_chats_summary` as a server should; `close_thread` with the response
 * frame of `start_chat` (a payload valid for both), and `send_sneak_peek` with an error response
 * about `start_chat`. With `garble`, before the summary it sends a binary frame whose bytes are not UTF-8.
 */
function mixedUpServer(garble = false): Promise<string> {
  return scripted.start((socket) => {
    socket.on('message', (data) => {
      const { requestId, action } = JSON.parse(String(data)) as { requestId: string; action: string };
      const respond = (payload: unknown, as = action) => socket.send(JSON.stringify({ requestId, action: as, type: 'response', success: true, payload }));
      if (action === 'login') respond({ customerId: 'mixed-up-customer' });
      if (action === 'get_chats_summary') {
        if (garble) {
          // `{"type":"push","action":"customer_id","payload":"a?"}` with the "?" a byte that is not UTF-8.
          const frame = Buffer.from('{"type":"push","action":"customer_id","payload":"a?"}');
          frame[frame.indexOf('?')] = 0xff;
          socket.send(frame, { binary: true });
        }
        respond({ chatsSummary: [], totalChats: 0 });
      }
      if (action === 'close_thread') respond({}, 'start_chat');
      if (action === 'send_sneak_peek') {
        socket.send(JSON.stringify({ requestId, action: 'start_chat', type: 'response', success: false, payload: { error: { type: 'not_found', message: 'no such chat' } } }));
      }
      if (action === 'update_last_seen_timestamp') respond({ timestamp: 1 });
    });
  });
}

for (const [entry, create] of [['validated', createValidated], ['unvalidated', createUnvalidated]] as const) {
  describe(`answers that name another request (${entry})`, () => {
    it('a response or an error response naming another action fails the call with INVALID_RESPONSE; the session goes on', async () => {
      const client = scripted.track(create({ url: await mixedUpServer(), licenseId: LICENSE_ID, getToken: () => 'any' }));
      const events = new Recorder(client);
      await events.next('connected');

      const closed = (await rejectionOf(client.closeThread({ chat: 'C1' }))) as { code: string; message: string };
      expect(closed).toMatchObject({ code: 'INVALID_RESPONSE', message: 'invalid response to "closeThread": its action is "start_chat", not "close_thread"' });
      const peeked = (await rejectionOf(client.sendSneakPeek({ chat: 'C1', text: 'hi' }))) as { code: string; message: string };
      expect(peeked).toMatchObject({ code: 'INVALID_RESPONSE', message: 'invalid response to "sendSneakPeek": its action is "start_chat", not "send_sneak_peek"' });
      expect(events.of('error')).toMatchObject([
        { code: 'INVALID_RESPONSE', message: closed.message },
        { code: 'INVALID_RESPONSE', message: peeked.message },
      ]);
      // A request answered as it should be still resolves: nothing else was torn down.
      await expect(client.updateLastSeenTimestamp({ chat: 'C1', timestamp: 1 })).resolves.toEqual({ timestamp: 1 });
      expect(client.state).toBe('connected');
    });

    it('a binary frame that is not UTF-8 is dropped and reported, not read with U+FFFD in its place', async () => {
      const client = scripted.track(create({ url: await mixedUpServer(true), licenseId: LICENSE_ID, getToken: () => 'any' }));
      const events = new Recorder(client);
      await events.next('connected');
      expect(events.of('error')).toEqual([{ code: 'INVALID_FRAME', message: 'dropped a frame that is neither text nor UTF-8 bytes' }]);
      expect(events.of('customer_id')).toEqual([]);
      expect(client.state).toBe('connected');
    });
  });
}
