// What the protocol-agnostic runtime needs to know about a protocol. The generated
// `src/gen/protocol.ts` provides one of these, read from the AsyncAPI document; the runtime never
// names an action, an event or a frame field itself.

export interface ValidationIssue {
  path: string;
  message: string;
  keyword: string;
}

/** A payload check: the generated validators of @customer-chat/validators have this shape. */
export type Validate = (data: unknown) => { ok: true; value: unknown } | { ok: false; errors: ValidationIssue[] };

/** What the client does when the server ends the session for a reason. */
export type Reaction = 'reconnect' | 'stay_disconnected' | 'destroy';

/** An incoming frame, told apart by the protocol's constant header fields. */
export type IncomingFrame =
  | { kind: 'response'; id: string; payload: unknown }
  | { kind: 'error'; id: string | null; payload: unknown }
  | { kind: 'push'; action: string; payload: unknown }
  | { kind: 'unknown' };

export interface RequestDescription {
  /** The wire action, e.g. `send_event`. */
  action: string;
  /** The names of the request's message and of its response's, for `validate`. */
  request: string;
  response: string;
}

export interface PushDescription {
  /** The event the client emits for this push. */
  event: string;
  /** The push's message name, for `validate`. */
  message: string;
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
  /** The events the client emits itself (no wire frame). */
  clientEvents: readonly string[];
  /** Server error type -> the `code` of the error the client rejects with. */
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
    events: { connected: string; restored: string; lost: string; disconnected: string };
  };
  /** The socket address for a server base URL and the connection options (adds path and query). */
  socketUrl(base: string, query: Readonly<Record<string, string>>): string;
  encodeRequest(id: string, action: string, payload: unknown): unknown;
  classify(frame: unknown): IncomingFrame;
  /** The server's error (type and message) inside an error frame's payload. */
  readError(payload: unknown): { type: string; message: string } | undefined;
  /** The name of the error response message, for `validate`. */
  errorMessage: string;
  /**
   * Checks a payload against its message's schema. Absent, nothing is checked: bundles that
   * leave validation out do not carry the validators at all.
   */
  validate?: (message: string, data: unknown) => ReturnType<Validate>;
}
