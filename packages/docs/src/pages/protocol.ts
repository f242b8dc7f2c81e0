// The protocol page: the frames and the connection lifecycle (from the document's description),
// the channel, the frame headers with an example of each frame, the error catalogue, the client's
// error codes and the disconnection reasons with the client's reaction to each.
import type { Block, Inline, Page, TableRow } from '../doc.js';
import { errorHandlingExample } from '../examples.js';
import { shapeBlocks } from '../field-table.js';
import { payloadShape } from '../fields.js';
import { parseMarkdown } from '../spec-markdown.js';
import { schemaByName, type MessageModel, type ProtocolModel } from '../spec-model.js';
import { firstExampleFrame, pointsIntoRequest } from '../wire-examples.js';
import { describeInline, exampleBlock, label, shapeContext, type PageContext } from './context.js';

type Reaction = ProtocolModel['disconnectionReasons'][number]['reaction'];

const REACTIONS: Record<Reaction, string> = {
  reconnect: 'reconnects by itself, with back-off',
  stay_disconnected: 'stays disconnected until the application calls connect()',
  destroy: 'destroys itself: the instance is unusable',
};

/** The document description's sections (`## Frames`, ...): everything after its first heading. */
export function descriptionSections(context: PageContext): { intro: Block[]; sections: Block[] } {
  const blocks = parseMarkdown(context.model.info.description ?? '', { linker: context.linker });
  const first = blocks.findIndex((b) => b.kind === 'heading');
  return first === -1 ? { intro: blocks, sections: [] } : { intro: blocks.slice(0, first), sections: blocks.slice(first) };
}

/** The request an error example belongs to: the one with the field its `error.pointer` names. */
function failedAction(model: ProtocolModel, error: MessageModel): string {
  const payload = error.examples[0]?.payload ?? {};
  // By name, not identity: a model read back from the cache (JSON) holds copies, not shared objects.
  const candidates = model.requests.filter((r) => r.error.name === error.name);
  const byField = candidates.find((r) => pointsIntoRequest(model, r, payload));
  return (byField ?? candidates[0])?.action ?? error.name;
}

