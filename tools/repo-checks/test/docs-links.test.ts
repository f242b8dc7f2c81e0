// The `@see` links of generated code point into the published documentation site (the spec's
// `info.externalDocs.url`), which a consumer can open; a repository-relative path would not
// resolve for them. Each link must name a page of the built site and an anchor on that page.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadModel } from '@customer-chat/spec-model';

const here = dirname(fileURLToPath(import.meta.url));
const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: here, encoding: 'utf8' }).trim();
const site = join(root, 'packages', 'docs', 'dist', 'site');

// The site the spec names (`info.externalDocs.url`), read through the one model of the spec.
const docsUrl = (await loadModel()).info.docsUrl ?? '';

/** Every `@see` target of the tracked generated TypeScript, with where it stands. */
function seeLinks(): Array<{ where: string; link: string }> {
  const files = execFileSync('git', ['ls-files', '--', 'packages/*/src/gen/*.ts', 'packages/*/src/gen/**/*.ts'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  return files.flatMap((file) =>
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .flatMap((line, i) => {
        const see = /@see\s+(\S+)/.exec(line);
        return see ? [{ where: `${file}:${i + 1}`, link: see[1]! }] : [];
      }),
  );
}

/** Why a link does not resolve on the built site, or undefined when it does. */
function unresolved(link: string, anchorsOf: (page: string) => Set<string> | undefined): string | undefined {
  if (!link.startsWith(docsUrl)) return `not on the documentation site ${docsUrl}`;
  const [page, anchor] = link.slice(docsUrl.length).split('#') as [string, string | undefined];
  const anchors = anchorsOf(page);
  if (anchors === undefined) return `no page ${page} in the built site`;
  if (anchor === undefined || !anchors.has(decodeURIComponent(anchor))) return `no anchor #${anchor ?? ''} on ${page}`;
  return undefined;
}

const pages = new Map<string, Set<string> | undefined>();
function anchorsOf(page: string): Set<string> | undefined {
  if (!pages.has(page)) {
    const file = join(site, page);
    pages.set(page, existsSync(file) ? new Set([...readFileSync(file, 'utf8').matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!)) : undefined);
  }
  return pages.get(page);
}

describe('@see links of generated code', () => {
  const links = seeLinks();

  it('exist, and the spec names the documentation site', () => {
    expect(docsUrl).toMatch(/^https:\/\/.+\/$/);
    expect(links.length).toBeGreaterThan(50);
  });

  it('all resolve to a page and an anchor of the built docs site', () => {
    const broken = links.flatMap(({ where, link }) => {
      const why = unresolved(link, anchorsOf);
      return why ? [`${where}: ${link}: ${why}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it('would report a repository path, a missing page and a missing anchor (made-up inputs)', () => {
    const fake = (page: string) => (page === 'events.html' ? new Set(['new_event']) : undefined);
    expect(unresolved(`${docsUrl}events.html#new_event`, fake)).toBeUndefined();
    expect(unresolved('spec/asyncapi.yaml#/components/messages/newEvent', fake)).toMatch(/not on the documentation site/);
    expect(unresolved(`${docsUrl}nowhere.html#x`, fake)).toMatch(/no page/);
    expect(unresolved(`${docsUrl}events.html#sticker`, fake)).toMatch(/no anchor/);
  });
});
