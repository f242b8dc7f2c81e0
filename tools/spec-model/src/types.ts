// The intermediate model: everything the generator, the docs, spec-diff and the tests need, read
// once from the AsyncAPI document. None of them looks at the document itself.
// Operations hold their messages as objects (the same objects as in `messages`): no lookup by key.

/** A JSON Schema (draft-07) object as found in the document, AsyncAPI-only keys removed. */
export type JsonSchema = { [keyword: string]: unknown };

export interface NamedSchema {
  /** The component key, e.g. `Event`: the name of the generated type. */
  name: string;
  /** JSON pointer of the schema in the document, e.g. `/components/schemas/Event`. */
  pointer: string;
  description: string | undefined;
  /**
   * Plain JSON Schema draft-07. References to other named schemas are `#/definitions/<Name>`;
   * `x-` extensions are removed; `discriminator` (a property name) is kept on unions.
   */
  schema: JsonSchema;
}

/** A union discriminated by a property, each branch a named object schema with a `const`. */
export interface Discriminator {
  union: string;
  property: string;
  branches: Array<{ value: string; schema: string }>;
  /** The branch that takes the values no other branch names (`not: { enum: [...] }`), if any. */
  fallback: string | undefined;
}

export type MessageKind = 'request' | 'response' | 'error' | 'push' | 'client';

export interface MessageModel {
  /** The component key, e.g. `sendEventRequest`. */
  key: string;
  /** The message's `name`: the event name for pushes and client events, the action for requests. */
  name: string;
  kind: MessageKind;
  pointer: string;
  title: string | undefined;
  summary: string | undefined;
  description: string | undefined;
  /** Named schema of the payload; undefined when the message carries nothing. */
  payload: { ref: string } | undefined;
  /** Frame headers schema (top-level frame fields besides `payload`); undefined for client events. */
  headers: JsonSchema | undefined;
  /** Name of the named schema the headers are. */
  headersSchema: string | undefined;
  /** The `action` on the wire: the message name for requests and pushes, the request's action for replies. */
  action: string | undefined;
  examples: Array<{ name: string | undefined; summary: string | undefined; payload: unknown }>;
  /** For a push the SDK turns into a client event (`x-client-event`): the event, and the JSON pointer of its payload in this push's payload. */
  clientEvent: { event: string; payload: string } | undefined;
  /**
   * For a client event: true when a push it comes from may leave the event's payload out (its
   * `x-client-event` pointer passes a property that is not required), so a listener may get
   * `undefined`. False for every other message.
   */
  payloadOptional: boolean;
  /** `correlationId` location field in the headers (e.g. `requestId`), for requests and replies. */
  correlationField: string | undefined;
  /**
   * `x-introduction: true`: the push that introduces a user the connection has not met. It may come
   * before any response or push that names that user, without being listed in `x-pushes`. At most
   * one push is the introduction.
   */
  introduction: boolean;
}

export interface RequestOperationModel {
  /** The operation id, e.g. `sendEvent`: the SDK method's name. */
  id: string;
  action: string;
  title: string | undefined;
  summary: string | undefined;
  description: string | undefined;
  request: MessageModel;
  response: MessageModel;
  /** The error response (shared by every request). */
  error: MessageModel;
  /**
   * Error types of the catalogue this request may fail with: its own (`x-errors`) and those every
   * request may get (the error response's `x-errors`), in catalogue order.
   */
  errors: string[];
  /** The pushes this request makes the server send (`x-pushes`), and to which connections. */
  pushes: RequestPushModel[];
}

/**
 * A push a request causes (`x-pushes`). `requester`: the connection that sent the request gets it,
 * before the request's response; `others`: the customer's other connections (and the chat's other
 * users) get it, in no set order with the response.
 */
export interface RequestPushModel {
  /** The push message's name (its wire action). */
  push: string;
  requester: boolean;
  others: boolean;
  /** When the push is conditional, the condition in words (e.g. only when the stored value changes). */
  when: string | undefined;
  /** The name of a request example that causes the push (a conditional push); checkers use the first example otherwise. */
  example: string | undefined;
}

export interface ReceiveOperationModel {
  id: string;
  message: MessageModel;
  emittedBy: 'server' | 'client';
}

export interface EnumEntry {
  value: string;
  description: string;
}

/** What the client does on every connection (`x-client-lifecycle`). */
export interface ClientLifecycle {
  /** Request sent first; `tokenArgument` of its arguments is filled from the SDK's getToken. */
  login: { operation: string; tokenArgument: string };
  /** Request sent next; its result is the payload of the connected / restored events. */
  ready: { operation: string };
  /**
   * `unstable` and `recovered` (both or neither): emitted while connected when a request waits
   * longer than the policy's `unstableAfterMs`, and when none does any more.
   */
  events: { connected: string; restored: string; lost: string; disconnected: string; unstable?: string; recovered?: string };
  /** How a client waits and retries (`policy`); undefined when the document leaves it to the client. */
  policy: ClientPolicy | undefined;
}

