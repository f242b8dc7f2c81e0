// `pnpm demo`: a scripted conversation between a customer (the SDK) and an agent (driven through
// the reference server's agent API) that triggers every event of the seed reference, printing
// each as it arrives. Exits 0 when every seed event arrived, 1 otherwise.
import { createRequire } from 'node:module';
import { createReferenceServer } from '@customer-chat/reference-server';
import { createCustomerSDK, type CustomerEvents } from '@customer-chat/sdk';

// The events of the seed reference, drafts included, from the spec package's record of it.
const seedFacts = createRequire(import.meta.url)('@customer-chat/spec/seed-facts.json') as { events: Array<{ event: string }> };
const SEED_EVENTS = seedFacts.events.map((fact) => fact.event);

const server = await createReferenceServer({ port: 0, validateOutgoing: true });
const { token, customerId } = server.issueToken();
const api = createCustomerSDK({ url: server.url, licenseId: 'demo-license', getToken: () => token, reconnect: { initialDelay: 50, maxDelay: 200 }, unstableAfter: 100 });

const seen = new Set<string>();
const started = Date.now();
api.on('*', (name, payload) => {
  seen.add(name);
  const text = payload === undefined ? '' : JSON.stringify(payload);
  console.log(`${String(Date.now() - started).padStart(5)} ms  ${name.padEnd(32)} ${text.length > 110 ? `${text.slice(0, 107)}...` : text}`);
});
api.on('error', (error) => console.log(`error: ${error.code} ${error.message}`));

/** How long the script waits for an event before it gives up and reports what is missing. */
const WAIT_MS = 10_000;
/** An event the script waited for in vain (the report below names the seed events missing). */
class Missing extends Error {}
/**
 * Resolves with the next payload of an event (the script waits for each cause's effect); rejects
 * with Missing when it has not arrived within WAIT_MS.
 */
function next<K extends keyof CustomerEvents>(name: K): Promise<CustomerEvents[K]> {
  return new Promise((resolve, reject) => {
    const stop = api.once(name, ((payload: CustomerEvents[K]) => {
      clearTimeout(timer);
      resolve(payload);
    }) as (payload: CustomerEvents[K]) => void);
    const timer = setTimeout(() => {
      stop();
      reject(new Missing(`${name} did not arrive within ${WAIT_MS / 1000} s`));
    }, WAIT_MS);
  });
}
const step = (text: string) => console.log(`\n-- ${text}`);

let gaveUp = false;
try {
  step('connect and log in');
  await next('connected');

  step('start a chat; an agent joins, types, answers and reads it');
  const { chat, thread } = await api.startChat({ events: [{ type: 'message', text: 'Hello, I need help with my order' }] });
  const agent = server.agent('sam@example.com', { name: 'Sam Agent' });
  agent.joinChat(chat.id);
  agent.startTyping(chat.id);
  await next('user_is_typing');
  agent.stopTyping(chat.id);
  await next('user_stopped_typing');
  agent.sendMessage(chat.id, 'Hi! Which order is it?');
  await next('new_event');
  await api.sendMessage(chat.id, 'Order 1234', 'local-1');
  agent.readChat(chat.id);
  await next('last_seen_timestamp_updated');

  step('properties of the chat and of its thread change');
  agent.updateChatProperties(chat.id, { routing: { priority: 'high' } });
  await next('chat_properties_updated');
  agent.updateThreadProperties(chat.id, thread.id, { routing: { topic: 'orders' } });
  await next('chat_thread_properties_updated');

  step('the agent closes the thread, then starts a new one');
  agent.closeThread(chat.id);
  await next('thread_closed');
  agent.startThread(chat.id);
  await next('thread_metada');

  step('the customer sends a file (uploaded, then sent as a file event) and rates the chat');
  const { event: file } = await api.sendFile(chat.id, new Blob(['order 1234: damaged box'], { type: 'text/plain' }), {
    name: 'complaint.txt',
    onProgress: (sent, total) => console.log(`        upload ${sent}/${total} bytes`),
  });
  console.log(`        the file is served at ${(file as { url: string }).url}`);
  await api.rateChat(chat.id, { score: 5, comment: 'Quick and kind' });

  step('replies slow down (the server delays them): the SDK says the link is unstable, then recovered');
  server.faults.setReplyDelay(300);
  const unstable = next('connection_unstable');
  const recovered = next('connection_recovered');
  const slow = api.getChatsSummary();
  // Awaited one after the other: handled now, so one failing while another is awaited is no crash.
  for (const pending of [recovered, slow]) pending.catch(() => undefined);
  await unstable;
  server.faults.setReplyDelay(0);
  await slow;
  await recovered;

  step('the link drops; the SDK reconnects by itself');
  server.faults.dropConnections(customerId);
  await next('connection_lost');
  await next('connection_restored');

  step('the server ends the session');
  server.disconnectCustomer(customerId, 'inactivity_timeout');
  await next('disconnected');
} catch (error) {
  if (!(error instanceof Missing)) throw error;
  console.log(`\ndemo: gave up waiting: ${error.message}`);
  gaveUp = true;
} finally {
  api.destroy();
  await server.close();
}

const missing = SEED_EVENTS.filter((name) => !seen.has(name));
if (server.violations.length > 0) console.log(`\nthe server sent ${server.violations.length} frame(s) the spec does not allow`);
console.log(missing.length === 0 ? `\ndemo: all ${SEED_EVENTS.length} seed events arrived.` : `\ndemo: missing seed events: ${missing.join(', ')}`);
process.exit(missing.length === 0 && server.violations.length === 0 && !gaveUp ? 0 : 1);
