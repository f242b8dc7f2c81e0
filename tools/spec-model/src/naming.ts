// Generated identifiers come from spec names: a message's `name` (`note_posted` -> `NotePosted`)
// and a schema's component key (used as is).

/** `user_is_typing` -> `UserIsTyping`, as the generator names a message's declarations. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

/** A message name: the event or action on the wire and in the SDK. */
export const MESSAGE_NAME = /^[a-z][a-z0-9_]*$/;

/** A schema's component key: the name of its generated type. */
export const SCHEMA_NAME = /^[A-Z][A-Za-z0-9]*$/;

/** PascalCase names the generated TypeScript uses itself (built-in types), which a schema cannot take. */
export const RESERVED_TYPE_NAMES = new Set(['Record', 'Array', 'ReadonlyArray', 'Partial', 'Required', 'Readonly', 'Promise', 'Map', 'Set', 'Date', 'Error', 'Object', 'String', 'Number', 'Boolean', 'Symbol']);

/**
 * An operation id (of `operations` or `x-http`): it names an SDK member and a server handler, so it
 * must be an identifier (`send-sneak-peek`, `2send` would not compile). One rule for both.
 */
export function operationIdProblem(id: string): string | undefined {
  return /^[a-z][A-Za-z0-9]*$/.test(id) ? undefined : `operation id "${id}" must be camelCase: it names an SDK member`;
}
