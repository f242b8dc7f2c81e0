// Renders a page of the document model as a complete, self-contained HTML page: landmarks, a
// sidebar with the pages and this page's sections, the search box, anchored headings, tables and
// highlighted code blocks with a copy button.
import { GENERATED_NOTICE, PAGE_LABELS, PAGE_ORDER, walkBlocks, type Block, type Inline, type Page, type TableRow, type Target } from './doc.js';
import { comment, fragment, h, lines, trusted, type Child, type Html } from './html.js';
import { highlight } from './highlight.js';
import { linkUrlProblem } from './spec-markdown.js';

export interface SiteInfo {
  /** The protocol's title, e.g. `Customer Chat Protocol`. */
  title: string;
  version: string;
}

/** Where the site's assets live, relative to the pages. */
export const ASSETS = {
  css: 'assets/site.css',
  js: 'assets/site.js',
  searchIndex: 'assets/search-index.js',
  console: 'assets/console.js',
  validators: 'assets/validators.js',
} as const;

/** The ids the page layout itself gives elements of every page (besides the page's blocks). */
export const LAYOUT_IDS = ['main', 'search', 'search-status', 'search-results'] as const;

/** The ids of the console's controls (on the page with the console block). */
export const CONSOLE_IDS = ['console', 'console-data', 'console-server', 'console-token-url', 'console-connect', 'console-status', 'console-request', 'console-payload', 'console-validate', 'console-send', 'console-issues', 'console-log-title', 'console-log'] as const;

export function href(target: Target, from: Page['name']): string {
  return target.page === from ? `#${target.id}` : `${target.page}.html#${target.id}`;
}

function inline(content: Inline[], page: Page['name'], links = true): Html {
  return fragment(
    content.map((part): Child => {
      if (typeof part === 'string') return part;
      if ('code' in part) return h('code', {}, part.code);
      if ('em' in part) return h('em', {}, inline(part.em, page, links));
      if ('strong' in part) return h('strong', {}, inline(part.strong, page, links));
      if ('link' in part) {
        const text = inline(part.link, page, links);
        if (!links) return text;
        if ('to' in part) return h('a', { href: href(part.to, page) }, text);
        // The spec's descriptions are checked when parsed; this guards every other way a URL gets here.
        const problem = linkUrlProblem(part.url);
        if (problem !== undefined) throw new Error(`${page} page: the link to "${part.url}" cannot be in the site: ${problem}`);
        return h('a', { href: part.url, rel: 'noopener' }, text);
      }
      return h('span', { class: `tag${part.tone ? ` tag-${part.tone}` : ''}` }, part.tag);
    }),
  );
}

function heading(block: Extract<Block, { kind: 'heading' }>, page: Page['name']): Html {
  // The heading's text is its own anchor link (a link cannot hold another one).
  return h(`h${block.level}`, { id: block.id }, h('a', { class: 'anchor', href: `#${block.id}` }, inline(block.content, page, false)));
}

function codeBlock(block: Extract<Block, { kind: 'code' }>): Html {
  return h(
    'div',
    { class: 'code-block', 'data-example': block.example },
    h('div', { class: 'code-head' }, h('span', { class: 'code-lang' }, block.language === 'ts' ? 'TypeScript' : block.language === 'json' ? 'JSON' : 'Shell'), h('button', { type: 'button', class: 'copy', 'aria-label': 'Copy code to the clipboard' }, 'Copy')),
    h('pre', {}, h('code', { class: `language-${block.language}` }, highlight(block.code, block.language))),
  );
}

function table(block: Extract<Block, { kind: 'table' }>, page: Page['name']): Html {
  const row = (r: TableRow): Html =>
    h('tr', { id: r.id, class: r.className }, r.cells.map((cell) => h('td', {}, cell.code && cell.content.length > 0 ? h('code', {}, inline(cell.content, page)) : inline(cell.content, page))));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: block.className },
      block.label === undefined ? null : h('caption', { class: 'visually-hidden' }, block.label),
      h('thead', {}, h('tr', {}, block.head.map((cell) => h('th', { scope: 'col' }, cell)))),
      h('tbody', {}, lines(block.rows.map(row))),
    ),
  );
}

function block(b: Block, page: Page['name']): Html {
  switch (b.kind) {
    case 'heading':
      return heading(b, page);
    case 'paragraph':
      return h('p', { class: b.className }, inline(b.content, page));
    case 'code':
      return codeBlock(b);
    case 'table':
      return table(b, page);
    case 'list':
      return h(b.ordered ? 'ol' : 'ul', { class: b.className }, b.items.map((item) => h('li', {}, inline(item, page))));
    case 'section':
      return h('section', { class: b.className, id: b.id }, '\n', lines(b.blocks.map((inner) => block(inner, page))), '\n');
    case 'console':
      return consoleBlock(b.data);
  }
}

