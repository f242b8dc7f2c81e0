// The TypeScript type of a message's payload in generated SDK code: the named schema's type from the
// validators package, `undefined` when the message carries nothing, and `| undefined` for a client
// event a push may leave out (the seed's optional `disconnected` reason).
import type { MessageModel } from '@customer-chat/spec-model';
import { importSymbol, type Printable } from '../printer/generated-file.js';

export const VALIDATORS = '@customer-chat/validators';

export function payloadType(message: MessageModel): Printable {
  if (message.payload === undefined) return 'undefined';
  const type = importSymbol(message.payload.ref, VALIDATORS, true);
  return message.payloadOptional ? [type, ' | undefined'] : type;
}
