// The schemas page: every named schema of the document with its description, its fields (or
// branches, values, constraints), where it is used, and its examples as JSON.
import { visitSchemas } from '@customer-chat/spec-model';
import type { Block, Inline, Page, Target } from '../doc.js';
import { shapeBlocks } from '../field-table.js';
import { payloadShape, resolve, seedType } from '../fields.js';
import { emittedEvents, refName, type JsonSchema, type NamedSchema } from '../spec-model.js';
import { describeBlocks, label, shapeContext, type PageContext } from './context.js';

const CONSTRAINTS: Array<[keyword: string, text: (value: unknown) => string]> = [
  ['const', (v) => `always ${JSON.stringify(v)}`],
  ['format', (v) => `format ${String(v)}`],
  ['pattern', (v) => `matches ${String(v)}`],
  ['minLength', (v) => `at least ${String(v)} character${v === 1 ? '' : 's'}`],
  ['maxLength', (v) => `at most ${String(v)} characters`],
  ['minimum', (v) => `at least ${String(v)}`],
  ['maximum', (v) => `at most ${String(v)}`],
  ['minItems', (v) => `at least ${String(v)} item${v === 1 ? '' : 's'}`],
  ['maxItems', (v) => `at most ${String(v)} items`],
  ['uniqueItems', () => 'unique items'],
  ['minProperties', (v) => `at least ${String(v)} field${v === 1 ? '' : 's'}`],
  ['maxProperties', (v) => `at most ${String(v)} fields`],
  ['default', (v) => `default ${JSON.stringify(v)}`],
];

function constraints(schema: JsonSchema): string[] {
  return CONSTRAINTS.filter(([keyword]) => keyword in schema).map(([keyword, text]) => text(schema[keyword]));
}

function references(schema: JsonSchema, name: string): boolean {
  let found = false;
  visitSchemas(schema, (node) => (found ||= refName(node) === name));
  return found;
}

/** Where a schema is used: the events and methods whose payload it is, the schemas that refer to it. */
function usedIn(context: PageContext, named: NamedSchema): Inline[] {
  const { model } = context;
  const targets: Array<{ text: string; to: Target }> = [];
  for (const event of emittedEvents(model)) if (event.payload?.ref === named.name) targets.push({ text: event.name, to: { page: 'events', id: event.name } });
  for (const request of model.requests) {
    const args = request.request.payload?.ref;
    const result = request.response.payload?.ref;
    if (args === named.name || result === named.name) targets.push({ text: request.id, to: { page: 'methods', id: request.id } });
  }
  for (const other of model.schemas) if (other.name !== named.name && references(other.schema, named.name)) targets.push({ text: other.name, to: { page: 'schemas', id: other.name } });
  if (targets.length === 0) return [];
  const out: Inline[] = ['Used in '];
  targets.forEach((t, i) => {
    if (i > 0) out.push(', ');
    out.push({ link: [{ code: t.text }], to: t.to });
  });
  out.push('.');
  return out;
}

function enumValues(context: PageContext, values: unknown[]): Block[] {
  const { model } = context;
  const catalogue: Array<{ values: string[]; to: Target; text: string }> = [
    { values: model.errorTypes.map((e) => e.value), to: { page: 'protocol', id: 'error-catalogue' }, text: 'the error catalogue' },
    { values: model.clientErrorCodes.map((e) => e.value), to: { page: 'protocol', id: 'client-error-codes' }, text: 'the client error codes' },
    { values: model.disconnectionReasons.map((e) => e.value), to: { page: 'protocol', id: 'disconnection-reasons' }, text: 'the disconnection reasons' },
  ];
  const list: Inline[] = [`One of ${values.length} values: `];
  values.forEach((value, i) => {
    if (i > 0) list.push(', ');
    list.push({ code: String(value) });
  });
  list.push('.');
  const match = catalogue.find((c) => c.values.length === values.length && c.values.every((v, i) => v === values[i]));
  if (match) list.push(' What each means: ', { link: [match.text], to: match.to }, '.');
  return [{ kind: 'paragraph', content: list }];
}