function frameHeaders(context: PageContext): Block[] {
  const { model } = context;
  const kinds: Array<{ kind: MessageModel['kind']; title: string; id: string }> = [
    { kind: 'request', title: 'Request frame', id: 'request-frame' },
    { kind: 'response', title: 'Response frame', id: 'response-frame' },
    { kind: 'error', title: 'Error frame', id: 'error-frame' },
    { kind: 'push', title: 'Push frame', id: 'push-frame' },
  ];
  const blocks: Block[] = [
    { kind: 'heading', level: 2, id: 'frame-headers', content: ['Frame headers'] },
    { kind: 'paragraph', content: ['The top-level fields of each kind of frame besides ', { code: 'payload' }, ', with an example frame.'] },
  ];
  // The example frames are those of the messages the document's description names (`send_event`,
  // `new_event`), else the first of their kind.
  const named = [...(model.info.description ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  const firstNamed = <T>(items: T[], name: (item: T) => string): T | undefined => {
    for (const code of named) {
      const found = items.find((item) => name(item) === code);
      if (found) return found;
    }
    return items[0];
  };
  const request = firstNamed(model.requests, (r) => r.action);
  const samples: Record<string, MessageModel | undefined> = {
    request: request?.request,
    response: request?.response,
    error: model.messages.find((m) => m.kind === 'error'),
    push: firstNamed(model.messages.filter((m) => m.kind === 'push' && m.examples.length > 0), (m) => m.name),
  };
  for (const { kind, title, id } of kinds) {
    const sample = samples[kind];
    if (!sample?.headersSchema || sample.examples.length === 0) continue;
    const action = sample.action ?? failedAction(model, sample);
    const headers = schemaByName(model, sample.headersSchema);
    blocks.push(
      { kind: 'heading', level: 3, id, content: [title] },
      { kind: 'paragraph', content: [...describeInline(context, headers.description), ' See ', { link: [{ code: headers.name }], to: { page: 'schemas', id: headers.name } }, '.'] },
      ...shapeBlocks(payloadShape(shapeContext(context, false), headers.name), { label: `${title} fields` }),
      // The error frame's payload is the same for every request, so it is shown here once.
      ...(kind === 'error' && sample.payload
        ? [label('Payload:'), ...shapeBlocks(payloadShape(shapeContext(context, false), sample.payload.ref), { label: `${title} payload` })]
        : []),
      label(`Example (${sample.name}):`),
      { kind: 'code', language: 'json', code: firstExampleFrame(model, sample, action) },
    );
  }
  return blocks;
}

function channel(context: PageContext): Block[] {
  const { model } = context;
  const rows = model.channel.query.map((q): TableRow => ({
    cells: [{ content: [q.name], code: true }, { content: [q.required ? 'yes' : 'no'] }, { content: describeInline(context, q.description) }],
  }));
  return [
    { kind: 'heading', level: 2, id: 'channel', content: ['Channel'] },
    {
      kind: 'paragraph',
      content: ['Every frame travels on one WebSocket, opened at ', { code: model.channel.address }, ' on a server (see ', { link: ['servers'], to: { page: 'index', id: 'servers' } }, ') with these query parameters:'],
    },
    { kind: 'table', className: 'query', label: 'Query parameters', head: ['parameter', 'required', 'description'], rows },
  ];
}

function errorCatalogue(context: PageContext): Block[] {
  const { model } = context;
  const errorType = model.schemas.find((s) => s.name === 'ErrorType');
  const rows = model.errorTypes.map((e): TableRow => ({
    id: `error-${e.value}`,
    cells: [{ content: [e.value], code: true }, { content: describeInline(context, e.description) }, { content: [{ link: [{ code: e.clientCode }], to: { page: 'protocol', id: `code-${e.clientCode}` } }] }],
  }));
  return [
    { kind: 'heading', level: 2, id: 'error-catalogue', content: ['Error catalogue'] },
    {
      kind: 'paragraph',
      content: [
        'A failed request is answered with an ',
        { link: ['error frame'], to: { page: 'protocol', id: 'error-frame' } },
        ' whose ',
        { code: 'error.type' },
        ' is one of these',
        ...(errorType ? [' (', { link: [{ code: errorType.name }], to: { page: 'schemas', id: errorType.name } }, ')'] : []),
        '; the SDK rejects the request with an ',
        { code: 'SDKError' },
        ' carrying the code in the last column. Each method lists the types it can fail with.',
      ] as Inline[],
    },
    { kind: 'table', className: 'catalogue', label: 'Error catalogue', head: ['type', 'meaning', 'SDK code'], rows },
    ...errorAnswers(context),
  ];
}

/** The error each situation gets (`x-answers`): the same from every server. */
function errorAnswers(context: PageContext): Block[] {
  const entries = Object.entries(context.model.errorAnswers);
  if (entries.length === 0) return [];
  return [
    {
      kind: 'paragraph',
      content: ['Some situations get the same error from every server (', { code: 'x-answers' }, '; the conformance kit provokes each one):'],
    },
    {
      kind: 'table',
      className: 'answers',
      label: 'The error of each situation',
      head: ['situation', 'error type'],
      rows: entries.map(([situation, type]): TableRow => ({
        cells: [{ content: [situation.replace(/_/g, ' ')] }, { content: [{ link: [{ code: type }], to: { page: 'protocol', id: `error-${type}` } }] }],
      })),
    },
  ];
}

function clientErrorCodes(context: PageContext): Block[] {
  const rows = context.model.clientErrorCodes.map((c): TableRow => ({
    id: `code-${c.value}`,
    cells: [{ content: [c.value], code: true }, { content: describeInline(context, c.description) }],
  }));
  return [
    { kind: 'heading', level: 2, id: 'client-error-codes', content: ['Client error codes'] },
    {
      kind: 'paragraph',
      content: ['The ', { code: 'code' }, ' of every ', { code: 'SDKError' }, ': the server\u2019s error types plus the failures the client detects itself.'],
    },
    { kind: 'table', className: 'catalogue', label: 'Client error codes', head: ['code', 'meaning'], rows },
  ];
}

function disconnectionReasons(context: PageContext): Block[] {
  const { model } = context;
  const disconnected = model.lifecycle?.events.disconnected;
  const rows = model.disconnectionReasons.map((r): TableRow => ({
    id: `reason-${r.value}`,
    cells: [{ content: [r.value], code: true }, { content: describeInline(context, r.description) }, { content: [{ code: r.reaction }, ` \u2014 ${REACTIONS[r.reaction]}`] }],
  }));
  return [
    { kind: 'heading', level: 2, id: 'disconnection-reasons', content: ['Disconnection reasons'] },
    {
      kind: 'paragraph',
      content: [
        'The server ends a session with a ',
        { code: 'customer_disconnected' },
        ' push carrying one of these reasons and closes the socket',
        ...(disconnected ? ['; the SDK emits ', { link: [{ code: disconnected }], to: { page: 'events', id: disconnected } }, ' with the reason'] : []),
        ' and then reacts as the last column says.',
      ] as Inline[],
    },
    { kind: 'table', className: 'catalogue', label: 'Disconnection reasons', head: ['reason', 'meaning', 'client reaction'], rows },
    // The pushes the SDK turns into a client event instead of emitting them as they are.
    ...model.messages
      .filter((m) => m.kind === 'push' && m.clientEvent !== undefined)
      .flatMap((push): Block[] => [
        { kind: 'heading', level: 3, id: push.name, content: [push.name] },
        { kind: 'paragraph', content: describeInline(context, push.description ?? push.summary) },
        ...(push.payload ? shapeBlocks(payloadShape(shapeContext(context, false), push.payload.ref), { label: `${push.name} payload` }) : []),
        label(`Example (${push.name}):`),
        { kind: 'code', language: 'json', code: firstExampleFrame(model, push, push.action ?? push.name) },
      ]),
  ];
}

/** The client's timing policy (`x-client-lifecycle.policy`): what every client should wait and retry by. */
function timingPolicy(context: PageContext): Block[] {
  const policy = context.model.lifecycle?.policy;
  if (policy === undefined) return [];
  const { reconnect } = policy;
  const ms = (value: number) => `${value.toLocaleString('en-US')} ms`;
  const rows: Array<[string, string, string]> = [
    ['requestTimeoutMs', ms(policy.requestTimeoutMs), 'how long a request waits for its response'],
    ['handshakeTimeoutMs', ms(policy.handshakeTimeoutMs), 'how long one connection attempt (socket open, login, ready request) may take before it is abandoned and retried'],
    ...(policy.unstableAfterMs === undefined
      ? []
      : [['unstableAfterMs', ms(policy.unstableAfterMs), `how long a request may wait for its response before the link counts as unstable (the client emits ${context.model.lifecycle?.events.unstable ?? 'its unstable event'}, then ${context.model.lifecycle?.events.recovered ?? 'its recovered event'} once no request waits that long)`] as [string, string, string]]),
    ['reconnect.initialDelayMs', ms(reconnect.initialDelayMs), 'the first retry\u2019s delay'],
    ['reconnect.factor', String(reconnect.factor), 'each next delay is this many times longer\u2026'],
    ['reconnect.maxDelayMs', ms(reconnect.maxDelayMs), '\u2026up to this'],
    ['reconnect.jitter', String(reconnect.jitter), 'the share of each delay that is random (scaled by a factor in [1 \u2212 jitter, 1]), so clients dropped together do not come back in step'],
    ['reconnect.minUptimeForResetMs', ms(reconnect.minUptimeForResetMs), 'how long a session must have lasted for the delays to start over when it ends: a server that accepts and drops at once gets growing delays'],
  ];
  return [
    { kind: 'heading', level: 2, id: 'timing-policy', content: ['Timing policy'] },
    {
      kind: 'paragraph',
      content: ['How a client waits and retries, so every client of the protocol behaves alike towards a server (', { code: 'x-client-lifecycle.policy' }, '). The SDK takes these as its defaults; each is an option there.'],
    },
    {
      kind: 'table',
      className: 'catalogue',
      label: 'Timing policy',
      head: ['policy', 'value', 'meaning'],
      rows: rows.map(([name, value, meaning]): TableRow => ({ id: `policy-${name}`, cells: [{ content: [name], code: true }, { content: [value] }, { content: [meaning] }] })),
    },
  ];
}

/** How to check an implementation against this document: the conformance kit and the validating proxy. */
function checkingAnImplementation(context: PageContext): Block[] {
  const { model } = context;
  const query = model.channel.query.filter((q) => q.required).map((q) => `${q.name}=demo`).join('&');
  const socket = `ws://127.0.0.1:8787${model.channel.address}?${query}`;
  return [
    { kind: 'heading', level: 2, id: 'checking-an-implementation', content: ['Checking an implementation'] },
    {
      kind: 'paragraph',
      content: [
        { code: '@customer-chat/conformance' },
        ' runs scenarios computed from this document against any server of the protocol (every request with its examples and with invalid payloads, the login rule, unreadable frames, unknown ids, the pushes each request causes, every push validated) and reports each as passed, failed (with the JSON pointer and the frame) or not run. Pushes only the agent side causes need a driver; the reference server\u2019s admin API is built in. Exit code 0 only when everything that ran passed, 1 when something failed, 2 when the run could not start.',
      ],
    },
    { kind: 'code', language: 'sh', code: `npx customer-chat-conformance --url '${socket}' --token-url http://127.0.0.1:8788/tokens \\\n  --driver reference --admin-url http://127.0.0.1:8788 --junit conformance.xml\n` },
    {
      kind: 'paragraph',
      content: [
        'The validating proxy sits between any client and server, relays every frame both ways, checks each against this document by direction (what a client may send, what a server may answer or push) and logs each violation with its direction, action and JSON pointer; ',
        { code: '--enforce' },
        ' also stops invalid frames.',
      ],
    },
    { kind: 'code', language: 'sh', code: 'npx customer-chat-proxy --listen 127.0.0.1:9000 --upstream ws://127.0.0.1:8787\n' },
  ];
}

export function protocolPage(context: PageContext): Page {
  const { model } = context;
  const { sections } = descriptionSections(context);
  return {
    name: 'protocol',
    title: 'Protocol',
    summary: 'Frames, connection lifecycle, errors and disconnection reasons of the customer chat protocol.',
    blocks: [
      { kind: 'heading', level: 1, id: 'top', content: ['Protocol'] },
      {
        kind: 'paragraph',
        content: ['What travels on the socket, for anyone writing a client or a server without the SDK, and what the SDK makes of it.'],
      },
      ...sections,
      ...channel(context),
      ...frameHeaders(context),
      ...errorCatalogue(context),
      ...clientErrorCodes(context),
      ...disconnectionReasons(context),
      ...timingPolicy(context),
      ...checkingAnImplementation(context),
      { kind: 'heading', level: 2, id: 'handling-errors', content: ['Handling errors'] },
      {
        kind: 'paragraph',
        content: ['Branch on ', { code: 'error.code' }, ', never on the message. Problems that reject nothing (a frame that failed its schema, a listener that threw) arrive as the ', { code: 'error' }, ' event.'],
      },
      exampleBlock(context, errorHandlingExample(model)),
    ],
  };
}
