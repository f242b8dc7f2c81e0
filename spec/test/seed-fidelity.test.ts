// The seed's payload tables are what a conforming server sends, so a payload with exactly the seed's
// fields must pass the spec's schema: every field the spec adds beyond a seed table is optional.
// (The validators and the SDK are held to the same payloads in their own packages.)
import { describe, expect, it } from 'vitest';
import { compileAt, createSpecAjv } from '@customer-chat/spec-loader/ajv';
import { appendPointer } from '@customer-chat/spec-model';
import { facts } from './seed-facts.js';
import { seedPayloads } from './seed-payloads.js';
import { model, raw } from './spec.js';

type Components = { schemas: Record<string, Record<string, unknown>> } & Record<string, unknown>;
const keyOf = new Map(model.messages.map((message) => [message.name, message.key]));

/** What ajv finds wrong with a payload of `event`, in the document as written (or an edited copy of its components). */
function specErrors(components: Components, event: string, payload: unknown): string {
  const ajv = createSpecAjv({ components });
  const validate = compileAt(ajv, appendPointer('/components/messages', keyOf.get(event) ?? '', 'payload'));
  return validate(payload) ? '' : ajv.errorsText(validate.errors, { dataVar: event });
}

const components = raw.components as Components;
const payloads = seedPayloads(model, facts.events);

describe('payloads with exactly the seed fields', () => {
  it('are built for every one of the 14 seed events', () => {
    expect(new Set(payloads.map((p) => p.event)).size).toBe(14);
    // new_event is built once per Event branch: the seed's `type` field on each.
    expect(payloads.filter((p) => p.event === 'new_event').map((p) => p.branch)).toEqual([
      'MessageEvent', 'FileEvent', 'SystemMessageEvent', 'UnknownEvent',
    ]);
  });

  it('have the seed fields and no other', () => {
    const byEvent = Object.fromEntries(payloads.filter((p) => p.branch === undefined).map((p) => [p.event, p.payload]));
    expect(Object.keys(byEvent['thread_metada'] as object).sort()).toEqual(['id', 'order', 'totalEvents']);
    expect(byEvent['user_data']).toEqual({});
    expect(byEvent['connection_lost']).toBeNull();
    const summary = (byEvent['connected'] as { chatsSummary: Array<Record<string, unknown>> }).chatsSummary[0]!;
    expect(Object.keys(summary).sort()).toEqual(['id', 'lastEvent', 'users']);
    // Below `lastEvent` the seed says only "object, Event": the smallest Event the spec allows.
    expect(summary['lastEvent']).toEqual({ type: 'message' });
  });

  it.each(payloads.map((p) => [`${p.event}${p.branch ? ` (${p.branch})` : ''}`, p] as const))('%s passes the spec schema', (_, { event, payload }) => {
    if (payload === null) return expect(keyOf.has(event)).toBe(true);
    expect(specErrors(components, event, payload), JSON.stringify(payload)).toBe('');
  });

  it('a push that ends the session without a reason passes (the seed makes the reason of `disconnected` optional)', () => {
    expect(facts.events.find((e) => e.event === 'disconnected')?.optional).toBe(true);
    expect(specErrors(components, 'customer_disconnected', {})).toBe('');
    const edited = structuredClone(components);
    edited.schemas['Disconnection']!.required = ['reason'];
    expect(specErrors(edited, 'customer_disconnected', {})).toMatch(/must have required property 'reason'/);
  });

  it('would catch a spec that requires a field the seed does not list (thread_metada.chat)', () => {
    const edited = structuredClone(components);
    edited.schemas['ThreadSummary']!.required = ['id', 'chat', 'order', 'totalEvents'];
    const payload = payloads.find((p) => p.event === 'thread_metada')!.payload;
    expect(specErrors(edited, 'thread_metada', payload)).toMatch(/must have required property 'chat'/);
  });

  it('would catch a user union that rejects a user with no fields', () => {
    const edited = structuredClone(components);
    edited.schemas['User']!.oneOf = (edited.schemas['User']!.oneOf as unknown[]).slice(0, 2);
    expect(specErrors(edited, 'user_data', {})).not.toBe('');
  });
});
