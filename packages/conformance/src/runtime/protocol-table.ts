// The shape of the table the generator writes from the spec (src/gen/protocol.ts): everything the
// kit and the proxy know about the protocol. The code that reads it is protocol-agnostic.

/** A JSON value, as in a frame. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Where a payload names a thing the kit must create first; `chat` and `thread` come from the chat the kit starts. */
export interface IdSlot {
  /** JSON pointer into the payload. */
  pointer: string;
  id: 'chat' | 'thread';
}

export interface RequestExample {
  name: string;
  payload: Json;
  /** Ids in the payload to replace by ids the server gave out (the spec's example ids exist nowhere). */
  ids: IdSlot[];
}

/** A payload computed from the request's schema that the schema rejects at `pointer`. */
export interface InvalidRequest {
  /** What is wrong, e.g. `missing field chat`. */
  name: string;
  payload: Json;
  ids: IdSlot[];
  /** JSON pointer into the frame of the offending field, e.g. `/payload/chat`. */
  pointer: string;
}

export interface RequestEntry {
  action: string;
  /** The message names of the request, its response and the error response (validator names). */
  request: string;
  response: string;
  /** Error types the request may be answered with (its own and the common ones). */
  errors: string[];
  /** Pushes the request causes (`x-pushes`). */
  /** `example`: the index in `examples` of the request that causes the push (a conditional one needs a particular example). */
  pushes: Array<{ push: string; requester: boolean; others: boolean; when: string | null; example: number }>;
  examples: RequestExample[];
  invalid: InvalidRequest[];
  /** Where one of its examples names an agent group (the kit puts one that does not exist there), when it may fail with the rules' `unknownGroup`. */
  unknownGroup: { example: number; pointer: string } | null;
  /**
   * Where its response's payload names users (the user id schema), as pointer patterns in which `*`
   * is any array item or map value: each user must have been introduced on the connection before.
   */
  userIds: string[];
}

export interface ProtocolTable {
  title: string;
  version: string;
  /** Socket path and its required query parameters. */
  channel: { address: string; query: string[] };
  correlationField: string;
  /** The request a connection starts with, the argument its token goes in, and where its result holds the customer's id. */
  login: { action: string; tokenArgument: string; customerId: string };
  /** A request any logged-in connection may send, without side effects (the SDK's first after login). */
  ready: string;
  /** The error type each situation the kit provokes must be answered with (the spec's `x-answers`). */
  rules: { refusedToken: string; beforeLogin: string; invalidFrame: string; unknownId: string; closedThread: string; unknownGroup: string };
  /** The error response's message name, the payload property holding the error, and the error's fields. */
  error: { message: string; property: string; typeField: string; messageField: string; pointerField: string };
  /** Header fields with fixed values that tell a frame's kind. */
  frameConstants: Record<'request' | 'response' | 'error' | 'push', Record<string, string | boolean | number>>;
  requests: RequestEntry[];
  /** Push message names. */
  pushes: string[];
  /**
   * The push that introduces a user (`x-introduction`): it may come before any reply without being
   * listed in a request's pushes, and must come before a response that names its user. `user`: the
   * pointer in its payload of the user it introduces. Null when the spec has none.
   */
  introduction: { push: string; user: string } | null;
  /** Error types any request may get. */
  commonErrors: string[];
  errorTypes: string[];
  /** The push that ends a session, the pointer of its reason in the payload, the close code after it, the reasons. */
  disconnection: { push: string; reason: string; closeCode: number; reasons: string[] };
  /** Where the chat and thread ids are in the response of the request that starts a chat. */
  chatStart: { action: string; chat: string; thread: string };
  /** The request that closes a chat's thread (with the chat's id as its payload's only id). */
  threadEnd: string;
}
