// @customer-chat/validators/explain: why a payload or a frame failed its guard, as the JSON-pointer
// issues `validate()` gives. A separate entry so that a program which checks with the guards alone
// (the SDK) loads the explainer, with the schemas it walks, only when something is invalid:
// `import('@customer-chat/validators/explain')`.
import { schemaSet } from './gen/schema-set.js';
import { issuesOf, type ValidationIssue } from './runtime/validation.js';

export type { ValidationIssue } from './runtime/validation.js';

/** The definition of the payload or the frame of message `name`; a TypeError for a name without one, as `validate` gives. */
function definition(kind: 'payload' | 'frame', name: string): string {
  const { definitions } = schemaSet();
  const key = `${kind}.${String(name)}`;
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(definitions, key)) {
    const known = Object.keys(definitions).filter((k) => k.startsWith(`${kind}.`)).map((k) => k.slice(kind.length + 1));
    throw new TypeError(`unknown message "${String(name)}" (no ${kind} of that name); known: ${known.join(', ')}`);
  }
  return key;
}

/** Why `data` is not a valid payload of the message `name` (call it once its guard said no). */
export function explainPayload(name: string, data: unknown): ValidationIssue[] {
  return issuesOf(schemaSet(), definition('payload', name), data);
}

/** Why `frame` is not a valid whole frame of the message `name`. */
export function explainFrame(name: string, frame: unknown): ValidationIssue[] {
  return issuesOf(schemaSet(), definition('frame', name), frame);
}
