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
}

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
  if (success === true && action === breaks.wrongTypeInResponse && isObject(payload)) {
    const [first] = Object.keys(payload);
    if (first !== undefined) broken = { ...broken, payload: { ...payload, [first]: wrongTypeFor(payload[first]) } };
  }
  if (success === false && breaks.foreignErrorType !== undefined && action === breaks.foreignErrorType.action && isObject(payload) && isObject(payload.error)) {
    broken = { ...broken, payload: { ...payload, error: { ...payload.error, type: breaks.foreignErrorType.type } } };
  }
  return broken;
}
