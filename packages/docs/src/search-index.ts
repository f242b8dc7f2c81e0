// The search index: every section heading and every anchored table row of the pages (events,
// methods, schemas and their fields, error types and codes, disconnection reasons), with the page
// and anchor it links to. Built from the pages themselves, so every entry points at a real id.
import { plainText, type Block, type Inline, type Page } from './doc.js';

export interface SearchEntry {
  /** Title: `user_is_typing`, `sendEvent`, `ChatSummary.lastEvent`. */
  t: string;
  /** Kind, shown next to the title: `event`, `method`, `schema`, `field`... */
  k: string;
  /** Link: `events.html#user_is_typing`. */
  h: string;
  /** A line of description (also searched). */
  d: string;
}

const HEADING_KIND: Record<Page['name'], string> = { index: 'overview', events: 'event', methods: 'method', protocol: 'protocol', schemas: 'schema', changelog: 'change', console: 'console' };

/** A field of an event's payload or of a method's arguments or result is found before a schema's. */
const FIELD_KIND: Partial<Record<Page['name'], string>> = { events: 'event field', methods: 'method field' };

function rowKind(id: string, page: Page['name']): string {
  if (id.startsWith('error-')) return 'error type';
  if (id.startsWith('code-')) return 'error code';
  if (id.startsWith('reason-')) return 'disconnection';
  if (id.startsWith('server-')) return 'server';
  if (id.startsWith('policy-')) return 'policy';
  return FIELD_KIND[page] ?? 'field';
}

/** Text without the labels (`push`, `optional`): they are shown as the entry's kind. */
function text(content: Inline[]): string {
  return plainText(content.filter((part) => typeof part === 'string' || !('tag' in part))).trim();
}

function clip(text: string, length = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1).trimEnd()}\u2026`;
}

export function searchEntries(pages: Page[]): SearchEntry[] {
  const entries: SearchEntry[] = [];
  for (const page of pages) {
    const visit = (blocks: Block[], sectionLevel: number): void => {
      blocks.forEach((block, index) => {
        if (block.kind === 'section') visit(block.blocks, sectionLevel + 1);
        else if (block.kind === 'heading' && block.level >= 2) {
          // The first paragraphs after a heading describe it (meta line, summary).
          const after = blocks.slice(index + 1, index + 3).filter((b): b is Extract<Block, { kind: 'paragraph' }> => b.kind === 'paragraph' && b.className !== 'label');
          const kind = block.level === 2 && sectionLevel > 0 ? HEADING_KIND[page.name] : 'section';
          entries.push({ t: plainText(block.content), k: kind, h: `${page.name}.html#${block.id}`, d: clip(after.map((p) => text(p.content)).join(' ')) });
        } else if (block.kind === 'table') {
          const owner = [...blocks.slice(0, index)].reverse().find((b) => b.kind === 'heading');
          for (const row of block.rows) {
            if (row.id === undefined) continue;
            // A nested field's row leaves its parent's columns empty: the filled ones are name, type, description.
            const cells = row.cells.map((c) => text(c.content)).filter((cell, i) => i === 0 || cell !== '');
            const kind = rowKind(row.id, page.name);
            const isField = kind.endsWith('field');
            // A field's id is its path (`ChatSummary.lastEvent`); any other row's id is a prefixed
            // anchor (`policy-reconnect.initialDelayMs`), so its title is the name in its first cell.
            const title = isField && row.id.includes('.') ? row.id : cells[0] || row.id;
            // A field's type (when its row has one: a two-column row is name and description), else
            // the owning heading, then the rest; an empty part leaves no separator behind.
            const typed = isField && cells.length >= 3;
            const context = typed ? cells[1]! : !isField && owner?.kind === 'heading' ? plainText(owner.content) : '';
            const rest = cells.slice(typed ? 2 : 1).join(' ');
            const description = [context, rest].filter((part) => part !== '').join(' \u00b7 ');
            entries.push({ t: title, k: kind, h: `${page.name}.html#${row.id}`, d: clip(description) });
          }
        }
      });
    };
    visit(page.blocks, 0);
  }
  return entries;
}
