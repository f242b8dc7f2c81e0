// What the protocol-agnostic runtime needs to know about a protocol. The generated
// `src/gen/protocol.ts` provides one of these, read from the AsyncAPI document; the runtime never
// names an action, an event or a frame field itself.

export interface ValidationIssue {
  path: string;
  message: string;
  keyword: string;
}

/** A payload check: whether the payload is valid (the generated guards of @customer-chat/validators). */
export type Guard = (data: unknown) => boolean;

/** Why a payload of the named message failed its guard, as JSON-pointer issues. */
export type Explain = (message: string, data: unknown) => ValidationIssue[];

/** What the client does when the server ends the session for a reason. */
export type Reaction = 'reconnect' | 'stay_disconnected' | 'destroy';

/** The kind of an incoming frame, told apart by the protocol's constant header fields. */
export type FrameKind = 'response' | 'error' | 'push' | 'unknown';

/**
 * Where `classify` puts what it read from a frame, so that routing a frame allocates nothing: the
 * request id (a response; an error, or null there) or the action (a push), and the payload.
 */
export interface FrameFields {
  key: string | null;
  payload: unknown;
  /**
   * The action a response or an error names, as the frame has it (any value), for protocols whose
   * responses repeat their request's; left undefined, the response is not checked against it.
   */
  action?: unknown;
}

export interface RequestDescription {
  /** The wire action, e.g. `send_event`. */
  action: string;
  /** The name of the request's message, for `validate`; the action when left out. */
  request?: string;
  /** The name of its response's message, for `validate`. */
  response: string;
}

/** A push, by its wire action; what is left out is named after that action. */
export interface PushDescription {
  /** The event the client emits for this push; the action when left out. */
  event?: string;
  /** The push's message name, for `validate`; the action when left out. */
  message?: string;
  /**
   * For a push the client turns into a lifecycle event (the server ending the session): the JSON
   * pointer of the event's payload (the disconnection reason) inside the push's payload.
   */
  endsSession?: { payload: string };
}

export interface ProtocolDescription {
  /** Requests by operation id (the client method's name). */
  requests: Readonly<Record<string, RequestDescription>>;
  /** Pushes by wire action. */
  pushes: Readonly<Record<string, PushDescription>>;
  /**
   * Server error type -> the `code` of the error the client rejects with, for the types whose code
   * is not the type in upper case (`not_found` -> `NOT_FOUND` needs no entry).
   */
  errorCodes: Readonly<Record<string, string>>;
  /** Disconnection reason -> the client's reaction. */
  reactions: Readonly<Record<string, Reaction>>;
  /**
   * Server error type answered to the handshake (login or ready request) -> the disconnection
   * reason that refusal stands for; the client then reacts as to that reason (see `reactions`).
   * A type missing here stands for itself, with the cautious reaction (`stay_disconnected`).
   */
  refusals?: Readonly<Record<string, string>>;
  lifecycle: {
    login: { operation: string; tokenArgument: string };
    ready: { operation: string };
    /** `unstable`/`recovered`: a request waited longer than `policy.unstableAfterMs`, and none does any more. */
    events: { connected: string; restored: string; lost: string; disconnected: string; unstable?: string; recovered?: string };
    /** The protocol's timing policy: the client's defaults (each an option of the client). */
    policy?: {
      requestTimeoutMs: number;
      handshakeTimeoutMs: number;
      unstableAfterMs?: number;
      reconnect: { initialDelayMs: number; maxDelayMs: number; factor: number; jitter: number; minUptimeForResetMs: number };
    };
  };
  /** The socket address for a server base URL and the connection options (adds path and query). */
  socketUrl(base: string, query: Readonly<Record<string, string>>): string;
  encodeRequest(id: string, action: string, payload: unknown): unknown;
  /** The frame's kind; for all but `unknown`, its key and payload are written to `into`. */
  classify(frame: unknown, into: FrameFields): FrameKind;
  /** The server's error (type and message) inside an error frame's payload. */
  readError(payload: unknown): { type: string; message: string } | undefined;
  /** The name of the error response message, for `validate`. */
  errorMessage: string;
  /**
   * The payload guard of each message, by message name. Absent, nothing is checked: bundles that
   * leave validation out do not carry the guards at all.
   */
  guards?: Readonly<Record<string, Guard>>;
  /**
   * Loads what explains a failed check (`@customer-chat/validators/explain`): only a failure needs
   * it, so a browser bundle keeps it in a chunk of its own. The client starts loading it when it connects.
   */
  loadExplainer?: () => Promise<Explain>;
}
