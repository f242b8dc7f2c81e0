// One fixture pair per rule: the real spec, and a copy with one change. Each must be classified
// with the right direction and verdict.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec } from '@customer-chat/spec-loader';
import { loadModel, REPOSITORY_ROOT, SPEC_FILE } from '@customer-chat/spec-model';
import { afterAll, describe, expect, it } from 'vitest';
import { missingMajors, readChangesets } from '../src/changesets.js';
import { classifyChanges, type Change } from '../src/classify.js';

const SPEC = SPEC_FILE;
const work = mkdtempSync(join(tmpdir(), 'spec-diff-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
type Doc = { components: { schemas: Record<string, any>; messages: Record<string, any> }; operations: Record<string, any>; channels: Record<string, any> };

// The document as written, from the loader (the one reader of the YAML); a variant is written as
// JSON, which is YAML too.
const written = (await loadSpec(SPEC)).raw;
let counter = 0;
function variant(edit: (doc: Doc) => void): string {
  const doc = structuredClone(written) as Doc;
  edit(doc);
  const file = join(work, `variant-${(counter += 1)}.yaml`);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}
const model = (file: string) => loadModel(file);
const baseModel = await model(SPEC);
const changesFor = async (edit: (doc: Doc) => void): Promise<Change[]> => classifyChanges(baseModel, await model(variant(edit)));
/** For a rule that needs a base other than the real spec: both sides are edited copies. */
const changesBetween = async (baseEdit: (doc: Doc) => void, headEdit: (doc: Doc) => void): Promise<Change[]> =>
  classifyChanges(await model(variant(baseEdit)), await model(variant(headEdit)));
const described = (description: string) => ({ type: 'string', description });
/** A new required field of send_event, in its examples too (the model holds examples to their schema). */
function requirePriority(d: Doc): void {
  d.components.schemas.SendEventArguments.properties.priority = described('Urgency.');
  d.components.schemas.SendEventArguments.required.push('priority');
  for (const example of d.components.messages.sendEventRequest.examples) example.payload.priority = 'high';
}

describe('what the client sends (requests)', () => {
  it('a new required field breaks old clients', async () => {
    const changes = await changesFor((d) => {
      requirePriority(d);
    });
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'send_event', direction: 'client-to-server', path: '/priority', breaking: true }));
  });
  it('a new optional field is safe', async () => {
    const changes = await changesFor((d) => (d.components.schemas.SendEventArguments.properties.priority = described('Urgency.')));
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => !c.breaking)).toBe(true);
  });
  it('a tighter limit breaks old clients; a looser one is safe', async () => {
    const tighter = await changesFor((d) => (d.components.schemas.GetChatsSummaryArguments.properties.limit.maximum = 10));
    expect(tighter).toContainEqual(expect.objectContaining({ subject: 'get_chats_summary', path: '/limit', breaking: true }));
    const looser = await changesFor((d) => (d.components.schemas.GetChatsSummaryArguments.properties.limit.maximum = 50));
    expect(looser.filter((c) => c.subject === 'get_chats_summary')).toEqual([expect.objectContaining({ breaking: false })]);
  });
  it('one edit made in both branches of a union is one change of that path', async () => {
    const changes = await changesFor((d) => {
      for (const branch of ['MessageEventInput', 'FileEventInput']) d.components.schemas[branch].properties.note = described('A note.');
    });
    expect(changes.filter((c) => c.subject === 'send_event')).toEqual([expect.objectContaining({ path: '/event/note', breaking: false })]);
  });
  it('a removed request breaks old clients', async () => {
    const changes = await changesFor((d) => {
      delete d.operations.closeThread;
      delete d.channels.customer.messages.closeThreadRequest;
      delete d.channels.customer.messages.closeThreadResponse;
      delete d.components.messages.closeThreadRequest;
      delete d.components.messages.closeThreadResponse;
    });
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'close_thread', breaking: true }));
    // Its docs page goes, and a server that still answers it no longer passes the conformance kit.
    const packages = changes.find((c) => c.subject === 'close_thread')!.packages;
    expect([...packages].sort()).toEqual(['@customer-chat/conformance', '@customer-chat/docs', '@customer-chat/reference-server', '@customer-chat/sdk', '@customer-chat/spec', '@customer-chat/validators']);
  });
});

