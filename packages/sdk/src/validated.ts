// The generated protocol with its payload checks: the guards of @customer-chat/validators decide,
// and its explainer, loaded on first need in a chunk of its own, says why a payload failed (the
// entries that validate use this; `unvalidated` does not).
import { payloadGuards } from '@customer-chat/validators/guards';
import { protocol } from './gen/protocol.js';
import type { ProtocolDescription } from './runtime/protocol.js';

export const validatedProtocol: ProtocolDescription = {
  ...protocol,
  guards: payloadGuards,
  loadExplainer: () => import('@customer-chat/validators/explain').then((module) => module.explainPayload),
};