function body(context: PageContext, named: NamedSchema): Block[] {
  const { model } = context;
  const { schema } = resolve(model, named.schema);
  const alias = refName(named.schema);
  if (alias !== undefined) return [{ kind: 'paragraph', content: ['The same as ', { link: [{ code: alias }], to: { page: 'schemas', id: alias } }, '.'] }];
  const union = model.discriminators.find((d) => d.union === named.name);
  if (union) {
    const items: Inline[][] = union.branches.map((b) => [{ code: `${union.property}: "${b.value}"` }, ' \u2192 ', { link: [{ code: b.schema }], to: { page: 'schemas', id: b.schema } }]);
    if (union.fallback) items.push(['any other ', { code: union.property }, ' \u2192 ', { link: [{ code: union.fallback }], to: { page: 'schemas', id: union.fallback } }]);
    return [
      { kind: 'paragraph', content: ['One of these, told apart by ', { code: union.property }, ':'] },
      { kind: 'list', ordered: false, items },
      label('Fields:'),
      ...shapeBlocks(payloadShape(shapeContext(context, false), named.name), { label: `Fields of ${named.name}`, rowIdPrefix: named.name }),
    ];
  }
  if (Array.isArray(schema['enum'])) return enumValues(context, schema['enum']);
  const props = schema['properties'] as Record<string, unknown> | undefined;
  if (props !== undefined || schema['type'] === 'object') {
    const blocks: Block[] = [];
    const extra = schema['additionalProperties'];
    if (props !== undefined && Object.keys(props).length > 0) {
      blocks.push(label('Fields:'), ...shapeBlocks(payloadShape(shapeContext(context, false), named.name), { label: `Fields of ${named.name}`, rowIdPrefix: named.name }));
    } else if (extra !== undefined && typeof extra === 'object' && extra !== null) {
      const value = extra as JsonSchema;
      const valueName = refName(value);
      blocks.push({
        kind: 'paragraph',
        content: [
          'A map: any field name, each value ',
          valueName === undefined ? { code: seedType(model, value) } : { link: [{ code: valueName }], to: { page: 'schemas', id: valueName } },
          typeof value['description'] === 'string' ? ` (${value['description'].replace(/\.$/, '')})` : '',
          '.',
        ],
      });
    } else {
      blocks.push({ kind: 'paragraph', content: ['An object with no fields of its own.'] });
    }
    const notes = constraints(schema);
    if (extra === false) notes.unshift('closed: unknown fields are rejected');
    if (notes.length > 0) blocks.push({ kind: 'paragraph', className: 'constraints', content: [`${notes.join('; ')}.`.replace(/^./, (c) => c.toUpperCase())] });
    return blocks;
  }
  const notes = constraints(schema);
  return [{ kind: 'paragraph', content: ['Type ', { code: seedType(model, schema) }, ...(notes.length > 0 ? [`: ${notes.join(', ')}.`] : ['.'])] }];
}

function schemaSection(context: PageContext, named: NamedSchema): Block {
  const examples = Array.isArray(named.schema['examples']) ? (named.schema['examples'] as unknown[]) : [];
  const used = usedIn(context, named);
  return {
    kind: 'section',
    className: 'schema',
    blocks: [
      { kind: 'heading', level: 2, id: named.name, content: [named.name] },
      ...describeBlocks(context, named.description),
      ...body(context, named),
      ...(used.length > 0 ? [{ kind: 'paragraph', className: 'used-in', content: used } satisfies Block] : []),
      ...(examples.length === 0 ? [] : [label(examples.length === 1 ? 'Example:' : 'Examples:')]),
      ...examples.map((example): Block => ({ kind: 'code', language: 'json', code: `${JSON.stringify(example, null, 2)}\n` })),
    ],
  };
}

export function schemasPage(context: PageContext): Page {
  const { model } = context;
  return {
    name: 'schemas',
    title: 'Schemas',
    summary: `The ${model.schemas.length} named schemas of the customer chat protocol.`,
    blocks: [
      { kind: 'heading', level: 1, id: 'top', content: ['Schemas'] },
      {
        kind: 'paragraph',
        content: [
          'Every named schema of the document (',
          { code: 'components.schemas' },
          '), in document order. The SDK exports a TypeScript type of the same name for each, and the validators check every payload against them.',
        ],
      },
      ...model.schemas.map((named) => schemaSection(context, named)),
    ],
  };
}