describe('what the server sends (pushes, responses)', () => {
  it('a removed field breaks old clients\' handlers', async () => {
    const changes = await changesFor((d) => {
      delete d.components.schemas.TypingIndicator.properties.user;
      d.components.schemas.TypingIndicator.required = ['chat'];
    });
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'user_is_typing', direction: 'server-to-client', path: '/user', breaking: true }));
  });
  it('a new optional field is safe', async () => {
    const changes = await changesFor((d) => (d.components.schemas.TypingIndicator.properties.since = { type: 'integer', description: 'Since when.' }));
    expect(changes.filter((c) => c.subject === 'user_is_typing')).toEqual([expect.objectContaining({ path: '/since', breaking: false })]);
  });
  it('a field no longer required breaks old clients; a newly required one is safe', async () => {
    const optional = await changesFor((d) => (d.components.schemas.TypingIndicator.required = ['chat']));
    expect(optional).toContainEqual(expect.objectContaining({ subject: 'user_is_typing', path: '/user', breaking: true }));
    const required = await changesFor((d) => d.components.schemas.ThreadClosure.required.push('thread'));
    expect(required.filter((c) => c.subject === 'thread_closed')).toEqual([expect.objectContaining({ path: '/thread', breaking: false })]);
  });
  it('a looser limit in a response breaks old clients', async () => {
    const changes = await changesFor((d) => (d.components.schemas.ChatsSummaryPage.properties.chatsSummary.maxItems = 50));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'get_chats_summary_response', breaking: true }));
  });
  it('a new event type is safe thanks to the fallback branch', async () => {
    const changes = await changesFor((d) => {
      d.components.schemas.RichEvent = { ...structuredClone(d.components.schemas.MessageEvent), description: 'Rich.' };
      d.components.schemas.RichEvent.properties.type = { type: 'string', const: 'rich', description: 'Always `rich`.' };
      // The model holds a schema's examples to it.
      delete d.components.schemas.RichEvent.examples;
      d.components.schemas.Event.oneOf.push({ $ref: '#/components/schemas/RichEvent' });
      d.components.schemas.UnknownEvent.properties.type.not.enum.push('rich');
    });
    expect(changes.filter((c) => c.subject === 'new_event').every((c) => !c.breaking)).toBe(true);
  });
  it('a new disconnection reason breaks old clients; a new error type does not', async () => {
    const reason = await changesFor((d) => {
      d.components.schemas.DisconnectionReason.enum.push('maintenance');
      d.components.schemas.DisconnectionReason['x-enum-descriptions'].maintenance = 'Planned maintenance.';
      d.components.schemas.DisconnectionReason['x-reactions'].maintenance = 'reconnect';
    });
    expect(reason).toContainEqual(expect.objectContaining({ subject: 'DisconnectionReason', what: 'value maintenance added', breaking: true }));
    const error = await changesFor((d) => {
      d.components.schemas.ErrorType.enum.push('rate_limited');
      d.components.schemas.ErrorType['x-enum-descriptions'].rate_limited = 'Too fast.';
      d.components.schemas.ErrorType['x-client-codes'].rate_limited = 'INTERNAL';
    });
    expect(error).toContainEqual(expect.objectContaining({ subject: 'ErrorType', what: 'value rate_limited added', breaking: false }));
    // The error response's payload names the type too: no second verdict that disagrees.
    expect(error.filter((c) => c.breaking)).toEqual([]);
  });
  it('a changed reaction breaks old clients', async () => {
    const changes = await changesFor((d) => (d.components.schemas.DisconnectionReason['x-reactions'].inactivity_timeout = 'reconnect'));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'DisconnectionReason', path: '/inactivity_timeout', breaking: true }));
  });
});