/** The console's controls; its script (assets/console.js) reads the protocol from the JSON beside them. */
function consoleBlock(data: unknown): Html {
  const field = (id: string, text: string, input: Html) => h('div', { class: 'console-field' }, h('label', { for: id }, text), input);
  return h(
    'div',
    { class: 'console', id: 'console' },
    // `<` escaped so that no text in the data can end the script element.
    trusted(`<script type="application/json" id="console-data">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`),
    h(
      'div',
      { class: 'console-connection' },
      field('console-server', 'Server (socket URL)', h('input', { id: 'console-server', type: 'url', spellcheck: 'false', autocomplete: 'off' })),
      field('console-token-url', 'Token URL (POST)', h('input', { id: 'console-token-url', type: 'url', spellcheck: 'false', autocomplete: 'off' })),
      h('button', { type: 'button', id: 'console-connect' }, 'Connect'),
      h('p', { id: 'console-status', class: 'console-status', role: 'status', 'aria-live': 'polite' }, 'Not connected.'),
    ),
    h(
      'div',
      { class: 'console-request' },
      field('console-request', 'Request', h('select', { id: 'console-request' })),
      field('console-payload', 'Payload (JSON)', h('textarea', { id: 'console-payload', rows: '10', spellcheck: 'false' })),
      h('button', { type: 'button', id: 'console-validate' }, 'Validate'),
      h('button', { type: 'button', id: 'console-send' }, 'Send'),
      h('ul', { id: 'console-issues', class: 'console-issues', 'aria-live': 'polite' }),
    ),
    h('h2', { id: 'console-log-title' }, h('a', { class: 'anchor', href: '#console-log-title' }, 'Frames')),
    h('ol', { id: 'console-log', class: 'console-log', 'aria-labelledby': 'console-log-title' }),
  );
}

function sidebar(page: Page): Html {
  const sections = [...walkBlocks(page.blocks)].filter((b): b is Extract<Block, { kind: 'heading' }> => b.kind === 'heading' && b.level === 2);
  return h(
    'nav',
    { class: 'sidebar', 'aria-label': 'Documentation' },
    h('ul', { class: 'pages' }, PAGE_ORDER.map((name) => h('li', {}, h('a', { href: `${name}.html`, 'aria-current': name === page.name ? 'page' : undefined }, PAGE_LABELS[name])))),
    sections.length === 0
      ? null
      : h(
          'details',
          { class: 'toc', open: true },
          h('summary', {}, 'On this page'),
          h('ul', {}, sections.map((s) => h('li', {}, h('a', { href: `#${s.id}` }, inline(s.content, page.name, false))))),
        ),
  );
}

export function renderHtmlPage(page: Page, site: SiteInfo): string {
  const title = page.name === 'index' ? `${site.title} ${site.version}` : `${page.title} · ${site.title} ${site.version}`;
  const document = lines(
    trusted('<!DOCTYPE html>'),
    comment(GENERATED_NOTICE),
    trusted('<html lang="en">'),
    h(
      'head',
      {},
      h('meta', { charset: 'utf-8' }),
      h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      h('title', {}, title),
      h('meta', { name: 'description', content: page.summary }),
      h('meta', { name: 'generator', content: '@customer-chat/docs' }),
      h('meta', { name: 'color-scheme', content: 'light dark' }),
      // No favicon request: the site makes no request besides its own pages and assets.
      h('link', { rel: 'icon', href: 'data:,' }),
      h('link', { rel: 'stylesheet', href: ASSETS.css }),
      h('script', { src: ASSETS.searchIndex, defer: true }),
      h('script', { src: ASSETS.js, defer: true }),
      ...(page.name === 'console' ? [h('script', { src: ASSETS.validators, defer: true }), h('script', { src: ASSETS.console, defer: true })] : []),
    ),
    trusted('<body>'),
    h('a', { class: 'skip-link', href: '#main' }, 'Skip to content'),
    h(
      'header',
      { class: 'site-header' },
      h('a', { class: 'brand', href: 'index.html' }, site.title, ' ', h('span', { class: 'version' }, `v${site.version}`)),
      h(
        'div',
        { class: 'search', role: 'search' },
        h('label', { for: 'search', class: 'visually-hidden' }, 'Search events, methods, schemas and fields'),
        h('input', { id: 'search', type: 'search', placeholder: 'Search events, methods, fields…', autocomplete: 'off', spellcheck: 'false', 'aria-controls': 'search-results', 'aria-describedby': 'search-status' }),
        h('p', { id: 'search-status', class: 'visually-hidden', 'aria-live': 'polite' }),
        h('ul', { id: 'search-results', class: 'search-results', hidden: true }),
      ),
    ),
    h(
      'div',
      { class: 'layout' },
      sidebar(page),
      h('main', { id: 'main', tabindex: '-1' }, '\n', lines(page.blocks.map((b) => block(b, page.name))), '\n'),
    ),
    h('footer', { class: 'site-footer' }, h('p', {}, `${GENERATED_NOTICE}. ${site.title} ${site.version}.`)),
    trusted('</body>'),
    trusted('</html>'),
  );
  return `${document.markup}\n`;
}
