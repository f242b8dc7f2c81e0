// The project's `x-` extensions, by where they may stand: the model reads each (or, for
// `x-emitted-by` on operations and messages, the docs show it). Any other `x-` key is a mistake
// (`x-pushs`), which would otherwise silently lose what it says. The parser's own `x-parser-` keys
// are not the document's. (The spec uses no extension of AsyncAPI's own tools.)
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import type { ProblemCollector } from './problems.js';
import { knownHint } from './suggest.js';

export const EXTENSIONS = {
  document: ['x-http', 'x-client-lifecycle'],
  channel: ['x-emitted-by'],
  operation: ['x-errors', 'x-pushes', 'x-emitted-by'],
  // x-errors: on the error response (the errors every request may get).
  message: ['x-errors', 'x-client-event', 'x-introduction', 'x-emitted-by'],
  // The catalogues (catalogues.ts); any schema may describe its enum values.
  schema: ['x-enum-descriptions', 'x-client-codes', 'x-reactions', 'x-close-code', 'x-answers'],
} as const;

export type ExtensionPlace = keyof typeof EXTENSIONS;
const WHERE: Record<ExtensionPlace, string> = { document: 'the document', channel: 'a channel', operation: 'an operation', message: 'a message', schema: 'a schema' };

/** Reports every `x-` key of `json` that the project does not define for `place`. */
export function checkExtensions(json: unknown, place: ExtensionPlace, pointer: string, problems: ProblemCollector): void {
  if (typeof json !== 'object' || json === null) return;
  const known: readonly string[] = EXTENSIONS[place];
  for (const key of Object.keys(json)) {
    if (!key.startsWith('x-') || key.startsWith('x-parser-') || known.includes(key)) continue;
    problems.add(appendPointer(pointer, key), `unknown extension "${key}" on ${WHERE[place]}${knownHint(key, known)}`);
  }
}

/**
 * `x-emitted-by`: `client` marks what the SDK emits itself (the channel's decides; operations and
 * messages repeat it for readers). Any other value is reported where it stands.
 */
export function checkEmittedBy(json: unknown, pointer: string, problems: ProblemCollector): void {
  const value = (json as Record<string, unknown> | undefined)?.['x-emitted-by'];
  if (value !== undefined && value !== 'client') problems.add(appendPointer(pointer, 'x-emitted-by'), `x-emitted-by is "client" (the SDK emits these itself) or left out, not ${JSON.stringify(value)}`);
}

/** The extensions of the document, its channels, operations and messages (schemas: schemas.ts). */
export function checkDocumentExtensions(document: AsyncAPIDocumentInterface, problems: ProblemCollector): void {
  checkExtensions(document.json(), 'document', '', problems);
  const places: Array<[ExtensionPlace, string, Array<{ id(): string | undefined; json(): unknown }>]> = [
    ['channel', '/channels', document.channels().all()],
    ['operation', '/operations', document.operations().all()],
    ['message', '/components/messages', document.components().messages().all()],
  ];
  for (const [place, base, items] of places) {
    for (const item of items) {
      const pointer = appendPointer(base, item.id() ?? '');
      checkExtensions(item.json(), place, pointer, problems);
      checkEmittedBy(item.json(), pointer, problems);
    }
  }
}
