// The small pieces: the HTML builder's escaping, the spec-Markdown reader, the literal printer,
// the highlighter, the seed-style types and the static server.
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comment, fragment, h, lines } from '../src/html.js';
import { highlight } from '../src/highlight.js';
import { jsLiteral } from '../src/js-literal.js';
import { parseInline, parseMarkdown } from '../src/spec-markdown.js';
import { headingSlug } from '../src/render-markdown.js';
import { argumentName, payloadShape, seedType } from '../src/fields.js';
import type { ProtocolModel } from '../src/spec-model.js';
import { PACKAGE_DIR } from './helpers.js';

describe('html builder', () => {
  it('escapes text and attributes', () => {
    expect(h('a', { href: '/?a=1&b="2"', title: "<it's>" }, '<b>&</b>').markup).toBe('<a href="/?a=1&amp;b=&quot;2&quot;" title="&lt;it\'s&gt;">&lt;b&gt;&amp;&lt;/b&gt;</a>');
  });
  it('drops false and undefined attributes, writes true ones bare, keeps built children as markup', () => {
    expect(h('details', { open: true, hidden: false, id: undefined }, h('summary', {}, 'x'), null, false, ['y', 1]).markup).toBe('<details open><summary>x</summary>y1</details>');
  });
  it('refuses children on void elements, bad names and comments that would end early', () => {
    expect(() => h('input', {}, 'x')).toThrow();
    expect(() => h('a b')).toThrow();
    expect(() => h('a', { 'on click': 'x' })).toThrow();
    expect(() => comment('a -- b')).toThrow();
    expect(h('br').markup).toBe('<br>');
  });
  it('joins block content on lines', () => {
    expect(lines(h('p', {}, 'a'), [h('p', {}, 'b')], null).markup).toBe('<p>a</p>\n<p>b</p>');
    expect(fragment('a', h('i', {}, 'b')).markup).toBe('a<i>b</i>');
  });
});

describe('spec markdown', () => {
  it('reads code spans, emphasis and links, linking known names', () => {
    const linker = (code: string) => (code === 'new_event' ? { page: 'events' as const, id: 'new_event' } : undefined);
    expect(parseInline('a *frame* with `new_event` and `other`, see [x](https://example.com)', linker)).toEqual([
      'a ',
      { em: ['frame'] },
      ' with ',
      { link: [{ code: 'new_event' }], to: { page: 'events', id: 'new_event' } },
      ' and ',
      { code: 'other' },
      ', see ',
      { link: ['x'], url: 'https://example.com' },
    ]);
  });
  it('reads headings, tables with code holding pipes, and lists', () => {
    const blocks = parseMarkdown('Intro\nline.\n\n## Frames\n\n| a | b |\n| - | - |\n| `x | y` | 2 |\n\n1. one\n   more\n2. two\n');
    expect(blocks.map((b) => b.kind)).toEqual(['paragraph', 'heading', 'table', 'list']);
    expect(blocks[0]).toEqual({ kind: 'paragraph', content: ['Intro line.'] });
    expect(blocks[1]).toMatchObject({ level: 2, id: 'frames' });
    expect(blocks[2]).toMatchObject({ head: ['a', 'b'], rows: [{ cells: [{ content: [{ code: 'x | y' }] }, { content: ['2'] }] }] });
    expect(blocks[3]).toEqual({ kind: 'list', ordered: true, items: [['one more'], ['two']] });
  });
  it('makes GitHub-style heading slugs', () => {
    expect(headingSlug('Connection lifecycle')).toBe('connection-lifecycle');
    expect(headingSlug('sendEvent')).toBe('sendevent');
    expect(headingSlug('new_event')).toBe('new_event');
  });
});

describe('js literals and highlighting', () => {
  it('prints single-quoted, bare-keyed literals, breaking lines that are too long', () => {
    expect(jsLiteral({ chat: 'a', 'x-y': [1, true, null], s: "it's" })).toBe("{ chat: 'a', 'x-y': [1, true, null], s: 'it\\'s' }");
    expect(jsLiteral({ a: 'x'.repeat(30), b: { c: 'y'.repeat(30) } }, 0, 50)).toBe(`{\n  a: '${'x'.repeat(30)}',\n  b: { c: '${'y'.repeat(30)}' },\n}`);
  });
  it('highlights keywords, strings, numbers and comments, escaping the rest', () => {
    const out = highlight("const a = 'x<y'; // note\nawait api.on(1);", 'ts').markup;
    expect(out).toBe('<span class="tok-keyword">const</span> a = <span class="tok-string">\'x&lt;y\'</span>; <span class="tok-comment">// note</span>\n<span class="tok-keyword">await</span> api.on(<span class="tok-number">1</span>);');
    expect(highlight('payload.type', 'ts').markup).toBe('payload.type');
    expect(highlight("{ type: 'x' }", 'ts').markup).toBe('{ type: <span class="tok-string">\'x\'</span> }');
    expect(highlight('default:', 'ts').markup).toBe('<span class="tok-keyword">default</span>:');
    expect(highlight('{ "a": "b" }', 'json').markup).toBe('{ <span class="tok-key">"a"</span>: <span class="tok-string">"b"</span> }');
  });
});

