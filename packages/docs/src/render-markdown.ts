// Renders a page of the document model as Markdown, in the seed's style: `##` per entry, fenced
// code, pipe tables with padded columns. Links point at the heading anchors GitHub and most
// static-site generators derive from heading text.
import { GENERATED_NOTICE, PAGE_LABELS, PAGE_ORDER, plainText, type Block, type Inline, type Page, type Target } from './doc.js';

/** Front-matter weights (the seed's events page has 40). */
const WEIGHTS: Record<Page['name'], number> = { index: 10, protocol: 20, methods: 30, events: 40, schemas: 50, changelog: 55, console: 60 };

/** A heading's anchor as GitHub computes it: lower case, punctuation dropped, spaces to `-`. */
export function headingSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

/** For every element id of every page, the Markdown anchor that reaches it (its heading's slug). */
export type AnchorMap = Map<string, string>;

export function markdownAnchors(pages: Page[]): AnchorMap {
  const anchors: AnchorMap = new Map();
  for (const page of pages) {
    const used = new Map<string, number>();
    const slugOf = (b: Extract<Block, { kind: 'heading' }>): string => {
      const base = headingSlug(plainText(b.content));
      const count = used.get(base) ?? 0;
      used.set(base, count + 1);
      return count === 0 ? base : `${base}-${count}`;
    };
    const visit = (blocks: Block[], sectionIds: string[]): void => {
      let current: string | undefined;
      for (const b of blocks) {
        if (b.kind === 'heading') {
          current = slugOf(b);
          anchors.set(`${page.name}#${b.id}`, current);
          // A section's id reaches the section's first heading.
          for (const id of sectionIds.splice(0)) anchors.set(`${page.name}#${id}`, current);
        } else if (b.kind === 'table' && current !== undefined) {
          for (const row of b.rows) if (row.id !== undefined) anchors.set(`${page.name}#${row.id}`, current);
        } else if (b.kind === 'section') {
          visit(b.blocks, b.id === undefined ? [] : [b.id]);
        }
      }
    };
    visit(page.blocks, []);
  }
  return anchors;
}

function codeSpan(code: string): string {
  const fence = code.includes('`') ? '``' : '`';
  return fence === '``' ? `\`\` ${code} \`\`` : `\`${code}\``;
}

function link(target: Target, from: Page['name'], anchors: AnchorMap): string {
  const anchor = anchors.get(`${target.page}#${target.id}`);
  if (anchor === undefined) throw new Error(`link to ${target.page}#${target.id}: no such anchor`);
  return target.page === from ? `#${anchor}` : `${target.page}.md#${anchor}`;
}

function inline(content: Inline[], page: Page['name'], anchors: AnchorMap): string {
  return content
    .map((part) => {
      // Text, never markup: a `<tag>` in a description stays text on a renderer that passes HTML through.
      if (typeof part === 'string') return part.replace(/</g, '&lt;');
      if ('code' in part) return codeSpan(part.code);
      if ('em' in part) return `*${inline(part.em, page, anchors)}*`;
      if ('strong' in part) return `**${inline(part.strong, page, anchors)}**`;
      if ('link' in part) return `[${inline(part.link, page, anchors)}](${'to' in part ? link(part.to, page, anchors) : part.url})`;
      return `*${part.tag}*`;
    })
    .join('');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function table(b: Extract<Block, { kind: 'table' }>, page: Page['name'], anchors: AnchorMap): string {
  // Field tables leave names and types bare, as the seed's do; other tables set code as code.
  const bare = (b.className ?? '').split(' ').includes('fields');
  const rows = b.rows.map((row) =>
    row.cells.map((c) => {
      const text = c.code && !bare && c.content.length > 0 ? codeSpan(plainText(c.content)) : inline(c.content, page, anchors);
      return cell(text);
    }),
  );
  const widths = b.head.map((head, i) => Math.max(head.length, 3, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(b.head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function block(b: Block, page: Page['name'], anchors: AnchorMap): string {
  switch (b.kind) {
    case 'heading':
      return `${'#'.repeat(b.level)} ${inline(b.content, page, anchors)}`;
    case 'paragraph':
      return inline(b.content, page, anchors);
    case 'code':
      return `\`\`\`${b.language}\n${b.code.replace(/\n$/, '')}\n\`\`\``;
    case 'table':
      return table(b, page, anchors);
    case 'list':
      return b.items.map((item, i) => `${b.ordered ? `${i + 1}.` : '-'} ${inline(item, page, anchors)}`).join('\n');
    case 'section':
      return b.blocks.map((inner) => block(inner, page, anchors)).join('\n\n');
    case 'console':
      return '_The console runs in the HTML site (console.html): it needs a browser to open a socket._';
  }
}

export function renderMarkdownPage(page: Page, anchors: AnchorMap): string {
  const frontMatter = ['---', `title: ${JSON.stringify(page.title)}`, `weight: ${WEIGHTS[page.name]}`, '---'].join('\n');
  const nav = PAGE_ORDER.map((name) => (name === page.name ? `**${PAGE_LABELS[name]}**` : `[${PAGE_LABELS[name]}](${name}.md)`)).join(' · ');
  const body = page.blocks.map((b) => block(b, page.name, anchors)).join('\n\n');
  return `${frontMatter}\n\n<!-- ${GENERATED_NOTICE} -->\n\n${nav}\n\n${body}\n`;
}
