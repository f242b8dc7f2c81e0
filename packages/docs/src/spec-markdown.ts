// Reads the small Markdown subset the spec's `description` fields use (paragraphs, `##` headings,
// lists, pipe tables; code spans, emphasis, links) into the document model.
import type { Block, Inline, TableRow, Target } from './doc.js';

/** Turns a code span into a link when it names something documented (an event, a method...). */
export type Linker = (code: string) => Target | undefined;

const noLinks: Linker = () => undefined;

/** Parses inline Markdown: `code`, **strong**, *em*, [text](url). */
export function parseInline(text: string, linker: Linker = noLinks): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain !== '') out.push(plain);
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const code = /^(`+)([\s\S]*?[^`])\1(?!`)/.exec(rest);
    if (code) {
      flush();
      const value = code[2]!.trim();
      const target = linker(value);
      out.push(target ? { link: [{ code: value }], to: target } : { code: value });
      i += code[0].length;
      continue;
    }
    const strong = /^\*\*([^*]+)\*\*/.exec(rest);
    if (strong) {
      flush();
      out.push({ strong: parseInline(strong[1]!, linker) });
      i += strong[0].length;
      continue;
    }
    const em = /^\*([^*\s][^*]*)\*/.exec(rest);
    if (em) {
      flush();
      out.push({ em: parseInline(em[1]!, linker) });
      i += em[0].length;
      continue;
    }
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(rest);
    if (link) {
      flush();
      out.push({ link: parseInline(link[1]!, linker), url: link[2]! });
      i += link[0].length;
      continue;
    }
    plain += text[i];
    i += 1;
  }
  flush();
  return out;
}

function splitRow(line: string): string[] {
  let body = line.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|')) body = body.slice(0, -1);
  // A `|` inside a code span belongs to the cell.
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  for (const char of body) {
    if (char === '`') inCode = !inCode;
    if (char === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else cell += char;
  }
  cells.push(cell.trim());
  return cells;
}

/** A heading id from its text: `Connection lifecycle` -> `connection-lifecycle`. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-');
}

export interface ParseOptions {
  linker?: Linker;
  /** Level of the document's `##` headings on the page (they become h2 by default). */
  headingLevel?: 2 | 3;
  /** Prefix of heading ids, to keep them unique on the page. */
  idPrefix?: string;
}

/** Parses a Markdown description into blocks. */
export function parseMarkdown(markdown: string, options: ParseOptions = {}): Block[] {
  const linker = options.linker ?? noLinks;
  const blocks: Block[] = [];
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!.trim();
    if (line === '') {
      i += 1;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const text = heading[2]!.trim();
      const level = Math.min(3, Math.max(2, (options.headingLevel ?? 2) + heading[1]!.length - 2)) as 2 | 3;
      blocks.push({ kind: 'heading', level, id: `${options.idPrefix ?? ''}${slugify(text)}`, content: parseInline(text, linker) });
      i += 1;
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.trim().startsWith('|')) {
        rows.push(splitRow(lines[i]!));
        i += 1;
      }
      const [head, separator, ...body] = rows;
      if (!head || !separator || !separator.every((c) => /^:?-+:?$/.test(c))) throw new Error(`malformed table in description: ${line}`);
      blocks.push({
        kind: 'table',
        head,
        rows: body.map((cells): TableRow => ({ cells: cells.map((c) => ({ content: parseInline(c, linker) })) })),
      });
      continue;
    }
    const listItem = /^(\d+\.|[-*])\s+(.*)$/;
    const first = listItem.exec(line);
    if (first) {
      const ordered = /\d/.test(first[1]!);
      const items: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== '') {
        const current = lines[i]!.trim();
        const item = listItem.exec(current);
        if (item) items.push(item[2]!);
        else items[items.length - 1] += ` ${current}`;
        i += 1;
      }
      blocks.push({ kind: 'list', ordered, items: items.map((item) => parseInline(item, linker)) });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !/^(#{1,6}\s|\||(\d+\.|[-*])\s)/.test(lines[i]!.trim())) {
      paragraph.push(lines[i]!.trim());
      i += 1;
    }
    blocks.push({ kind: 'paragraph', content: parseInline(paragraph.join(' '), linker) });
  }
  return blocks;
}

/** A description that is one paragraph (or several joined), as inline content. */
export function inlineDescription(markdown: string | undefined, linker: Linker = noLinks): Inline[] {
  if (markdown === undefined) return [];
  return parseInline(markdown.replace(/\s*\n\s*/g, ' ').trim(), linker);
}
