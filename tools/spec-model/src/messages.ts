// Reads `components.messages` (AsyncAPI 3 Message Objects) as the parser gives them: references
// resolved and traits merged into each message. Kinds and wire actions come from the operations.
import type { AsyncAPIDocumentInterface, MessageInterface, SchemaInterface } from '@asyncapi/parser';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import { isSchemaObject } from '@customer-chat/spec-loader/schema-traversal';
import { MESSAGE_NAME } from './naming.js';
import type { NamedSchemaFinder } from './parser-schemas.js';
import type { ProblemCollector } from './problems.js';
import type { MessageModel, NamedSchema } from './types.js';

/** A message of the model and the parser's JSON of it (what operations point at). */
export interface ReadMessage {
  json: unknown;
  model: MessageModel;
}

export function readMessages(document: AsyncAPIDocumentInterface, schemas: NamedSchema[], finder: NamedSchemaFinder, problems: ProblemCollector): ReadMessage[] {
  const byName = new Map(schemas.map((s) => [s.name, s]));
  /** The one named schema a payload or headers are, or a problem. */
  const named = (schema: SchemaInterface, at: string, problem: string): string | undefined => {
    const names = finder.namesOf(schema);
    if (names.length > 1) problems.add(at, `the schema is each of ${names.join(', ')}: named schemas must differ, or the generated type's name is ambiguous`);
    else if (names.length === 0) problems.add(at, problem);
    return names.length === 1 ? names[0] : undefined;
  };

  return document.components().messages().all().map((message): ReadMessage => {
    const key = message.id();
    const pointer = appendPointer('/components/messages', key);
    const name = message.name() ?? '';
    if (!MESSAGE_NAME.test(name)) problems.add(pointer, 'a message needs a snake_case `name`: it is the event or action name');

    const payload = message.payload();
    // Generated types need a name for every payload: inline payloads would need invented ones.
    const payloadName = payload && named(payload, appendPointer(pointer, 'payload'), 'a payload must be a $ref to a named schema under components.schemas (it names the generated type)');
    // Headers are the frame's top-level fields: the named headers schema, inlined.
    const headers = message.headers();
    const headersSchema = headers && named(headers, appendPointer(pointer, 'headers'), 'headers must be a $ref to a named schema under components.schemas (it names the frame type)');

    const model: MessageModel = {
      key,
      name,
      kind: 'push',
      pointer,
      title: message.title(),
      summary: message.summary(),
      description: message.description(),
      payload: payload === undefined ? undefined : { ref: payloadName ?? '' },
      headers: headersSchema === undefined ? undefined : structuredClone(byName.get(headersSchema)!.schema),
      headersSchema,
      action: undefined,
      examples: message.examples().all().map((e) => ({ name: e.name(), summary: e.summary(), payload: structuredClone(e.payload()) as unknown })),
      clientEvent: readClientEvent(message, pointer, problems),
      // Known once every message is read (build-model.ts).
      payloadOptional: false,
      correlationField: readCorrelation(message, pointer, problems),
      introduction: readIntroduction(message, pointer, problems),
    };
    return { json: message.json(), model };
  });
}

function readClientEvent(message: MessageInterface, pointer: string, problems: ProblemCollector): MessageModel['clientEvent'] {
  const raw = message.extensions().get('x-client-event')?.value<unknown>();
  if (raw === undefined) return undefined;
  const { event, payload } = isSchemaObject(raw) ? raw : {};
  if (typeof event !== 'string' || typeof payload !== 'string' || !(payload === '' || payload.startsWith('/'))) {
    problems.add(appendPointer(pointer, 'x-client-event'), 'x-client-event needs `event` (a client event name) and `payload` (a JSON pointer into this payload)');
    return undefined;
  }
  return { event, payload };
}

function readIntroduction(message: MessageInterface, pointer: string, problems: ProblemCollector): boolean {
  const raw = message.extensions().get('x-introduction')?.value<unknown>();
  if (raw === undefined) return false;
  if (typeof raw !== 'boolean') problems.add(appendPointer(pointer, 'x-introduction'), 'x-introduction is true (or left out): whether this push introduces a user before what names them');
  return raw === true;
}

/** AsyncAPI 3 correlation ID: only `$message.header#/<field>` is supported, as frames carry it at the top level. */
function readCorrelation(message: MessageInterface, pointer: string, problems: ProblemCollector): string | undefined {
  const correlation = message.correlationId();
  if (correlation === undefined) return undefined;
  const location = correlation.location();
  const match = /^\$message\.header#\/([A-Za-z0-9_]+)$/.exec(location ?? '');
  if (!match) {
    problems.add(appendPointer(pointer, 'correlationId'), `correlation id location must be $message.header#/<field>, got ${String(location)}`);
    return undefined;
  }
  return match[1];
}
