// Every event section shows each of the spec's examples as its whole wire frame (a client event:
// the payload its listener gets); every method shows its request and response frames and an
// error frame. Each frame is valid JSON and passes the validators (an error frame carries an
// error type the method lists). The checker is shown to catch a missing and an invalid frame.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate, validateFrame, type FrameName, type MessageName } from '@customer-chat/validators';
import { walkBlocks, type Block } from '../src/doc.js';
import { emittedEvents, schemaByName, type ProtocolModel } from '../src/spec-model.js';
import { errorExample, EXAMPLE_REQUEST_ID, wireFrame } from '../src/wire-examples.js';
import { buildIntoTemporaryDirectory, sections, textOf, type Built } from './helpers.js';

let built: Built;
beforeAll(async () => {
  built = await buildIntoTemporaryDirectory();
});
afterAll(() => built?.remove());

/** Whitespace-insensitive text, as code blocks come out of the highlighter. */
const flat = (text: string) => text.replace(/\s+/g, '');

/** Sections of a page by the id of their heading (or their own id, for a method under its action). */
function sectionsById(html: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const section of sections(html)) {
    const heading = /<h2 id="([^"]+)"/.exec(section)?.[1];
    if (heading !== undefined) map.set(heading, textOf(section));
  }
  return map;
}

interface Expected {
  where: string;
  /** What the page must show, as JSON. */
  value: unknown;
  /** Why the value is not valid, or undefined. */
  invalid: string | undefined;
}

function check(result: { ok: boolean; errors?: Array<{ path: string; message: string }> }): string | undefined {
  return result.ok ? undefined : JSON.stringify(result.errors);
}

/** The frames (and client event payloads) each section must show, each checked by the validators. */
function expectedFrames(model: ProtocolModel): Map<string, Expected[]> {
  const out = new Map<string, Expected[]>();
  for (const event of emittedEvents(model)) {
    const list: Expected[] = [];
    for (const example of event.examples) {
      if (event.kind === 'client') {
        if (event.payload !== undefined) list.push({ where: `events#${event.name}`, value: example.payload ?? null, invalid: check(validate(event.name as MessageName, example.payload)) });
        continue;
      }
      const frame = wireFrame(model, event, example.payload, event.action ?? event.name);
      list.push({ where: `events#${event.name}`, value: frame, invalid: check(validateFrame(event.name as FrameName, frame)) });
    }
    out.set(`events#${event.name}`, list);
  }
  for (const request of model.requests) {
    const list: Expected[] = [];
    const where = `methods#${request.id}`;
    for (const example of request.request.examples) {
      const frame = wireFrame(model, request.request, example.payload ?? {}, request.action);
      list.push({ where, value: frame, invalid: check(validateFrame(request.request.name as FrameName, frame)) });
    }
    for (const example of request.response.examples) {
      const frame = wireFrame(model, request.response, example.payload ?? {}, request.action);
      list.push({ where, value: frame, invalid: check(validateFrame(request.response.name as FrameName, frame)) });
    }
    const error = errorExample(model, request);
    // No error example fits this request (each of the spec's is about one request): the section says so.
    if (error === undefined) list.push({ where, value: NO_ERROR_EXAMPLE, invalid: undefined });
    else {
      const frame = wireFrame(model, request.error, error.payload, request.action);
      const type = (error.payload as { error?: { type?: string } }).error?.type ?? '';
      const listed = request.errors.includes(type) ? undefined : `error type "${type}" is not among ${request.id}'s x-errors`;
      list.push({ where, value: frame, invalid: check(validateFrame(request.error.name as FrameName, frame)) ?? listed });
    }
    out.set(where, list);
  }
  return out;
}

/** What a method section shows when the spec has no error example that fits it. */
const NO_ERROR_EXAMPLE = 'Error frame: the document has no error example for this request';

/** What the pages miss or show invalid: one line each. */
function problems(model: ProtocolModel, pages: { events: Map<string, string>; methods: Map<string, string> }): string[] {
  const found: string[] = [];
  for (const [where, frames] of expectedFrames(model)) {
    const [page, id] = where.split('#') as ['events' | 'methods', string];
    const text = pages[page].get(id);
    if (text === undefined) {
      found.push(`${where}: no section`);
      continue;
    }
    if (page === 'events' && frames.length === 0) continue;
    for (const frame of frames) {
      if (frame.invalid !== undefined) found.push(`${where}: invalid ${JSON.stringify(frame.value)}: ${frame.invalid}`);
      const shown = typeof frame.value === 'string' ? frame.value : JSON.stringify(frame.value);
      if (!flat(text).includes(flat(shown))) found.push(`${where}: does not show ${JSON.stringify(frame.value)}`);
    }
  }
  return found;
}

