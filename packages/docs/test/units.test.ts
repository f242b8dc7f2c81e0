// The small pieces: the HTML builder's escaping, the spec-Markdown reader, the literal printer,
// the highlighter, the seed-style types and the static server.
import { request as httpRequest } from 'node:http';
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
      // Request targets as sent, byte for byte (fetch would normalise `..` away before sending).
      const raw = (method: string, target: string) =>
        new Promise<{ status: number; body: string }>((resolveRaw, rejectRaw) => {
          const req = httpRequest({ host: '127.0.0.1', port: address.port, method, path: target }, (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolveRaw({ status: res.statusCode ?? 0, body }));
          });
          req.on('error', rejectRaw);
          req.end();
        });
      // Dot segments, plain or encoded, resolve inside the site (`/secret.txt` there: none).
      expect(await raw('GET', '/../secret.txt')).toEqual({ status: 404, body: 'Not found\n' });
      expect(await raw('GET', '/%2e%2e/secret.txt')).toEqual({ status: 404, body: 'Not found\n' });
      expect(await raw('GET', '/..%2fsecret.txt')).toEqual({ status: 404, body: 'Not found\n' });
      expect(await raw('GET', '/%2e%2e%5csecret.txt')).toEqual({ status: 404, body: 'Not found\n' });
      // `//index.html` is a path, not a host; an absolute-form target is refused.
      expect(await raw('GET', '//index.html')).toEqual({ status: 200, body: '<!DOCTYPE html><title>x</title>' });
      expect(await raw('GET', 'http://elsewhere/index.html')).toEqual({ status: 400, body: 'Bad request\n' });
      expect(await raw('GET', '/%E0%A4%A')).toEqual({ status: 400, body: 'Bad request\n' });
      // The method first, whatever the path.
      expect(await raw('POST', '/missing.html')).toEqual({ status: 405, body: 'Method not allowed\n' });
      expect(await raw('DELETE', '/')).toEqual({ status: 405, body: 'Method not allowed\n' });
      // A file that comes and goes while it is asked for (a rebuild): each request is answered, the server stays up.
      const flicker = join(root, 'site', 'flicker.txt');
      const statuses = new Set<number>();
      for (let i = 0; i < 300; i += 1) {
        if (i % 2 === 0) writeFileSync(flicker, 'x'.repeat(1000));
        const asked = raw('GET', '/flicker.txt');
        if (i % 3 === 0) rmSync(flicker, { force: true });
        statuses.add((await asked).status);
      }
      expect([...statuses].every((status) => status === 200 || status === 404)).toBe(true);
      expect((await fetch(`${base}/`)).status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(root, { recursive: true, force: true });
    }
  });
});