describe('seed-style types', () => {
  const model = {
    source: 'test.yaml',
    discriminators: [],
    catalogueSchemas: { errorType: 'ErrorType', clientErrorCode: 'ClientErrorCode', disconnectionReason: 'DisconnectionReason' },
    schemas: [
      { name: 'Id', pointer: '', description: 'An id.', schema: { type: 'string' } },
      { name: 'Count', pointer: '', description: undefined, schema: { type: 'integer' } },
      { name: 'Item', pointer: '', description: undefined, schema: { type: 'object', properties: { id: { $ref: '#/definitions/Id' } } } },
      {
        name: 'Page',
        pointer: '',
        description: undefined,
        schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { $ref: '#/definitions/Item' } }, total: { $ref: '#/definitions/Count' }, when: { type: ['integer', 'null'] } } },
      },
    ],
  } as unknown as ProtocolModel;
  it('writes integers as number, arrays as T[], nullable as "T or null"', () => {
    expect(seedType(model, { $ref: '#/definitions/Count' })).toBe('number');
    expect(seedType(model, { type: 'array', items: { $ref: '#/definitions/Item' } })).toBe('object[]');
    expect(seedType(model, { type: 'array', items: { $ref: '#/definitions/Id' } })).toBe('string[]');
    expect(seedType(model, { type: ['integer', 'null'] })).toBe('number or null');
  });
  it('nests the fields of arrays of objects one level down, marking optional ones', () => {
    const shape = payloadShape({ model, linker: () => undefined, expandNamed: true }, 'Page');
    expect(shape.kind).toBe('object');
    if (shape.kind !== 'object') return;
    expect(shape.nested).toBe(true);
    expect(shape.rows.map((r) => [r.path.join('.'), r.type, r.required])).toEqual([
      ['items', 'object[]', true],
      ['items.id', 'string', false],
      ['total', 'number', false],
      ['when', 'number or null', false],
    ]);
    expect(payloadShape({ model, linker: () => undefined, expandNamed: true }, 'Id')).toMatchObject({ kind: 'value', argument: 'id', type: 'string' });
    expect(payloadShape({ model, linker: () => undefined, expandNamed: true }, undefined)).toEqual({ kind: 'none' });
  });
  it('names a bare argument after its schema', () => {
    expect(argumentName('UserId')).toBe('id');
    expect(argumentName('DisconnectionReason')).toBe('reason');
  });
});

describe('bin/customer-chat-docs.mjs', () => {
  it('serves the site on 127.0.0.1 and nothing outside it', async () => {
    const { serve } = (await import(join(PACKAGE_DIR, 'bin', 'customer-chat-docs.mjs'))) as { serve: (o: { root: string; port: number }) => Promise<import('node:http').Server> };
    mkdirSync(join(PACKAGE_DIR, '.tmp'), { recursive: true });
    const root = mkdtempSync(join(PACKAGE_DIR, '.tmp', 'serve-'));
    mkdirSync(join(root, 'site'));
    writeFileSync(join(root, 'site', 'index.html'), '<!DOCTYPE html><title>x</title>');
    writeFileSync(join(root, 'secret.txt'), 'secret');
    const server = await serve({ root: join(root, 'site'), port: 0 });
    try {
      const address = server.address() as AddressInfo;
      expect(address.address).toBe('127.0.0.1');
      const base = `http://127.0.0.1:${address.port}`;
      const index = await fetch(`${base}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await index.text()).toContain('<title>x</title>');
      expect((await fetch(`${base}/missing.html`)).status).toBe(404);
      expect((await fetch(`${base}/%2e%2e/secret.txt`)).status).not.toBe(200);
      expect((await fetch(`${base}/..%2fsecret.txt`)).status).not.toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(root, { recursive: true, force: true });
    }
  });
});