describe('what SDK users build on', () => {
  it('a renamed SDK method, a changed or removed client error code and a push made conditional break them; a tuned policy is safe', async () => {
    const changes = await changesFor((d) => {
      d.operations.endThread = d.operations.closeThread;
      delete d.operations.closeThread;
      d.components.schemas.ErrorType['x-client-codes'].internal = 'SERVICE_UNAVAILABLE';
      const codes = d.components.schemas.ClientErrorCode;
      codes.enum = (codes.enum as string[]).filter((c) => c !== 'DESTROYED');
      delete codes['x-enum-descriptions'].DESTROYED;
      d.operations.login['x-pushes'][1].when = 'only when the customer has details';
      (d as unknown as { 'x-client-lifecycle': { policy: { requestTimeoutMs: number } } })['x-client-lifecycle'].policy.requestTimeoutMs = 20000;
    });
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'close_thread', direction: 'sdk-to-application', what: 'SDK method closeThread renamed endThread', breaking: true }));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'ErrorType', path: '/internal', what: 'client code INTERNAL -> SERVICE_UNAVAILABLE', breaking: true }));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'ClientErrorCode', what: 'value DESTROYED removed', breaking: true }));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'login', path: '/x-pushes', what: 'pushes user_data on condition: only when the customer has details (was: always)', breaking: true }));
    expect(changes.filter((c) => c.subject === 'x-client-lifecycle')).toEqual([expect.objectContaining({ path: '/policy/requestTimeoutMs', breaking: false })]);
  });
});

describe('the exported types and the SDK\'s events', () => {
  const [SPEC_PKG, VALIDATORS, SDK, DOCS] = ['@customer-chat/spec', '@customer-chat/validators', '@customer-chat/sdk', '@customer-chat/docs'];
  it('a renamed or removed named schema breaks the packages exporting its type and guard', async () => {
    const renamed = await changesFor((d) => {
      d.components.schemas.ChatMember = d.components.schemas.ChatMembership;
      delete d.components.schemas.ChatMembership;
      for (const key of ['userJoinedChat', 'userLeftChat']) d.components.messages[key].payload = { $ref: '#/components/schemas/ChatMember' };
    });
    expect(renamed).toEqual([
      { subject: 'ChatMembership', direction: 'sdk-to-application', path: '/', what: 'schema ChatMembership renamed ChatMember (type and guard isChatMembership)', breaking: true, packages: [SPEC_PKG, VALIDATORS, SDK, DOCS] },
    ]);
    // Inlined where it was used: the data is the same, the type is gone.
    const removed = await changesFor((d) => {
      d.components.schemas.PropertiesUpdate.properties.rating = d.components.schemas.Rating;
      delete d.components.schemas.Rating;
    });
    expect(removed).toEqual([expect.objectContaining({ subject: 'Rating', what: 'schema Rating removed (type and guard isRating)', breaking: true })]);
  });
  it('a push that no longer feeds a client event, or feeds it another payload, breaks SDK users; one newly feeding one too (its own event is gone)', async () => {
    const clientEvent = (d: Doc) => d.components.messages.customerDisconnected;
    const removed = await changesFor((d) => delete clientEvent(d)['x-client-event']);
    expect(removed.filter((c) => c.path === '/x-client-event')).toEqual([
      { subject: 'customer_disconnected', direction: 'sdk-to-application', path: '/x-client-event', what: 'client event disconnected (payload /reason) -> none (emitted as customer_disconnected)', breaking: true, packages: [SPEC_PKG, SDK, DOCS] },
    ]);
    const changed = await changesFor((d) => (clientEvent(d)['x-client-event'].payload = ''));
    expect(changed).toEqual([expect.objectContaining({ what: 'client event disconnected (payload /reason) -> disconnected (payload )', breaking: true })]);
    const added = await changesBetween((d) => delete clientEvent(d)['x-client-event'], () => {});
    expect(added).toEqual([expect.objectContaining({ what: 'client event none (emitted as customer_disconnected) -> disconnected (payload /reason)', breaking: true })]);
  });
  it('a value removed from what the server sends is safe on the wire but breaks the packages exporting its type', async () => {
    const changes = await changesFor((d) => {
      const reasons = d.components.schemas.DisconnectionReason;
      reasons.enum = (reasons.enum as string[]).filter((r) => r !== 'license_expired');
      delete reasons['x-enum-descriptions'].license_expired;
      delete reasons['x-reactions'].license_expired;
    });
    expect(changes).toContainEqual({ subject: 'DisconnectionReason', direction: 'sdk-to-application', path: '/', what: 'value license_expired removed', breaking: true, packages: [VALIDATORS, SDK, '@customer-chat/reference-server'] });
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'customer_disconnected', direction: 'server-to-client', path: '/reason', breaking: true, packages: [VALIDATORS, SDK] }));
    const error = await changesFor((d) => {
      const types = d.components.schemas.ErrorType;
      types.enum = (types.enum as string[]).filter((t) => t !== 'customer_banned');
      delete types['x-enum-descriptions'].customer_banned;
      delete types['x-client-codes'].customer_banned;
      for (const operation of Object.values(d.operations)) if (Array.isArray(operation['x-errors'])) operation['x-errors'] = operation['x-errors'].filter((t: string) => t !== 'customer_banned');
    });
    expect(error.filter((c) => c.breaking)).toEqual([expect.objectContaining({ subject: 'ErrorType', what: 'value customer_banned removed', packages: [VALIDATORS, SDK, '@customer-chat/reference-server'] })]);
  });
  it('a push moved to the SDK\'s own events names the wire action it loses', async () => {
    const changes = await changesFor((d) => {
      const moved = d.components.messages.userStoppedTyping;
      Object.assign(moved, { traits: [{ $ref: '#/components/messageTraits/clientEvent' }], 'x-emitted-by': 'client' });
      delete d.channels.customer.messages.userStoppedTyping;
      d.channels.client.messages.userStoppedTyping = { $ref: '#/components/messages/userStoppedTyping' };
      const operation = d.operations.receiveUserStoppedTyping;
      delete d.operations.receiveUserStoppedTyping;
      delete operation.tags;
      const channel = { $ref: '#/channels/client' };
      d.operations.emitUserStoppedTyping = { ...operation, channel, messages: [{ $ref: '#/channels/client/messages/userStoppedTyping' }], 'x-emitted-by': 'client' };
    });
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'user_stopped_typing', what: 'wire action user_stopped_typing -> none (a client event the SDK emits itself)', breaking: true }));
  });
});