/** Timing policy of the client (`x-client-lifecycle.policy`), in milliseconds. */
export interface ClientPolicy {
  requestTimeoutMs: number;
  handshakeTimeoutMs: number;
  /** How long a request may wait for its response before the link counts as unstable; required with the `unstable` event. */
  unstableAfterMs?: number;
  reconnect: { initialDelayMs: number; maxDelayMs: number; factor: number; jitter: number; minUptimeForResetMs: number };
}

/** The header fields with a fixed value (`const`) for each kind of wire frame: how frames are told apart. */
export type FrameConstants = Record<'request' | 'response' | 'error' | 'push', Record<string, string | boolean | number>>;

/** The channel the wire messages travel on, and the WebSocket query parameters it takes. */
export interface WireChannel {
  address: string;
  query: Array<{ name: string; required: boolean; description: string | undefined }>;
  /** The whole query schema of the WebSocket binding (`{}` when there is none), as the spec writes it. */
  querySchema: JsonSchema;
}

/** An operation a client makes over plain HTTP beside the socket (`x-http`), e.g. a file upload. */
export interface HttpOperationModel {
  /** The key under `x-http`, e.g. `uploadFile`. */
  id: string;
  pointer: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute path on the server's HTTP origin (the socket's host, `http`/`https` for `ws`/`wss`). */
  path: string;
  title: string | undefined;
  summary: string | undefined;
  description: string | undefined;
  /** `bearer`: the customer's access token as `Authorization: Bearer <token>`. */
  auth: 'bearer' | undefined;
  query: Array<{ name: string; required: boolean; maxLength: number | undefined; description: string | undefined }>;
  /** A raw body: its `Content-Type` one of `contentTypes`, at most `maxBytes` long. */
  body: { contentTypes: string[]; maxBytes: number } | undefined;
  /** The success status and the named schema of its JSON body. */
  response: { status: number; schema: string };
  /** Client error codes (`ClientErrorCode`) only this operation raises, e.g. a cancelled upload. */
  clientCodes: string[];
  /** The named schema of every error's JSON body, and the statuses the operation answers with. */
  errors: { schema: string; statuses: Array<{ status: number; description: string }> };
}

/** A `{name}` in a server's URL: its default, what it is, and the values it may take when the spec lists them. */
export interface ServerVariable {
  name: string;
  default: string | undefined;
  description: string | undefined;
  values: string[] | undefined;
}

export interface ProtocolModel {
  /** Path of the document relative to the repository root, for headers and doc links. */
  source: string;
  /** `docsUrl`: the published documentation site (`info.externalDocs.url`), for links in generated code. */
  info: { title: string; version: string; description: string | undefined; docsUrl: string | undefined };
  schemas: NamedSchema[];
  discriminators: Discriminator[];
  /** Messages in document order; names are unique. */
  messages: MessageModel[];
  requests: RequestOperationModel[];
  receives: ReceiveOperationModel[];
  errorTypes: Array<EnumEntry & { clientCode: string }>;
  clientErrorCodes: EnumEntry[];
  /** The names of the schemas the catalogues are read from (generated type names). */
  catalogueSchemas: { errorType: string; clientErrorCode: string; disconnectionReason: string };
  disconnectionReasons: Array<EnumEntry & { reaction: 'reconnect' | 'stay_disconnected' | 'destroy' }>;
  /** The WebSocket close code a server closes with after a disconnection push (`x-close-code` of the reasons); undefined when the document does not say. */
  disconnectCloseCode: number | undefined;
  /** Error types any request may get (the error response's `x-errors`), in catalogue order. */
  commonErrors: string[];
  /**
   * The error type each situation gets (`x-answers` of the error catalogue), by situation:
   * `refused_token`, `before_login`, `invalid_frame`, `unknown_id`, `closed_thread`, `unknown_group`.
   */
  errorAnswers: Record<string, string>;
  /** Undefined when the document has no `x-client-lifecycle` (then no client can be generated). */
  lifecycle: ClientLifecycle | undefined;
  frameConstants: FrameConstants;
  channel: WireChannel;
  /** `servers`, in document order, as WebSocket base URLs (`{var}` left in place), with the variables that fill them. */
  servers: Array<{ name: string; url: string; title: string | undefined; description: string | undefined; variables: ServerVariable[] }>;
  /** The header field that correlates a reply with its request. */
  correlationField: string;
  /** Where an error response carries the server's error; always there when `lifecycle` is. */
  errorShape: ErrorShape | undefined;
  /** The HTTP operations beside the socket (`x-http`), in document order. */
  http: HttpOperationModel[];
}

/** The error response's payload is `{ [property]: { [typeField], [messageField] } }`. */
export interface ErrorShape {
  /** The named schema of the error response's payload (`ErrorResult`). */
  payloadSchema: string;
  /** Its one required property, holding the error (`error`). */
  property: string;
  /** Its field holding the error type (`type`). */
  typeField: string;
  /** Its field holding the explanation (`message`). */
  messageField: string;
}
