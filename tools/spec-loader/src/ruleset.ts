// The project's own Spectral rules, on top of @asyncapi/parser's core rules (whose "recommended"
// set only covers AsyncAPI 2). They keep the document good enough to generate docs and typed
// code from: every message named, summarised and exemplified, every schema and field described.
import { pattern, schema, truthy } from '@stoplight/spectral-functions';
import type { RuleDefinition } from '@stoplight/spectral-core';

const warn = 'warn' as const;

export const projectRules = {
  'customer-chat-info-description': {
    description: 'The document describes itself.',
    severity: warn,
    given: '$.info',
    then: { field: 'description', function: truthy },
  },
  'customer-chat-message-name': {
    description: 'Every message has a snake_case `name`: it is the event or action name on the wire and in the SDK.',
    severity: warn,
    given: '$.components.messages[*]',
    then: [
      { field: 'name', function: truthy },
      { field: 'name', function: pattern, functionOptions: { match: '^[a-z][a-z0-9_]*$' } },
    ],
  },
  'customer-chat-message-summary': {
    description: 'Every message has a summary, shown in the docs and the SDK typings.',
    severity: warn,
    given: '$.components.messages[*]',
    then: { field: 'summary', function: truthy },
  },
  'customer-chat-message-examples': {
    description: 'Every message has at least one example.',
    severity: warn,
    given: '$.components.messages[*]',
    then: { field: 'examples', function: truthy },
  },
  'customer-chat-operation-summary': {
    description: 'Every operation has a summary.',
    severity: warn,
    given: '$.operations[*]',
    then: { field: 'summary', function: truthy },
  },
  'customer-chat-schema-description': {
    description: 'Every named schema has a description.',
    severity: warn,
    given: '$.components.schemas[*]',
    then: { field: 'description', function: truthy },
  },
  'customer-chat-property-description': {
    description: 'Every property of every schema has a description (its own or its referenced schema\'s).',
    severity: warn,
    given: "$.components.schemas..[?(@.type === 'object')].properties[*]",
    then: { field: 'description', function: truthy },
  },
  'customer-chat-ref-alone': {
    description: 'A $ref stands alone: the parser replaces the object by the one it references and drops anything beside the $ref.',
    message: 'a $ref stands alone: the parser drops anything beside it, so say it on the referenced object instead',
    severity: warn,
    // Where the references are written, not where the parser has resolved them.
    resolved: false,
    given: '$..[?(@ && @.$ref)]',
    then: { function: schema, functionOptions: { schema: { type: 'object', maxProperties: 1 } } },
  },
} satisfies Record<string, RuleDefinition>;
