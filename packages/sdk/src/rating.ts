// rateChat's check, loaded on first use: whether the rating is the spec's `Rating` (its guard),
// and if not, why (JSON pointers into the update_chat_properties arguments). It imports nothing of
// the client; the client makes the error.
import { isRating } from '@customer-chat/validators/guards';
import type { ValidationIssue } from './runtime/protocol.js';

/** No issues when `args.properties.rating` is a Rating; the issues of `message`'s payload otherwise. */
export async function ratingIssues(message: string, args: { chat: string; properties: { rating: unknown } }): Promise<ValidationIssue[]> {
  if (isRating(args.properties.rating)) return [];
  const { explainPayload } = await import('@customer-chat/validators/explain');
  return explainPayload(message, args);
}
