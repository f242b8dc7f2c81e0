// Child process of reply-delay.test.ts (not a test file itself): a server whose replies wait 10
// minutes, a request waiting out that delay, then `server.close()`. The process must then exit on
// its own: nothing of the server, the reply-delay timer included, may keep it alive. Prints each
// step on stdout (`closed` last); what the server logs goes to stderr.
import { WebSocket } from 'ws';
import { createReferenceServer } from '../src/index.js';

interface Reply {
  requestId?: string | null;
  type: string;
  success?: boolean;
  payload: { error?: { type: string } };
}

/** A client socket and the replies it receives, by request id. */
async function open(url: string): Promise<{ socket: WebSocket; send(frame: object): void; reply(requestId: string): Promise<Reply> }> {
  const socket = new WebSocket(url);
  const replies = new Map<string, Reply>();
  const waiting = new Map<string, (reply: Reply) => void>();
  socket.on('error', () => {});
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Reply;
    if (frame.type !== 'response' || typeof frame.requestId !== 'string') return;
    replies.set(frame.requestId, frame);
    waiting.get(frame.requestId)?.(frame);
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    send: (frame) => socket.send(JSON.stringify(frame)),
    reply: (requestId) => {
      const known = replies.get(requestId);
      return known !== undefined ? Promise.resolve(known) : new Promise((resolve) => waiting.set(requestId, resolve));
    },
  };
}

function step(text: string): void {
  process.stdout.write(`${text}\n`);
}

const server = await createReferenceServer({
  port: 0,
  adminPort: 0,
  validateOutgoing: true,
  // One request waiting per connection: a second one is refused at once, which proves the first arrived.
  maxPendingRequests: 1,
  log: (message, error) => process.stderr.write(`${message}${error === undefined ? '' : ` ${String(error)}`}\n`),
});

const customer = await open(server.socketUrl());
customer.send({ requestId: 'login', action: 'login', payload: { token: server.issueToken().token } });
if ((await customer.reply('login')).success !== true) throw new Error('login failed');
step('logged in');

server.faults.setReplyDelay(600_000);
customer.send({ requestId: 'delayed', action: 'get_chats_summary', payload: {} });
customer.send({ requestId: 'over', action: 'get_chats_summary', payload: {} });
const refused = await customer.reply('over');
if (refused.payload.error?.type !== 'pending_requests_limit_reached') throw new Error(`expected a refusal, got ${JSON.stringify(refused)}`);
// `delayed` arrived (it is waiting). The server runs in this process: the round that handles it was
// scheduled (setImmediate) when it arrived, before the refusal went out, so a turn of the event loop
// after the refusal came in it has started `delayed`, which waits out the delay now.
await new Promise((resolve) => setImmediate(resolve));
step('a request waits for its delayed reply');

await server.close();
step('closed');