describe('the push that introduces users (x-introduction)', () => {
  it('moved to another push breaks servers that introduce with the old one; a first one is safe', async () => {
    const messages = (d: Doc) => d.components.messages as Record<string, Record<string, unknown>>;
    const moved = await changesFor((d) => {
      delete messages(d).userData!['x-introduction'];
      messages(d).userJoinedChat!['x-introduction'] = true;
    });
    expect(moved.filter((c) => c.subject === 'x-introduction')).toEqual([
      expect.objectContaining({ direction: 'protocol', what: 'users introduced by user_joined_chat, was user_data', breaking: true, packages: expect.arrayContaining(['@customer-chat/conformance']) }),
    ]);
    const first = await changesBetween((d) => delete messages(d).userData!['x-introduction'], () => undefined);
    expect(first.filter((c) => c.subject === 'x-introduction')).toEqual([expect.objectContaining({ what: 'users introduced by user_data, was no push', breaking: false })]);
  });
});

describe('frame headers', () => {
  it('a tighter request header breaks old clients; a changed push constant or a new required request header too', async () => {
    const changes = await changesFor((d) => {
      d.components.schemas.RequestId.maxLength = 32;
      d.components.schemas.PushHeaders.properties.type.const = 'event';
      d.components.schemas.RequestHeaders.properties.traceId = described('A trace id.');
      d.components.schemas.RequestHeaders.required.push('traceId');
    });
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'RequestHeaders', direction: 'client-to-server', path: '/requestId', breaking: true }));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'RequestHeaders', direction: 'client-to-server', path: '/traceId', what: 'field "traceId" is now required (narrowing)', breaking: true }));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'PushHeaders', direction: 'server-to-client', path: '/type', breaking: true }));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'frames', direction: 'protocol', path: '/push/type', breaking: true }));
    // The response echoes the request id: a shorter one is safe for old clients.
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'ResponseHeaders', direction: 'server-to-client', path: '/requestId', breaking: false }));
    // One line per headers schema, not one per message that uses it.
    expect(changes.filter((c) => c.subject === 'PushHeaders' && c.what.startsWith('value(s) "event" added'))).toHaveLength(1);
  });
});

