// The assertion helpers of the suite, and the only place coverage is recorded: each helper runs its
// assertions about one message and one artifact and, only once every one of them passed, earns that
// cell. A failed assertion throws before anything is recorded, and nothing outside these helpers can
// record a cell (the ledger is private), so the coverage line counts passed assertions, not labels.
import { getAtPointer, type MessageModel, type RequestOperationModel } from '@customer-chat/spec-model';
import { validate, validateFrame, type FrameName, type MessageName } from '@customer-chat/validators';
import { expect } from 'vitest';
import { artifactsFor, cellKey, computeCoverage, type Artifact, type CoverageReport } from './coverage.js';
import { messageByName, model } from './model.js';

type Frame = Record<string, unknown>;

/** What a frame's payload must be besides valid: equal to `payload`, or containing `payloadLike`. */
export interface PayloadExpectation {
  payload?: unknown;
  payloadLike?: Record<string, unknown>;
  /** Other frame fields it must have (e.g. the correlation id of the request it answers). */
  frameLike?: Record<string, unknown>;
}

/** One example of a push sent to the SDK and what the SDK emitted for it. */
export interface EmittedPush {
  example: MessageModel['examples'][number];
  emitted: unknown;
}

export class Contract {
  readonly #earned = new Set<string>();

  constructor(private readonly messages: readonly MessageModel[] = model.messages) {}

