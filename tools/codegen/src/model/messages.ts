// Reads `components.messages` (AsyncAPI 3 Message Objects) with their traits applied: name,
// payload, frame headers and examples. Kinds and wire actions come from the operations.
import { convertSchema, refName } from './schemas.js';
import type { ProblemCollector } from './errors.js';
import type { JsonSchema, MessageModel } from './types.js';

interface RawMessage {
  name?: string;
  title?: string;
  summary?: string;
  description?: string;
  payload?: unknown;
  headers?: unknown;
  traits?: Array<{ $ref?: string } & Record<string, unknown>>;
  examples?: Array<{ name?: string; summary?: string; payload?: unknown }>;
  'x-client-event'?: { event?: string; payload?: string };
  correlationId?: { $ref?: string; location?: string };
  [key: string]: unknown;
}

/** AsyncAPI 3: traits are merged into the message, the message's own fields winning. */
function applyTraits(message: RawMessage, traits: Record<string, Record<string, unknown>>): RawMessage {
  let merged: Record<string, unknown> = {};
  for (const trait of message.traits ?? []) {
    const name = trait.$ref?.replace('#/components/messageTraits/', '');
    merged = { ...merged, ...(name === undefined ? trait : traits[name]) };
  }
  const { traits: _traits, ...own } = message;
  return { ...merged, ...own } as RawMessage;
}

export function readMessages(
  raw: Record<string, unknown>,
  schemaNames: ReadonlySet<string>,
  problems: ProblemCollector,
): Array<Omit<MessageModel, 'kind' | 'action'>> {
  const components = (raw.components ?? {}) as Record<string, Record<string, unknown>>;
  const traits = (components.messageTraits ?? {}) as Record<string, Record<string, unknown>>;
  const rawSchemas = (components.schemas ?? {}) as Record<string, unknown>;
  const correlationIds = (components.correlationIds ?? {}) as Record<string, { location?: string }>;
  return Object.entries((components.messages ?? {}) as Record<string, RawMessage>).map(([key, own]) => {
    const pointer = `/components/messages/${key}`;
    const message = applyTraits(own, traits);
    const name = message.name ?? '';
    if (!/^[a-z][a-z0-9_]*$/.test(name)) problems.add(pointer, 'a message needs a snake_case `name`: it is the event or action name');

    let payload: MessageModel['payload'];
    const rawPayload = message.payload as { $ref?: string } | undefined;
    if (rawPayload?.$ref !== undefined && Object.keys(rawPayload).length === 1) {
      const ref = refName(rawPayload.$ref);
      if (ref === undefined || !schemaNames.has(ref)) problems.add(`${pointer}/payload`, `${rawPayload.$ref} is not a named schema`);
      payload = { ref: ref ?? '' };
    } else if (rawPayload !== undefined) {
      // Generated types need a name for every payload: inline payloads would need invented ones.
      problems.add(`${pointer}/payload`, 'a payload must be a $ref to a named schema under components.schemas (it names the generated type)');
    }

    // Headers are the frame's top-level fields; inline the named headers schema they point to.
    let headers: JsonSchema | undefined;
    const rawHeaders = message.headers as { $ref?: string } | undefined;
    const headersSchema = rawHeaders?.$ref === undefined ? undefined : refName(rawHeaders.$ref);
    if (rawHeaders !== undefined) {
      if (headersSchema === undefined || !schemaNames.has(headersSchema)) {
        problems.add(`${pointer}/headers`, 'headers must be a $ref to a named schema under components.schemas (it names the frame type)');
      } else {
        headers = convertSchema(rawSchemas[headersSchema], `/components/schemas/${headersSchema}`, schemaNames, problems);
      }
    }

    return {
      key,
      name,
      pointer,
      title: message.title,
      summary: message.summary,
      description: message.description,
      payload,
      headers,
      headersSchema,
      examples: (message.examples ?? []).map((e) => ({ name: e.name, summary: e.summary, payload: e.payload })),
      clientEvent: readClientEvent(message['x-client-event'], pointer, problems),
      correlationField: readCorrelation(message.correlationId, correlationIds, pointer, problems),
    };
  });
}

function readClientEvent(raw: RawMessage['x-client-event'], pointer: string, problems: ProblemCollector): MessageModel['clientEvent'] {
  if (raw === undefined) return undefined;
  if (typeof raw.event !== 'string' || typeof raw.payload !== 'string' || !(raw.payload === '' || raw.payload.startsWith('/'))) {
    problems.add(`${pointer}/x-client-event`, 'x-client-event needs `event` (a client event name) and `payload` (a JSON pointer into this payload)');
    return undefined;
  }
  return { event: raw.event, payload: raw.payload };
}

/** AsyncAPI 3 correlation ID: only `$message.header#/<field>` is supported, as frames carry it at the top level. */
function readCorrelation(
  raw: RawMessage['correlationId'],
  components: Record<string, { location?: string }>,
  pointer: string,
  problems: ProblemCollector,
): string | undefined {
  if (raw === undefined) return undefined;
  const location = raw.$ref === undefined ? raw.location : components[raw.$ref.replace('#/components/correlationIds/', '')]?.location;
  const match = /^\$message\.header#\/([A-Za-z0-9_]+)$/.exec(location ?? '');
  if (!match) {
    problems.add(`${pointer}/correlationId`, `correlation id location must be $message.header#/<field>, got ${String(location)}`);
    return undefined;
  }
  return match[1];
}
