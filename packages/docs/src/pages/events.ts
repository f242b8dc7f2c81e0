// The events page: one section per event the SDK emits (client lifecycle events and pushes), in
// the seed's layout: heading named by the event, an `api.on` example, the payload table, the text.
import type { Block, Inline, Page } from '../doc.js';
import { eventExample } from '../examples.js';
import { shapeBlocks } from '../field-table.js';
import { payloadShape } from '../fields.js';
import { eventsInSeedOrder, type MessageModel } from '../spec-model.js';
import { eventWireBlocks } from '../wire-examples.js';
import { describeBlocks, describeInline, exampleBlock, label, shapeContext, type PageContext } from './context.js';

export const CLIENT_BADGE = 'emitted by the client';

function eventSection(context: PageContext, event: MessageModel): Block {
  const { model } = context;
  const payload = payloadShape(shapeContext(context, true), event.payload?.ref);
  // A client event whose push may leave its payload out (the seed's "Optional"): said in the table.
  const shape = payload.kind === 'value' && event.payloadOptional ? { ...payload, optional: true } : payload;
  const meta: Inline[] =
    event.kind === 'client'
      ? [{ tag: CLIENT_BADGE, tone: 'client' }, ' ', ...describeInline(context, event.summary)]
      : [{ tag: 'push', tone: 'push' }, ' ', ...describeInline(context, event.summary)];
  const blocks: Block[] = [
    { kind: 'heading', level: 2, id: event.name, content: [event.name] },
    { kind: 'paragraph', content: meta, className: 'meta' },
    exampleBlock(context, eventExample(model, event, shape)),
    ...eventWireBlocks(model, event),
    ...(shape.kind === 'none' ? [] : [label('Payload:')]),
    ...shapeBlocks(shape, { label: `Payload of ${event.name}`, rowIdPrefix: event.name }),
    ...describeBlocks(context, event.description),
  ];
  if (model.lifecycle?.events.disconnected === event.name) {
    blocks.push({
      kind: 'paragraph',
      content: ['What the SDK does next depends on the reason: see ', { link: ['the disconnection reasons'], to: { page: 'protocol', id: 'disconnection-reasons' } }, '.'],
    });
  }
  if (event.kind === 'push') {
    blocks.push({
      kind: 'paragraph',
      className: 'wire',
      content: ['On the wire: a ', { link: ['push frame'], to: { page: 'protocol', id: 'frames' } }, ' with ', { code: `action: "${event.action ?? event.name}"` }, '.'],
    });
  }
  return { kind: 'section', className: event.kind === 'client' ? 'event client-event' : 'event', blocks };
}

export function eventsPage(context: PageContext): Page {
  const events = eventsInSeedOrder(context.model);
  return {
    name: 'events',
    title: 'Events',
    summary: `The ${events.length} events the customer SDK emits, with their payloads.`,
    blocks: [
      { kind: 'heading', level: 1, id: 'top', content: ['Events'] },
      {
        kind: 'paragraph',
        content: [
          'You can listen for emitted events by subscribing to them with ',
          { code: 'api.on(name, handler)' },
          ' (',
          { code: 'api.once' },
          ' listens once, ',
          { code: 'api.off' },
          ' stops listening). For example, your function can run every time a message arrives. ',
          'Event names and payload types come from the spec, so a misspelt name or a wrong handler does not compile.',
        ],
      },
      {
        kind: 'paragraph',
        content: [
          'Most events are pushes of the server, emitted as they arrive; the events marked ',
          { tag: CLIENT_BADGE, tone: 'client' },
          ' are the SDK\u2019s own news about the connection and never travel on the wire.',
        ],
      },
      ...events.map((event) => eventSection(context, event)),
    ],
  };
}