describe('schema rules', () => {
  it('a recursive schema is compared without running forever', async () => {
    const reports = (d: Doc) => (d.components.schemas.Agent.properties.reports = { type: 'array', description: 'Reports.', items: { $ref: '#/components/schemas/Agent' } });
    const changes = await changesBetween(reports, (d) => {
      reports(d);
      d.components.schemas.Agent.properties.reports.maxItems = 10;
    });
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.filter((c) => c.subject === 'user_data')).toEqual([expect.objectContaining({ path: '/reports', breaking: false })]);
  });
  it('a property added beside a map\'s value schema is compared with that schema', async () => {
    const changes = await changesFor((d) => (d.components.schemas.ChatSummary.properties.lastEventsPerType.properties = { message: { type: 'object', description: 'Any object.' } }));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'get_chats_summary_response', direction: 'server-to-client', path: '/chatsSummary/*/lastEventsPerType/message', breaking: true }));
  });
  it('a map whose values are no longer constrained breaks old clients; values newly constrained break what clients send', async () => {
    const removed = await changesFor((d) => delete d.components.schemas.CustomerFields.additionalProperties);
    expect(removed).toContainEqual(expect.objectContaining({ subject: 'user_data', direction: 'server-to-client', path: '/fields/*', breaking: true }));
    const anything = await changesFor((d) => (d.components.schemas.CustomerFields.additionalProperties = true));
    expect(anything).toContainEqual(expect.objectContaining({ subject: 'user_data', path: '/fields/*', breaking: true }));
    const constrained = await changesBetween((d) => delete d.components.schemas.CustomerUpdate.properties.fields.additionalProperties, () => {});
    expect(constrained).toContainEqual(expect.objectContaining({ subject: 'update_customer', direction: 'client-to-server', path: '/fields/*', breaking: true }));
  });
  it('a union branch removed beside a fallback branch breaks old clients (its values arrive as unknown)', async () => {
    const changes = await changesFor((d) => {
      d.components.schemas.MessageEvent.properties.type.const = 'text';
      // The model holds a schema's examples to it.
      delete d.components.schemas.MessageEvent.examples;
      const known = d.components.schemas.UnknownEvent.properties.type.not.enum as string[];
      known.splice(known.indexOf('message'), 1, 'text');
    });
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'new_event', direction: 'server-to-client', breaking: true }));
  });
  it('unique items newly required break what clients send; no longer guaranteed, what they read', async () => {
    const added = await changesFor((d) => (d.components.schemas.StartChatArguments.properties.scope.properties.groups.uniqueItems = true));
    expect(added).toContainEqual(expect.objectContaining({ subject: 'start_chat', direction: 'client-to-server', path: '/scope/groups', breaking: true }));
    const removed = await changesBetween((d) => (d.components.schemas.Chat.properties.threads.uniqueItems = true), () => {});
    expect(removed).toContainEqual(expect.objectContaining({ subject: 'start_chat_response', direction: 'server-to-client', path: '/chat/threads', breaking: true }));
  });
});

it('finds no change between a document and itself', async () => {
  expect(classifyChanges(baseModel, await model(SPEC))).toEqual([]);
});

