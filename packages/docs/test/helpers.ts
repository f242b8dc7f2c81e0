// Shared by the tests: builds the documentation into a fresh directory inside the package (so the
// examples resolve @customer-chat/sdk from its node_modules) and reads what the build wrote.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSite, type BuildResult } from '../src/build.js';

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface Built {
  dir: string;
  result: BuildResult;
  read(path: string): string;
  /** Every file under the output directory, relative paths, sorted. */
  list(): string[];
  remove(): void;
}

export async function buildIntoTemporaryDirectory(): Promise<Built> {
  const parent = join(PACKAGE_DIR, '.tmp');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'docs-test-'));
  const result = await buildSite(dir);
  const list = (): string[] => {
    const out: string[] = [];
    const walk = (d: string): void => {
      for (const name of readdirSync(d)) {
        const path = join(d, name);
        if (statSync(path).isDirectory()) walk(path);
        else out.push(relative(dir, path).split('\\').join('/'));
      }
    };
    walk(dir);
    return out.sort();
  };
  return { dir, result, read: (path) => readFileSync(join(dir, path), 'utf8'), list, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The values of an attribute across an HTML document (our own output: quoted, escaped). */
export function attributeValues(html: string, attribute: string): string[] {
  return [...html.matchAll(new RegExp(`\\s${attribute}="([^"]*)"`, 'g'))].map((m) => decode(m[1]!));
}

export function decode(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The text of an HTML fragment: tags dropped, entities decoded. */
export function textOf(html: string): string {
  return decode(html.replace(/<[^>]*>/g, ''));
}

/** The `<section>`s of a page, outermost only (ours do not nest). */
export function sections(html: string): string[] {
  return [...html.matchAll(/<section\b[^>]*>[\s\S]*?<\/section>/g)].map((m) => m[0]);
}

export interface HtmlTable {
  className: string;
  head: string[];
  rows: string[][];
}

export function tables(html: string): HtmlTable[] {
  return [...html.matchAll(/<table\b([^>]*)>([\s\S]*?)<\/table>/g)].map((m) => {
    const className = /class="([^"]*)"/.exec(m[1]!)?.[1] ?? '';
    const cells = (row: string, tag: string) => [...row.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((c) => textOf(c[1]!).trim());
    const head = cells(/<thead>([\s\S]*?)<\/thead>/.exec(m[2]!)?.[1] ?? '', 'th');
    const rows = [...(/<tbody>([\s\S]*?)<\/tbody>/.exec(m[2]!)?.[1] ?? '').matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => cells(r[1]!, 'td'));
    return { className, head, rows };
  });
}
