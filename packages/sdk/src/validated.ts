// The generated protocol with its payload checks: the validators of @customer-chat/validators,
// looked up by message name (the entries that validate use this; `unvalidated` does not).
import { validate, type MessageName } from '@customer-chat/validators';
import { protocol } from './gen/protocol.js';
import type { ProtocolDescription } from './runtime/protocol.js';

export const validatedProtocol: ProtocolDescription = {
  ...protocol,
  // The generated tables name only messages of the spec, which are the validators' names.
  validate: (message, data) => validate(message as MessageName, data),
};
