// @customer-chat/reference-server: the customer chat protocol on in-memory state, over a real
// WebSocket, with agents and fault injection for development, demos and end-to-end tests.
export { createReferenceServer, DEFAULT_LIMITS, type LimitName, type ReferenceServer, type ReferenceServerOptions } from './server.js';
export { DEFAULT_ADMIN_ORIGINS } from './admin-http.js';
export type { AgentDetails, AgentEventDraft, FileDraft, ReferenceAgent } from './agent.js';
export type { Faults } from './faults.js';
export { ProtocolError, OutgoingFrameError, type OutgoingViolation } from './errors.js';
export { ChatStore, type ChatStoreOptions, type EventDraft } from './chat-store.js';
export { DISCONNECT_CLOSE_CODE, SLOW_CONSUMER_CLOSE_CODE } from './sessions.js';
export { channel, disconnectionReasons, errorTypes, type DisconnectionReason, type ErrorType } from './gen/protocol.js';
export type { ProtocolBreaks } from './protocol-breaks.js';
