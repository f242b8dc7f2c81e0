// Links in the spec's descriptions: only http:, https:, mailto: and links within the site reach an
// href; any other stops the build naming the description by its JSON pointer. Text that looks like
// HTML stays text in the Markdown pages.
import { beforeAll, describe, expect, it } from 'vitest';
import { findRepositoryRoot } from '../src/build.js';
import { checkDescriptions } from '../src/description-check.js';
import { renderHtmlPage } from '../src/render-html.js';
import { renderMarkdownPage } from '../src/render-markdown.js';
import { linkUrlProblem, parseInline } from '../src/spec-markdown.js';
import { loadModel, type ProtocolModel } from '../src/spec-model.js';
import type { Page } from '../src/doc.js';

const UNSAFE = ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd', '//evil.example/x', '/x', '../x.html', 'java\tscript:alert(1)', '\\\\evil.example'];
const SAFE = ['https://example.com/a?b=c#d', 'http://example.com', 'mailto:someone@example.com', '#channel', 'events.html#new_event', 'schemas.html', './methods.html#login'];

describe('link URLs in descriptions', () => {
  it('allows http, https, mailto and in-site links, and nothing else', () => {
    for (const url of SAFE) expect(linkUrlProblem(url), url).toBeUndefined();
    for (const url of UNSAFE) expect(linkUrlProblem(url), url).toBeDefined();
  });

  it('refuses an unsafe link when reading a description, naming the link', () => {
    expect(parseInline('see [the docs](https://example.com)')).toEqual(['see ', { link: ['the docs'], url: 'https://example.com' }]);
    expect(() => parseInline('click [here](javascript:alert(document.cookie))')).toThrow(/the link \[here\]\(javascript:alert\(document\.cookie\) cannot be in the documentation: the scheme "javascript:" is not allowed/);
    expect(() => parseInline('[x](data:text/html;base64,PHNjcmlwdD4=)')).toThrow(/"data:" is not allowed/);
  });

  it('refuses an unsafe URL in the HTML renderer too, whatever built the link', () => {
    const page = (url: string): Page => ({ name: 'index', title: 'T', summary: 'S', blocks: [{ kind: 'paragraph', content: [{ link: ['x'], url }] }] });
    expect(renderHtmlPage(page('https://example.com'), { title: 'T', version: '1' })).toContain('<a href="https://example.com" rel="noopener">x</a>');
    expect(() => renderHtmlPage(page('javascript:alert(1)'), { title: 'T', version: '1' })).toThrow(/index page: the link to "javascript:alert\(1\)" cannot be in the site/);
  });
});

describe('checkDescriptions', () => {
  let model: ProtocolModel;
  beforeAll(async () => {
    const root = findRepositoryRoot();
    model = await loadModel(`${root}/spec/asyncapi.yaml`, root);
  }, 60_000);

  it('passes the spec as it is', () => {
    expect(() => checkDescriptions(model)).not.toThrow();
  });

  it('names each unsafe description by its JSON pointer in the spec', () => {
    const copy = JSON.parse(JSON.stringify(model)) as ProtocolModel;
    const named = copy.schemas.find((s) => s.name === 'UnknownUser')!;
    (named.schema['properties'] as Record<string, { description: string }>)['type']!.description = 'See [this](javascript:void).';
    copy.info.description = `${copy.info.description ?? ''}\n\nAnd [that](data:text/html,x).`;
    copy.servers[0]!.description = 'Fine [link](https://example.com).';
    let error: unknown;
    try {
      checkDescriptions(copy);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('2 descriptions');
    expect(message).toContain(`${copy.source}#/components/schemas/UnknownUser/properties/type/description: the link [this](javascript:void) cannot be in the documentation: the scheme "javascript:" is not allowed`);
    expect(message).toContain(`${copy.source}#/info/description: the link [that](data:text/html,x)`);
  });
});

describe('Markdown output', () => {
  it('escapes < in text, so raw HTML from a description stays text; code spans keep it as it is', () => {
    const page: Page = { name: 'index', title: 'T', summary: 'S', blocks: [{ kind: 'paragraph', content: [...parseInline('a <script>alert(1)</script> b'), ' ', { code: 'Bearer <token>' }] }] };
    const markdown = renderMarkdownPage(page, new Map());
    expect(markdown).toContain('a &lt;script>alert(1)&lt;/script> b `Bearer <token>`');
    expect(markdown).not.toContain('<script>');
  });
});