describe('the changeset gate', () => {
  const breakingVariant = variant((d) => {
    requirePriority(d);
  });
  const changesetDir = (bumps: Record<string, string>) => {
    const dir = mkdtempSync(join(work, 'changesets-'));
    mkdirSync(dir, { recursive: true });
    const front = Object.entries(bumps).map(([pkg, bump]) => `"${pkg}": ${bump}`).join('\n');
    writeFileSync(join(dir, 'change.md'), `---\n${front}\n---\n\n**spec**: a change.\n`);
    return dir;
  };
  const runGate = (changesets: string) => {
    try {
      execFileSync('npx', ['tsx', 'src/cli.ts', SPEC, '--head', breakingVariant, '--gate', '--changesets', changesets], { cwd: join(REPOSITORY_ROOT, 'tools/spec-diff'), encoding: 'utf8', stdio: 'pipe' });
      return { code: 0, stderr: '' };
    } catch (error) {
      const failure = error as { status: number; stderr: string };
      return { code: failure.status, stderr: failure.stderr };
    }
  };

  it('fails a breaking change that comes without a major changeset, naming the packages', () => {
    const result = runGate(changesetDir({ '@customer-chat/spec': 'minor' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/without a major changeset for @customer-chat\/conformance, @customer-chat\/docs, @customer-chat\/reference-server, @customer-chat\/sdk, @customer-chat\/spec, @customer-chat\/validators/);
  }, 60_000);

  it('passes it with major changesets for every affected package', () => {
    const all = { '@customer-chat/spec': 'major', '@customer-chat/validators': 'major', '@customer-chat/sdk': 'major', '@customer-chat/reference-server': 'major', '@customer-chat/conformance': 'major', '@customer-chat/docs': 'major' };
    expect(runGate(changesetDir(all)).code).toBe(0);
  }, 60_000);

  it('reads a changeset written with CRLF line ends', () => {
    const dir = mkdtempSync(join(work, 'changesets-crlf-'));
    writeFileSync(join(dir, 'change.md'), '---\r\n"@customer-chat/spec": major\r\n"@customer-chat/sdk": minor\r\n---\r\n\r\n**spec**: a change.\r\n');
    expect(readChangesets(dir)).toEqual(new Map([['@customer-chat/spec', 'major'], ['@customer-chat/sdk', 'minor']]));
  });

  it('lists the packages still missing a major bump', () => {
    const changes: Change[] = [{ subject: 'x', direction: 'client-to-server', path: '/', what: '', breaking: true, packages: ['a', 'b'] }];
    expect(missingMajors(changes, new Map([['a', 'major'], ['b', 'minor']]))).toEqual(['b']);
  });
});

describe('the socket\'s query (the WebSocket binding)', () => {
  const query = (d: Doc) => (d.channels.customer as unknown as { bindings: { ws: { query: Record<string, any> } } }).bindings.ws.query;
  it('a new required parameter, a tighter pattern or length break old clients; a new optional one and a looser limit are safe', async () => {
    const tighter = await changesFor((d) => {
      query(d).properties.licenseId.pattern = '^[0-9]+$';
      query(d).properties.licenseId.maxLength = 32;
      query(d).properties.group = { type: 'string', description: 'The group.' };
      query(d).required.push('group');
    });
    expect(tighter.map((c) => [c.path, c.breaking])).toEqual(expect.arrayContaining([['/query/licenseId', true], ['/query/group', true]]));
    expect(tighter.filter((c) => c.subject === 'channel').every((c) => c.direction === 'client-to-server' && c.packages.includes('@customer-chat/conformance'))).toBe(true);
    expect(tighter.filter((c) => c.subject === 'channel' && c.path === '/query/licenseId').map((c) => c.what).sort()).toEqual(['maxLength 32 added (narrowing)', 'pattern ^[0-9]+$ added (narrowing)']);
    const looser = await changesFor((d) => {
      query(d).properties.licenseId.minLength = 0;
      query(d).properties.page = { type: 'string', description: 'The page.' };
    });
    expect(looser.filter((c) => c.subject === 'channel').map((c) => c.breaking)).toEqual([false, false]);
  });
});

describe('the HTTP operations (x-http)', () => {
  type Http = { 'x-http': Record<string, any> };
  const upload = (d: Doc) => (d as unknown as Http)['x-http'].uploadFile;
  it('a removed operation, a smaller size limit, a removed content type and a new required query parameter break old clients', async () => {
    const changes = await changesFor((d) => {
      upload(d).body.maxBytes = 1024;
      upload(d).body.contentTypes = upload(d).body.contentTypes.filter((t: string) => t !== 'application/pdf');
      upload(d).query.visitor = { required: true, description: 'Who.' };
    });
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'uploadFile', path: '/body/maxBytes', breaking: true }));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'uploadFile', path: '/body/contentTypes', what: 'content type application/pdf removed', breaking: true }));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'uploadFile', path: '/query/visitor', breaking: true }));
    const removed = await changesFor((d) => delete (d as unknown as Http)['x-http'].uploadFile);
    expect(removed).toContainEqual(expect.objectContaining({ subject: 'uploadFile', what: 'HTTP operation uploadFile removed', breaking: true }));
  });
  it('a larger limit, a new content type and a new optional answer field are safe', async () => {
    const changes = await changesFor((d) => {
      upload(d).body.maxBytes = 20 * 1024 * 1024;
      upload(d).body.contentTypes.push('audio/ogg');
      d.components.schemas.UploadedFile.properties.checksum = described('A digest.');
    });
    expect(changes.filter((c) => c.subject === 'uploadFile').length).toBeGreaterThanOrEqual(3);
    expect(changes.filter((c) => c.subject === 'uploadFile' && c.breaking)).toEqual([]);
  });
  it('a new optional query parameter is safe, even with a length limit', async () => {
    const changes = await changesFor((d) => (upload(d).query.caption = { required: false, maxLength: 100, description: 'A caption.' }));
    expect(changes.filter((c) => c.subject === 'uploadFile')).toEqual([expect.objectContaining({ path: '/query/caption', breaking: false })]);
  });
  it('a value gone from the answer\'s exported type breaks the packages exporting it', async () => {
    const types = (kinds: string[]) => (d: Doc) => (d.components.schemas.UploadedFile.properties.contentType.enum = kinds);
    const changes = await changesBetween(types(['image/png', 'text/plain']), types(['image/png']));
    expect(changes).toEqual([expect.objectContaining({ subject: 'uploadFile', path: '/response/contentType', breaking: true, packages: ['@customer-chat/validators', '@customer-chat/sdk'] })]);
  });
  it('an error body of another schema, or one that may now lack a field, breaks old clients (read as the answer is)', async () => {
    const other = await changesFor((d) => (upload(d).errors.schema = 'Acknowledgement'));
    expect(other).toContainEqual(expect.objectContaining({ subject: 'uploadFile', direction: 'server-to-client', path: '/errors/error', what: 'field "error" removed (widening)', breaking: true }));
    // A change inside the schema the errors name, as for the answer.
    const inside = await changesBetween((d) => (d.components.schemas.ServerError.properties.pointer.maxLength = 100), () => {});
    expect(inside.filter((c) => c.subject === 'uploadFile')).toEqual([expect.objectContaining({ direction: 'server-to-client', path: '/errors/error/pointer', what: 'maxLength 100 removed (widening)', breaking: true })]);
  });
  it('an answer that may now lack a field old clients read breaks them', async () => {
    const changes = await changesFor((d) => (d.components.schemas.UploadedFile.required = ['url', 'contentType']));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'uploadFile', direction: 'server-to-client', breaking: true }));
  });
});

