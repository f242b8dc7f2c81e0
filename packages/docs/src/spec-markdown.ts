// Reads the small Markdown subset the spec's `description` fields use (paragraphs, `##` headings,
// lists, pipe tables; code spans, emphasis, links) into the document model.
import type { Block, Inline, TableRow, Target } from './doc.js';

/** Turns a code span into a link when it names something documented (an event, a method...). */
export type Linker = (code: string) => Target | undefined;

const noLinks: Linker = () => undefined;

/**
 * Why a link's URL may not go into the site, or undefined when it may: only `http:`, `https:` and
 * `mailto:` URLs and links within the site (`#anchor`, `events.html#x`) are allowed, so no
 * description can put a `javascript:` or `data:` URL (or a link to another host by `//host`) in an href.
 */
export function linkUrlProblem(url: string): string | undefined {
  // Browsers drop or reinterpret these (`java\tscript:`, `\\host`): no scheme check could be trusted with them.
  if (/[\u0000-\u0020\u007f\\]/.test(url)) return 'it holds a space, a control character or a backslash';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) return ['http', 'https', 'mailto'].includes(scheme) ? undefined : `the scheme "${scheme}:" is not allowed (only http:, https: and mailto:)`;
  if (url.startsWith('//') || url.startsWith('/')) return 'it leaves the site (a path from the root or another host); use a relative link like page.html#anchor';
  if (url.split(/[?#]/)[0]!.split('/').includes('..')) return 'it leaves the site (a "../" path)';
  return undefined;
}

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
      const problem = linkUrlProblem(link[2]!);
      if (problem !== undefined) throw new Error(`the link ${link[0]} cannot be in the documentation: ${problem}`);
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

/**
 * A heading id from its text: `Connection lifecycle` -> `connection-lifecycle`, `概要` -> `概要`
 * (letters and digits of any script kept). Never empty: a heading of punctuation alone is `section`.
 */
export function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}_\s-]/gu, '')
    .trim()
    .replace(/\s+/g, '-');
  return slug === '' ? 'section' : slug;
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
