// The overview page: what the protocol is (the document's introduction), its servers, a quick
// start with the SDK and a map of the reference pages.
import type { Block, Inline, Page, TableRow } from '../doc.js';
import { quickStartExample } from '../examples.js';
import { emittedEvents } from '../spec-model.js';
import { describeInline, exampleBlock, type PageContext } from './context.js';
import { descriptionSections } from './protocol.js';

/** What fills each `{variable}` of a server's URL: its description, default and allowed values. */
function serverVariables(context: PageContext, variables: PageContext['model']['servers'][number]['variables']): Inline[] {
  return variables.flatMap((variable): Inline[] => [
    ' Variable ',
    { code: `{${variable.name}}` },
    ': ',
    ...describeInline(context, variable.description),
    ...(variable.default === undefined ? [] : [' Default ', { code: variable.default }, '.']),
    ...(variable.values === undefined ? [] : [' One of ', ...variable.values.flatMap((value, i): Inline[] => [...(i === 0 ? [] : [', ']), { code: value }]), '.']),
  ]);
}

export function indexPage(context: PageContext): Page {
  const { model } = context;
  const { intro } = descriptionSections(context);
  const servers = model.servers.map((server): TableRow => ({
    id: `server-${server.name}`,
    cells: [
      { content: [server.name], code: true },
      { content: [`${server.url}${model.channel.address}`], code: true },
      { content: [...(server.title === undefined ? [] : [{ strong: [server.title] }, ' ']), ...describeInline(context, server.description), ...serverVariables(context, server.variables)] as Inline[] },
    ],
  }));
  const events = emittedEvents(model);
  const clientEvents = events.filter((e) => e.kind === 'client').length;
  const reference: Inline[][] = [
    [{ link: ['Events'], to: { page: 'events', id: 'top' } }, `: the ${events.length} events the SDK emits (${clientEvents} of them by the client itself), with their payloads.`],
    [{ link: ['Methods'], to: { page: 'methods', id: 'top' } }, `: the ${model.requests.length} requests, their arguments, results and errors.`],
    [{ link: ['Protocol'], to: { page: 'protocol', id: 'top' } }, ': frames, connection lifecycle, error catalogue and disconnection reasons.'],
    [{ link: ['Schemas'], to: { page: 'schemas', id: 'top' } }, `: the ${model.schemas.length} named schemas every payload is made of.`],
  ];
  const blocks: Block[] = [
    { kind: 'heading', level: 1, id: 'top', content: [model.info.title] },
    { kind: 'paragraph', className: 'meta', content: [{ tag: `version ${model.info.version}`, tone: 'muted' }, ' Generated from ', { code: model.source }, ' (AsyncAPI 3).'] },
    ...intro,
    { kind: 'heading', level: 2, id: 'servers', content: ['Servers'] },
    {
      kind: 'paragraph',
      content: ['The socket\u2019s address is a server\u2019s URL plus the channel address and its query (see ', { link: ['the channel'], to: { page: 'protocol', id: 'channel' } }, ').'],
    },
    { kind: 'table', className: 'servers', label: 'Servers', head: ['server', 'URL', 'description'], rows: servers },
    { kind: 'heading', level: 2, id: 'quick-start', content: ['Quick start'] },
    { kind: 'paragraph', content: ['Install the typed SDK (browsers and Node.js 20+):'] },
    { kind: 'code', language: 'sh', code: 'npm install @customer-chat/sdk\n' },
    {
      kind: 'paragraph',
      content: ['Create it with the license to chat with and a way to get the customer\u2019s token, listen to ', { link: ['events'], to: { page: 'events', id: 'top' } }, ' and call ', { link: ['methods'], to: { page: 'methods', id: 'top' } }, ':'],
    },
    exampleBlock(context, quickStartExample(model)),
    { kind: 'heading', level: 2, id: 'reference', content: ['Reference'] },
    { kind: 'list', ordered: false, items: reference },
  ];
  return { name: 'index', title: model.info.title, summary: `${model.info.title} ${model.info.version}: events, methods, frames and schemas of the customer chat protocol.`, blocks };
}