describe('defaults, HTTP error lists and situations', () => {
  it('a changed default breaks old clients; a removed query parameter and the HTTP error lists are safe; a situation no longer answered breaks', async () => {
    const changes = await changesFor((d) => {
      d.components.schemas.GetChatsSummaryArguments.properties.limit.default = 20;
      const upload = (d as unknown as { 'x-http': Record<string, any> })['x-http'].uploadFile;
      delete upload.query.name;
      upload.errors.statuses['429'] = 'Too many uploads; type `service_unavailable`.';
      delete upload.errors.statuses['503'];
      upload.clientCodes = ['UPLOAD_FAILED'];
      delete d.components.schemas.ErrorType['x-answers'].unknown_group;
    });
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'get_chats_summary', path: '/limit', what: 'default 10 -> 20 (incompatible)', breaking: true }));
    expect(changes.filter((c) => c.subject === 'uploadFile').map((c) => [c.what, c.breaking])).toEqual([
      ['query parameter name removed', false],
      ['may now answer 429', false],
      ['no longer answers 503', false],
      ['no longer fails with CANCELLED', false],
    ]);
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'ErrorType', path: '/x-answers/unknown_group', what: 'unknown_group no longer answered group_not_found', breaking: true }));
  });
});

describe('what a request may be answered with and causes', () => {
  it('a push a request no longer causes breaks old clients; a new one is safe', async () => {
    const removed = await changesFor((d) => delete d.operations.sendEvent['x-pushes']);
    expect(removed).toContainEqual(expect.objectContaining({ subject: 'send_event', path: '/x-pushes', what: 'no longer pushes new_event', breaking: true }));
    const narrowed = await changesFor((d) => (d.operations.closeThread['x-pushes'] = [{ push: 'thread_closed', to: 'others' }]));
    expect(narrowed).toContainEqual(expect.objectContaining({ subject: 'close_thread', what: 'pushes thread_closed to others, not all', breaking: true }));
    const added = await changesFor((d) => (d.operations.sendSneakPeek['x-pushes'] = [{ push: 'new_event', to: 'others' }]));
    expect(added).toContainEqual(expect.objectContaining({ subject: 'send_sneak_peek', what: 'now pushes new_event to others', breaking: false }));
  });

  it('an error type more or less in a request\'s list is safe; a changed close code or situation\'s error breaks old clients', async () => {
    const changes = await changesFor((d) => {
      d.operations.updateCustomer['x-errors'] = ['authorization', 'customer_banned'];
      d.components.schemas.DisconnectionReason['x-close-code'] = 4001;
      d.components.schemas.ErrorType['x-answers'].before_login = 'validation';
    });
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'ErrorType', path: '/x-answers/before_login', what: 'before_login answered validation, was authorization', breaking: true }));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'update_customer', what: 'may now be answered customer_banned', breaking: false }));
    expect(changes).toContainEqual(expect.objectContaining({ subject: 'DisconnectionReason', what: 'close code 4000 -> 4001', breaking: true }));
  });
});
