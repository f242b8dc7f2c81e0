// One frame checked against the spec by the direction it travels: what a client may send (a request
// of the spec, valid) and what a server may send (a push of the spec, or the response or error
// response to a request waiting on that connection, valid, with its action and request id). The
// kit and the proxy both judge frames here; the protocol comes from the generated table.
import { validateFrame, type FrameName, type ValidationIssue } from '@customer-chat/validators';
import { protocol } from './gen/protocol.js';

/** Who sent the frame. */
export type Direction = 'client' | 'server';

export type FrameKind = 'request' | 'response' | 'error' | 'push' | 'unknown';

export interface FrameVerdict {
  kind: FrameKind;
  /** The frame's `action` ('' when it has none). */
  action: string;
  /** The frame's request id, when it has a string one. */
  requestId: string | undefined;
  /** What breaks the spec, each with a JSON pointer into the frame; empty when the frame is valid. */
  issues: ValidationIssue[];
}

const requestsByAction = new Map(protocol.requests.map((r) => [r.action, r] as const));
const pushes = new Set(protocol.pushes);
const { correlationField } = protocol;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(frame: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(frame, key) ? frame[key] : undefined;
}

/** Whether the frame has every fixed header value of a kind of frame (`type: "push"`, ...). */
function hasConstants(frame: Record<string, unknown>, constants: Record<string, unknown>): boolean {
  return Object.entries(constants).every(([key, value]) => own(frame, key) === value);
}

function issue(path: string, message: string, keyword = 'protocol'): ValidationIssue {
  return { path, message, keyword };
}

/** The frame of a text message, or an issue when it is binary or not JSON. */
export function parseFrame(data: string | Buffer, isBinary: boolean): { frame: unknown } | { issue: ValidationIssue } {
  if (isBinary) return { issue: issue('', 'a binary message: every frame is a JSON text message') };
  try {
    return { frame: JSON.parse(typeof data === 'string' ? data : data.toString('utf8')) as unknown };
  } catch (error) {
    return { issue: issue('', `not JSON: ${error instanceof Error ? error.message : String(error)}`) };
  }
}

function validated(name: string, frame: unknown): ValidationIssue[] {
  const result = validateFrame(name as FrameName, frame);
  return result.ok ? [] : result.errors;
}

/** A frame a client sent: a request of the spec, valid against its schema. */
export function checkClientFrame(frame: unknown): FrameVerdict {
  if (!isObject(frame)) return { kind: 'unknown', action: '', requestId: undefined, issues: [issue('', 'a frame is a JSON object')] };
  const action = typeof own(frame, 'action') === 'string' ? (own(frame, 'action') as string) : '';
  const id = own(frame, correlationField);
  const requestId = typeof id === 'string' ? id : undefined;
  const request = requestsByAction.get(action);
  if (request === undefined) {
    return { kind: 'unknown', action, requestId, issues: [issue('/action', action === '' ? 'no action' : `"${action}" is not a request of the spec`)] };
  }
  return { kind: 'request', action, requestId, issues: validated(request.request, frame) };
}

/**
 * A frame a server sent. `requestActionOf` gives the action of the request a connection is waiting
 * for under a request id (undefined: none is waiting); `unreadableWaiting` whether a frame whose
 * request id the server cannot read waits for its reply, which an error with a null request id
 * answers. Without them, replies are checked alone.
 */
export function checkServerFrame(frame: unknown, requestActionOf?: (requestId: string) => string | undefined, unreadableWaiting?: () => boolean): FrameVerdict {
  if (!isObject(frame)) return { kind: 'unknown', action: '', requestId: undefined, issues: [issue('', 'a frame is a JSON object')] };
  const action = typeof own(frame, 'action') === 'string' ? (own(frame, 'action') as string) : '';
  const id = own(frame, correlationField);
  const requestId = typeof id === 'string' ? id : undefined;
  const [isPush, isError, isResponse] = (['push', 'error', 'response'] as const).map((kind) => hasConstants(frame, protocol.frameConstants[kind]));
  if (isPush) {
    if (!pushes.has(action)) return { kind: 'push', action, requestId, issues: [issue('/action', `"${action}" is not a push of the spec`)] };
    return { kind: 'push', action, requestId, issues: validated(action, frame) };
  }
  if (!isError && !isResponse) {
    const fields = [...new Set(Object.values(protocol.frameConstants).flatMap((c) => Object.keys(c)))].map((key) => `${key} ${JSON.stringify(own(frame, key))}`).join(', ');
    return { kind: 'unknown', action, requestId, issues: [issue('', `neither a push nor a response (${fields})`)] };
  }
  const kind: FrameKind = isError ? 'error' : 'response';
  const issues: ValidationIssue[] = [];
  if (unreadableWaiting !== undefined && isError && id === null && !unreadableWaiting()) {
    issues.push(issue(`/${correlationField}`, `answers no request waiting on this connection (${correlationField} null, and no frame whose ${correlationField} could not be read waits for a reply)`));
  }
  if (requestActionOf !== undefined && requestId !== undefined) {
    const waiting = requestActionOf(requestId);
    if (waiting === undefined) issues.push(issue(`/${correlationField}`, `answers no request waiting on this connection (${correlationField} "${requestId}")`));
    else if (waiting !== action) issues.push(issue('/action', `answers a "${waiting}" request but says action "${action}"`));
  }
  if (isError) return { kind, action, requestId, issues: [...issues, ...validated(protocol.error.message, frame)] };
  const request = requestsByAction.get(action);
  if (request === undefined) return { kind, action, requestId, issues: [...issues, issue('/action', `"${action}" is not a request of the spec`)] };
  return { kind, action, requestId, issues: [...issues, ...validated(request.response, frame)] };
}

/** The error type of an error response frame (undefined when it has none). */
export function errorTypeOf(frame: unknown): string | undefined {
  if (!isObject(frame) || !isObject(frame.payload)) return undefined;
  const error = own(frame.payload, protocol.error.property);
  if (!isObject(error)) return undefined;
  const type = own(error, protocol.error.typeField);
  return typeof type === 'string' ? type : undefined;
}

/** The JSON pointer an error response frame names (undefined when it names none). */
export function errorPointerOf(frame: unknown): unknown {
  if (!isObject(frame) || !isObject(frame.payload)) return undefined;
  const error = own(frame.payload, protocol.error.property);
  return isObject(error) ? own(error, protocol.error.pointerField) : undefined;
}

/** The error types a request action may be answered with (undefined for an action the spec does not have). */
export function errorsOf(action: string): readonly string[] | undefined {
  return requestsByAction.get(action)?.errors;
}
