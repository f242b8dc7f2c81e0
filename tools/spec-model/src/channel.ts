// The servers and the one channel with an address (the WebSocket) with its query parameters
// (AsyncAPI 3 channel + WebSocket channel binding).
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { isSchemaObject } from '@customer-chat/spec-loader/schema-traversal';
import type { ProblemCollector } from './problems.js';
import type { JsonSchema, ProtocolModel, WireChannel } from './types.js';

export function readWireChannel(document: AsyncAPIDocumentInterface, problems: ProblemCollector): WireChannel {
  const wire = document.channels().all().filter((channel) => typeof channel.address() === 'string');
  if (wire.length !== 1) {
    problems.add('/channels', `expected exactly one channel with an address (the socket), found ${wire.length}`);
    return { address: '', query: [], querySchema: {} };
  }
  const channel = wire[0]!;
  const query: unknown = channel.bindings().get('ws')?.value<Record<string, unknown>>().query;
  const properties = isSchemaObject(query) && isSchemaObject(query.properties) ? query.properties : {};
  const required = isSchemaObject(query) && Array.isArray(query.required) ? (query.required as unknown[]) : [];
  return {
    address: channel.address() as string,
    query: Object.entries(properties).map(([name, schema]) => ({
      name,
      required: required.includes(name),
      description: isSchemaObject(schema) && typeof schema.description === 'string' ? schema.description : undefined,
    })),
    // A plain copy (the parser's binding value is its own object), for spec-diff to compare.
    querySchema: isSchemaObject(query) ? (structuredClone(query) as JsonSchema) : {},
  };
}

/** `servers`, in document order, as WebSocket base URLs (`{var}` left in place), with the variables that fill them. */
export function readServers(document: AsyncAPIDocumentInterface): ProtocolModel['servers'] {
  return document
    .servers()
    .all()
    .map((server) => ({
      name: server.id(),
      url: `${server.protocol()}://${server.host()}${server.pathname() ?? ''}`,
      title: server.title?.(),
      description: server.description(),
      variables: server
        .variables()
        .all()
        .map((variable) => ({
          name: variable.id(),
          default: variable.defaultValue(),
          description: variable.description(),
          values: variable.hasAllowedValues() ? variable.allowedValues() : undefined,
        })),
    }));
}