const pagesOf = (events: string, methods: string) => ({ events: sectionsById(events), methods: sectionsById(methods) });

describe('wire examples', () => {
  it('every event shows each example as its whole frame, every method its request, response and error frames, all valid', () => {
    const model = built.result.model;
    const pages = pagesOf(built.read('site/events.html'), built.read('site/methods.html'));
    expect(problems(model, pages)).toEqual([]);
    // Enough frames to mean something: every push and every request has at least one.
    const frames = [...expectedFrames(model).values()].flat();
    expect(frames.length).toBeGreaterThan(model.requests.length * 3);
    expect(pages.methods.get('sendEvent')).toContain(`"requestId": "${EXAMPLE_REQUEST_ID}"`);
    expect(pages.events.get('new_event')).toContain('"type": "push"');
  });

  it('the checker catches a frame left out, and an invalid one (it is not vacuous)', () => {
    const model = built.result.model;
    const events = built.read('site/events.html');
    const methods = built.read('site/methods.html');
    // Left out: the page without the example's push frame header.
    const withoutPush = events.replace(/<h2 id="user_is_typing"[\s\S]*?<\/section>/, '<h2 id="user_is_typing"></h2></section>');
    expect(problems(model, pagesOf(withoutPush, methods)).some((p) => p.startsWith('events#user_is_typing: does not show'))).toBe(true);
    // Invalid: a model whose example breaks the schema.
    const sendEvent = model.requests.find((r) => r.id === 'sendEvent')!;
    const broken: ProtocolModel = {
      ...model,
      requests: model.requests.map((r) => (r === sendEvent ? { ...r, request: { ...r.request, examples: [{ name: 'broken', summary: undefined, payload: { chat: '' } }] } } : r)),
    };
    expect(problems(broken, pagesOf(events, methods)).some((p) => p.startsWith('methods#sendEvent: invalid'))).toBe(true);
  });

  it("every method's error frame is about that method: its pointer names a field of the request, its type one the request may get", () => {
    const { model, pages } = built.result;
    const methods = pages.find((p) => p.name === 'methods')!;
    const problems: string[] = [];
    const withPointer: string[] = [];
    for (const request of model.requests) {
      const section = methods.blocks.find((b): b is Extract<Block, { kind: 'section' }> => b.kind === 'section' && b.blocks.some((h) => h.kind === 'heading' && h.id === request.id));
      if (section === undefined) {
        problems.push(`${request.id}: no section`);
        continue;
      }
      const blocks = [...walkBlocks(section.blocks)];
      const at = blocks.findIndex((b) => b.kind === 'paragraph' && b.className === 'label' && JSON.stringify(b.content).includes('Error frame'));
      const code = blocks.slice(at + 1).find((b) => b.kind === 'code');
      if (at === -1 || code?.kind !== 'code') {
        if (!blocks.some((b) => b.kind === 'paragraph' && JSON.stringify(b.content).includes('no error example'))) problems.push(`${request.id}: neither an error frame nor a word about it`);
        continue;
      }
      const frame = JSON.parse(code.code) as { action: string; payload: { error: { type: string; pointer?: string } } };
      const { type, pointer } = frame.payload.error;
      if (frame.action !== request.action) problems.push(`${request.id}: error frame of action ${frame.action}`);
      if (!request.errors.includes(type)) problems.push(`${request.id}: error type ${type} is not one it may get`);
      if (pointer === undefined) continue;
      withPointer.push(request.id);
      const field = /^\/payload\/([^/]+)/.exec(pointer)?.[1];
      const ref = request.request.payload?.ref;
      const properties = ref === undefined ? {} : ((schemaByName(model, ref).schema['properties'] as Record<string, unknown> | undefined) ?? {});
      if (field === undefined || !(field in properties)) problems.push(`${request.id}: error pointer ${pointer} is not a field of its request (${Object.keys(properties).join(', ')})`);
    }
    expect(problems).toEqual([]);
    // The spec's validation example (about get_chats_summary's limit) is still shown where it belongs.
    expect(withPointer).toContain('getChatsSummary');
  });
});
