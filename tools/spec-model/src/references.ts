// The model's references between named schemas: `#/definitions/<Name>`, the form the generated
// JSON Schemas use, where each named schema is one definition.
import { formatPointer, parsePointer } from '@customer-chat/spec-loader/json-pointer';

const PREFIX = '#/definitions/';

/** `Event` -> `#/definitions/Event`. */
export function definitionRef(name: string): string {
  return `#${formatPointer(['definitions', name])}`;
}

/** `#/definitions/Event` -> `Event`; undefined for anything else. */
export function definitionName(ref: unknown): string | undefined {
  if (typeof ref !== 'string' || !ref.startsWith(PREFIX)) return undefined;
  const path = parsePointer(ref);
  return path.length === 2 ? path[1] : undefined;
}
