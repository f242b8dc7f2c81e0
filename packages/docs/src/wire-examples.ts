// The spec's examples as the frames that travel on the socket: a push as `{ action, type: "push",
// payload }`, a request, its response and an error with the correlation field, from the header
// constants of the spec. A client author or a server author copies these as they are.
import type { Block } from './doc.js';
import { schemaByName, type MessageModel, type ProtocolModel, type RequestModel } from './spec-model.js';

/** The request id the examples use. */
export const EXAMPLE_REQUEST_ID = 'req-1';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** One example payload of a message as its whole wire frame (`action` given for requests, responses and errors). */
export function wireFrame(model: ProtocolModel, message: MessageModel, payload: unknown, action: string): Record<string, unknown> {
  const kind = message.kind === 'request' || message.kind === 'response' || message.kind === 'error' || message.kind === 'push' ? message.kind : 'push';
  const frame: Record<string, unknown> =
    kind === 'push' ? { action, ...model.frameConstants.push } : { [model.correlationField]: EXAMPLE_REQUEST_ID, action, ...model.frameConstants[kind] };
  if (payload !== undefined) frame.payload = payload;
  return frame;
}

/** The frame of a message's first example (for the protocol page's frame layouts). */
export function firstExampleFrame(model: ProtocolModel, message: MessageModel, action: string): string {
  return json(wireFrame(model, message, message.examples[0]?.payload ?? {}, action));
}

function titled(what: string, name: string | undefined, count: number): Block {
  return { kind: 'paragraph', className: 'label', content: [count > 1 && name !== undefined ? `${what} (${name}):` : `${what}:`] };
}

/**
 * Every example of an event: a push as its whole frame, a client event (no frame: the client emits
 * it) as the payload its listener gets.
 */
export function eventWireBlocks(model: ProtocolModel, event: MessageModel): Block[] {
  const examples = event.examples.length > 0 ? event.examples : [{ name: undefined, summary: undefined, payload: undefined }];
  if (event.kind === 'client') {
    if (event.payload === undefined) return [];
    return examples.flatMap((example) => [titled('Payload the listener gets', example.name, examples.length), { kind: 'code', language: 'json', code: json(example.payload ?? null) } satisfies Block]);
  }
  return examples.flatMap((example) => [
    titled('On the wire', example.name, examples.length),
    { kind: 'code', language: 'json', code: json(wireFrame(model, event, example.payload, event.action ?? event.name)) } satisfies Block,
  ]);
}

type ErrorExample = MessageModel['examples'][number];

const errorOf = (payload: unknown) => (payload as { error?: { type?: unknown; pointer?: unknown } } | undefined)?.error;

/** The payload field an error example's `error.pointer` names (`/payload/limit`: `limit`), or undefined when it has none. */
export function errorPointerField(payload: unknown): string | undefined {
  const pointer = errorOf(payload)?.pointer;
  return typeof pointer === 'string' ? /^\/payload\/([^/]+)/.exec(pointer)?.[1]?.replace(/~1/g, '/').replace(/~0/g, '~') : undefined;
}

/** The top-level fields of a request's payload schema. */
export function requestPayloadFields(model: ProtocolModel, request: RequestModel): string[] {
  const ref = request.request.payload?.ref;
  return ref === undefined ? [] : Object.keys((schemaByName(model, ref).schema['properties'] as Record<string, unknown> | undefined) ?? {});
}

/** Whether an error example's `error.pointer` names a field of the request's payload (false when it has no pointer). */
export function pointsIntoRequest(model: ProtocolModel, request: RequestModel, payload: unknown): boolean {
  const field = errorPointerField(payload);
  return field !== undefined && requestPayloadFields(model, request).includes(field);
}

/**
 * The error example of a request, among the error response's examples: one whose error type is
 * the request's own (its `x-errors`, not those every request may get); else one of a type it may
 * get whose `error.pointer` names a field of its payload; else one of such a type with no pointer.
 * Never one whose pointer names a field the request does not have (the spec's examples are each
 * about one request): undefined when no example fits.
 */
export function errorExample(model: ProtocolModel, request: RequestModel): ErrorExample | undefined {
  const examples = request.error.examples;
  const typeOf = (payload: unknown) => String(errorOf(payload)?.type ?? '');
  const fits = (e: ErrorExample) => errorPointerField(e.payload) === undefined || pointsIntoRequest(model, request, e.payload);
  const own = request.errors.filter((type) => !model.commonErrors.includes(type));
  const mayGet = (e: ErrorExample) => request.errors.includes(typeOf(e.payload));
  // The most telling first: an error that points into this very request, then one of its own
  // errors, then any error it may get; never a pointer to a field it does not have.
  return (
    examples.find((e) => mayGet(e) && pointsIntoRequest(model, request, e.payload)) ??
    examples.find((e) => own.includes(typeOf(e.payload)) && fits(e)) ??
    examples.find((e) => mayGet(e) && errorPointerField(e.payload) === undefined)
  );
}

/** A request's exchange on the wire: every request example, every response example, one error. */
export function methodWireBlocks(model: ProtocolModel, request: RequestModel): Block[] {
  const blocks: Block[] = [];
  const requests = request.request.examples.length > 0 ? request.request.examples : [{ name: undefined, summary: undefined, payload: {} }];
  for (const example of requests) blocks.push(titled('Request frame', example.name, requests.length), { kind: 'code', language: 'json', code: json(wireFrame(model, request.request, example.payload ?? {}, request.action)) });
  const responses = request.response.examples;
  for (const example of responses) blocks.push(titled('Response frame', example.name, responses.length), { kind: 'code', language: 'json', code: json(wireFrame(model, request.response, example.payload ?? {}, request.action)) });
  const error = errorExample(model, request);
  if (error !== undefined) blocks.push(titled('Error frame', undefined, 1), { kind: 'code', language: 'json', code: json(wireFrame(model, request.error, error.payload, request.action)) });
  else
    blocks.push({
      kind: 'paragraph',
      content: ['Error frame: the document has no error example for this request; see the ', { link: ['error frame'], to: { page: 'protocol', id: 'error-frame' } }, ' for its layout.'],
    });
  return blocks;
}
