// Deliberate protocol violations, for testing the tools that must catch them (the conformance kit,
// the validating proxy): each option breaks one rule of the spec in one place, after the server's
// own outgoing checks, so the frame leaves exactly as broken as asked. Never for production.

/** Which rule to break; each names the action it applies to. */
export interface ProtocolBreaks {
  /** The response of this request action (success) carries its payload's first field with a value of the wrong type. */
  wrongTypeInResponse?: string;
  /** This push loses the first field of its payload (a required one in every push of the spec). */
  missingFieldInPush?: string;
  /** Every error response to this request action carries `type` instead of the error type it had. */
  foreignErrorType?: { action: string; type: string };
  /** Every reply (response or error) to this request action carries another `requestId`. */
  wrongRequestId?: string;
  /** After every successful login, the connection also gets a push with this action, which the spec does not have. */
  unknownPushAfterLogin?: string;
  /** Requests before `login` are served as from a fresh customer instead of answered `authorization`. */
  loginNotRequired?: boolean;
  /** A second `login` on a logged-in connection has its payload checked first: an invalid one gets the schema's error, not `validation` at `/action`. */
  schemaBeforeSecondLogin?: boolean;
  /** Every error response whose action is this (`""` for a frame the server cannot read) carries action `conformance_other_action`. */
  wrongActionInError?: string;
  /** Every reply (response or error) to this request action goes out twice. */
  answerTwice?: string;
  /** A success response to this request action is never sent. */
  noResponse?: string;
  /** Instead of a success response to this request action, the server closes the connection with 1011. */
  closeInsteadOfResponse?: string;
  /** A success response to this request action goes out as `nope`, text that is not JSON. */
  nonJsonResponse?: string;
  /** Before every success response to this request action, the requester also gets a valid `customer_id` push, which the action's `x-pushes` does not list. */
  extraPushBeforeResponse?: string;
  /** After every success response to this request action, the requester also gets a `user_is_typing` push with payload `{}` (its required fields missing). */
  invalidPushAfterResponse?: string;
  /** This push is never sent. */
  dropPush?: string;
  /** This push goes out twice to each connection it goes to. */
  duplicatePush?: string;
  /** This push, when it goes to a connection whose request is being handled, goes after that request's reply instead of before it. */
  pushAfterResponse?: string;
  /** This push, when it goes to one connection of a customer, also goes to the customer's other connections. */
  leakPush?: string;
  /** After `customer_disconnected`, the server closes with this code instead of the spec's `x-close-code`. */
  disconnectCloseCode?: number;
}

/** The text `nonJsonResponse` sends instead of a response. */
export const NOT_JSON_REPLY = 'nope';
/** The frame `invalidPushAfterResponse` sends: a push of the spec without its payload's required fields. */
export const INVALID_PUSH = JSON.stringify({ action: 'user_is_typing', type: 'push', payload: {} });

type Frame = Record<string, unknown>;

function isObject(value: unknown): value is Frame {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value of another JSON type than `value`'s. */
function wrongTypeFor(value: unknown): unknown {
  return typeof value === 'number' ? 'not a number' : 12345;
}

/**
 * The frame as it goes out under `breaks`: a copy when something changed, the frame itself
 * otherwise. `requestAction` is the action of the request a reply answers.
 */
export function breakFrame(frame: Frame, breaks: ProtocolBreaks): Frame {
  const { action, type, success, payload } = frame;
  if (type === 'push') {
    if (action === breaks.missingFieldInPush && isObject(payload)) {
      const [first] = Object.keys(payload);
      if (first === undefined) return frame;
      const { [first]: _dropped, ...rest } = payload;
      return { ...frame, payload: rest };
    }
    return frame;
  }
  if (type !== 'response') return frame;
  let broken = frame;
  if (action === breaks.wrongRequestId) broken = { ...broken, requestId: `${String(frame.requestId)}-other` };
  if (success === false && breaks.wrongActionInError !== undefined && action === breaks.wrongActionInError) broken = { ...broken, action: 'conformance_other_action' };
  if (success === true && action === breaks.wrongTypeInResponse && isObject(payload)) {
    const [first] = Object.keys(payload);
    if (first !== undefined) broken = { ...broken, payload: { ...payload, [first]: wrongTypeFor(payload[first]) } };
  }
  if (success === false && breaks.foreignErrorType !== undefined && action === breaks.foreignErrorType.action && isObject(payload) && isObject(payload.error)) {
    broken = { ...broken, payload: { ...payload, error: { ...payload.error, type: breaks.foreignErrorType.type } } };
  }
  return broken;
}
