// Lays a payload's shape out as the seed's tables do: `shape | type | shape | type | description`
// when fields nest, `shape | type | description` when they do not, `argument | type | description`
// for a bare value, and the seed's sentence when there is no payload.
import type { Block, Inline, TableRow } from './doc.js';
import type { FieldRow, Shape } from './fields.js';

export const NO_PAYLOAD = "This event doesn't carry any additional payload.";

const OPTIONAL: Inline = { tag: 'optional', tone: 'muted' };

function description(row: FieldRow): Inline[] {
  return row.required ? row.description : [OPTIONAL, ' ', ...row.description];
}

export interface TableOptions {
  /** The sentence when there is nothing to show (the seed's, for events). */
  none?: string;
  /** The sentence for an object without fields. */
  empty?: string;
  /** Row ids: `prefix.field` (and `prefix.field.nested`), so search results and links can point at a field. */
  rowIdPrefix?: string;
  /** Accessible name of the table. */
  label: string;
}

/** The blocks that show a shape: one table, or one sentence. */
export function shapeBlocks(shape: Shape, options: TableOptions): Block[] {
  switch (shape.kind) {
    case 'none':
      return [{ kind: 'paragraph', content: [options.none ?? NO_PAYLOAD] }];
    case 'value':
      return [
        {
          kind: 'table',
          className: 'fields argument',
          label: options.label,
          head: ['argument', 'type', 'description'],
          rows: [
            {
              cells: [{ content: [shape.argument], code: true }, { content: [shape.type], code: true }, { content: shape.optional === true ? [OPTIONAL, ' ', ...shape.description] : shape.description }],
              ...(options.rowIdPrefix === undefined ? {} : { id: `${options.rowIdPrefix}.${shape.argument}` }),
            },
          ],
        },
      ];
    case 'object': {
      if (shape.rows.length === 0 && shape.open === undefined) return [{ kind: 'paragraph', content: [options.empty ?? 'An empty object.'] }];
      const rows: TableRow[] = shape.rows.map((row): TableRow => {
        const name = row.path[row.path.length - 1]!;
        const id = options.rowIdPrefix === undefined ? undefined : `${options.rowIdPrefix}.${row.path.join('.')}`;
        const cells = shape.nested
          ? row.path.length === 1
            ? [{ content: [name], code: true }, { content: [row.type], code: true }, { content: [] }, { content: [] }, { content: description(row) }]
            : [{ content: [] }, { content: [] }, { content: [name], code: true }, { content: [row.type], code: true }, { content: description(row) }]
          : [{ content: [name], code: true }, { content: [row.type], code: true }, { content: description(row) }];
        return { cells, ...(id === undefined ? {} : { id }), ...(row.path.length > 1 ? { className: 'nested' } : {}) };
      });
      if (shape.open !== undefined) {
        const blank = shape.nested ? [{ content: [] }, { content: [] }, { content: [] }] : [{ content: [] }];
        rows.push({ cells: [{ content: ['...'] }, ...blank, { content: shape.open }], className: 'open' });
      }
      return [
        {
          kind: 'table',
          className: shape.nested ? 'fields nested-fields' : 'fields',
          label: options.label,
          head: shape.nested ? ['shape', 'type', 'shape', 'type', 'description'] : ['shape', 'type', 'description'],
          rows,
        },
      ];
    }
  }
}