  /** The coverage earned so far (a snapshot; the same computation for every run). */
  report(): CoverageReport {
    return computeCoverage(this.messages, this.#earned);
  }

  // ---- validators -----------------------------------------------------------------------------

  /** The validators accept every example of the message (and it has examples). */
  expectValidatorsAccept(message: MessageModel): void {
    expect(message.examples.length, `${message.name} has no example`).toBeGreaterThan(0);
    for (const example of message.examples) {
      const result = validate(message.name as MessageName, example.payload);
      expect(result.ok ? [] : result.errors, `${message.name}: example ${String(example.name)}`).toEqual([]);
    }
    this.#earn(message, 'validators');
  }

  // ---- SDK --------------------------------------------------------------------------------------

  /** The SDK put these frames of a request on the wire: at least one, each one valid against the request's frame schema. */
  expectSdkSends(message: MessageModel, frames: readonly unknown[], payloads: readonly unknown[]): void {
    expect(message.kind, `${message.name} is not a request`).toBe('request');
    expect(frames.length, `the SDK sent no ${message.name} frame`).toBeGreaterThan(0);
    // The frame schema holds the action as a constant: a frame of another request fails it.
    for (const frame of frames) expectValidFrame(message, frame);
    // And each carries what the caller gave: a valid frame that dropped or replaced an argument fails here.
    expect(frames.map((frame) => (frame as Frame).payload), `${message.name}: the payloads sent`).toEqual(payloads);
    this.#earn(message, 'sdk');
  }

  /** Every call resolved with `expected` (the reply's payload), which validates as the response message. */
  expectSdkResolves(message: MessageModel, results: readonly unknown[], expected: unknown): void {
    expect(message.kind, `${message.name} is not a response`).toBe('response');
    expect(results.length, `no call resolved with ${message.name}`).toBeGreaterThan(0);
    for (const result of results) {
      expect(result).toEqual(expected);
      expectValidPayload(message, result);
    }
    this.#earn(message, 'sdk');
  }

  /** The SDK rejected a request the server refused with a typed error carrying the spec's client code and server type. */
  expectSdkRejects(message: MessageModel, error: unknown, expected: { code: string; type: string }): void {
    expect(message.kind, `${message.name} is not the error response`).toBe('error');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject(expected);
    this.#earn(message, 'sdk');
  }

  /** The SDK emitted `payload` for a client event or a push: equal to (or, with `like`, containing) `expected`, and valid against the message. */
  expectSdkEmits(message: MessageModel, payload: unknown, expected: unknown, compare: 'equal' | 'like' = 'equal'): void {
    if (compare === 'equal') expect(payload, `${message.name} as emitted by the SDK`).toEqual(expected);
    else expect(payload, `${message.name} as emitted by the SDK`).toMatchObject(expected as Record<string, unknown>);
    expectValidPayload(message, payload);
    this.#earn(message, 'sdk');
  }

  /**
   * The SDK emitted every example of a push deep-equal: as the push's own event, or, for a push the
   * SDK turns into a client event (`x-client-event`), as that event with the payload at its pointer
   * (which earns the client event's cell too).
   */
  expectSdkEmitsPush(message: MessageModel, received: readonly EmittedPush[]): void {
    expect(message.kind, `${message.name} is not a push`).toBe('push');
    expect(received.length, `no example of ${message.name} was sent`).toBe(message.examples.length);
    const clientEvent = message.clientEvent ? messageByName(message.clientEvent.event) : undefined;
    for (const { example, emitted } of received) {
      const expected = message.clientEvent ? getAtPointer(example.payload, message.clientEvent.payload) : example.payload;
      expect(emitted, `${message.name}: example ${String(example.name)}`).toEqual(expected);
      expectValidPayload(clientEvent ?? message, emitted);
    }
    if (clientEvent) this.#earn(clientEvent, 'sdk');
    this.#earn(message, 'sdk');
  }

  // ---- reference server -----------------------------------------------------------------------

  /**
   * The server sent this frame of a push, a response or the error response: it validates against the
   * message's frame schema, carries the header constants of its kind, and its payload is as expected.
   */
  expectServerSends(message: MessageModel, frame: unknown, expected: PayloadExpectation = {}): void {
    expect(['push', 'response', 'error'], `${message.name} is not sent by the server`).toContain(message.kind);
    expectValidFrame(message, frame);
    const kind = message.kind as 'push' | 'response' | 'error';
    const header = { ...model.frameConstants[kind], ...(message.action === undefined ? {} : { action: message.action }) };
    expect(frame, `${message.name}: header`).toMatchObject(header);
    const { payload } = frame as Frame;
    if ('payload' in expected) expect(payload, `${message.name}: payload`).toEqual(expected.payload);
    if (expected.payloadLike) expect(payload, `${message.name}: payload`).toMatchObject(expected.payloadLike);
    if (expected.frameLike) expect(frame, `${message.name}: frame`).toMatchObject(expected.frameLike);
    this.#earn(message, 'server');
  }

  /**
   * The server answered a request frame a client sent with its success response: the request frame
   * is valid, the reply is a valid response frame of the same action with the same correlation id.
   * Earns the request's and the response's server cells.
   */
  expectServerAnswers(request: RequestOperationModel, sent: unknown, reply: unknown): void {
    const requestMessage = request.request;
    const responseMessage = request.response;
    // The request's frame schema requires its action (a constant) and its correlation id.
    expectValidFrame(requestMessage, sent);
    const id = (sent as Frame)[model.correlationField];
    expectValidFrame(responseMessage, reply);
    expect(reply, `the reply to ${request.action}`).toMatchObject({ ...model.frameConstants.response, action: request.action, [model.correlationField]: id });
    this.#earn(requestMessage, 'server');
    this.#earn(responseMessage, 'server');
  }

  // ---- docs -------------------------------------------------------------------------------------

  /** The docs have a section for the message (`heading`) whose tables list every payload field. */
  expectDocsShow(message: MessageModel, heading: string, section: string | undefined, fields: readonly string[]): void {
    expect(section, `no section "${heading}" in the docs`).toBeDefined();
    for (const field of fields) expect(section, `${message.name}: field ${field}`).toMatch(new RegExp(`\\| ${escapeRegExp(field)} +\\|`));
    // A method's arguments or result with no field says so, rather than showing nothing.
    if (fields.length === 0 && (message.kind === 'request' || message.kind === 'response')) expect(section, `${message.name}: no fields, said`).toMatch(/^(No arguments\.|Nothing\.|An empty object: the request succeeded\.)$/m);
    this.#earn(message, 'docs');
  }

  // ---- the ledger -------------------------------------------------------------------------------

  /** Called by the helpers above as their last step, after every assertion passed. */
  #earn(message: MessageModel, artifact: Artifact): void {
    if (!artifactsFor(message).includes(artifact)) throw new Error(`${message.name} is not checked against ${artifact}`);
    if (!this.messages.includes(message)) throw new Error(`${message.name} is not a message of this contract`);
    this.#earned.add(cellKey({ message: message.name, artifact }));
  }
}

function expectValidFrame(message: MessageModel, frame: unknown): void {
  const result = validateFrame(message.name as FrameName, frame);
  expect(result.ok ? [] : result.errors, `${message.name} frame ${JSON.stringify(frame)?.slice(0, 300)}`).toEqual([]);
}

function expectValidPayload(message: MessageModel, payload: unknown): void {
  const result = validate(message.name as MessageName, payload);
  expect(result.ok ? [] : result.errors, `${message.name} payload ${JSON.stringify(payload)?.slice(0, 300)}`).toEqual([]);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
