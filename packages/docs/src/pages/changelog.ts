// The changelog page: what changed in the protocol from each released spec version to the next,
// and since the newest one, computed by the spec-diff engine (the same classification as the
// breaking-change gate), from the git tags `@customer-chat/spec@<version>`.
import type { Block, Page, TableRow } from '../doc.js';
import type { PageContext } from './context.js';

/** One change as the spec-diff engine reports it. */
export interface ProtocolChange {
  subject: string;
  direction: string;
  path: string;
  what: string;
  breaking: boolean;
}

export interface ReleaseHistory {
  releases: Array<{ version: string; changes: ProtocolChange[] }>;
  /** Changes of the document since the newest release; undefined before the first release. */
  unreleased: ProtocolChange[] | undefined;
}

const DIRECTIONS: Record<string, string> = {
  'client-to-server': 'client \u2192 server',
  'server-to-client': 'server \u2192 client',
  'sdk-to-application': 'SDK \u2192 application',
  protocol: 'protocol',
};

function changesTable(id: string, changes: ProtocolChange[]): Block[] {
  if (changes.length === 0) return [{ kind: 'paragraph', content: ['No change to the protocol.'] }];
  const rows = changes.map((change, i): TableRow => ({
    id: `${id}-${i + 1}`,
    cells: [
      { content: [change.subject], code: true },
      { content: [DIRECTIONS[change.direction] ?? change.direction] },
      { content: [change.what, ...(change.path === '' ? [] : [' (', { code: change.path }, ')'])] },
      { content: [change.breaking ? { tag: 'breaking', tone: 'push' } : { tag: 'compatible', tone: 'muted' }] },
    ],
  }));
  return [{ kind: 'table', className: 'catalogue changes', label: `Changes ${id}`, head: ['subject', 'direction', 'change', 'kind'], rows }];
}

export function changelogPage(context: PageContext, history: ReleaseHistory): Page {
  const { model } = context;
  const blocks: Block[] = [
    { kind: 'heading', level: 1, id: 'top', content: ['Changelog'] },
    {
      kind: 'paragraph',
      content: [
        'What changed in the protocol from one released version of the spec to the next, found by comparing the documents (a breaking change is one that a client or a server of the version before can no longer handle). Releases are the git tags ',
        { code: '@customer-chat/spec@<version>' },
        '.',
      ],
    },
  ];
  if (history.releases.length === 0) {
    // Also what the docs of the first release say (they are built before its tag is made).
    blocks.push({ kind: 'paragraph', content: [`No version of the spec before ${model.info.version} has been released: there is nothing to compare it with.`] });
  }
  if (history.unreleased !== undefined) {
    // This document's changes: those of the release being built (its docs are built before its tag), or of the next one.
    const newest = history.releases[0]?.version;
    const heading = newest === model.info.version ? `Since ${newest} (not released yet)` : `${model.info.version}: since ${newest ?? 'the last release'}`;
    blocks.push({ kind: 'heading', level: 2, id: 'unreleased', content: [heading] });
    blocks.push(...changesTable('unreleased', history.unreleased));
  }
  for (const release of history.releases) {
    const id = `v${release.version}`;
    blocks.push({ kind: 'heading', level: 2, id, content: [release.version] });
    blocks.push(...(release === history.releases[history.releases.length - 1] ? [{ kind: 'paragraph', content: ['The first release.'] } satisfies Block] : changesTable(id, release.changes)));
  }
  return { name: 'changelog', title: 'Changelog', summary: 'What changed in the protocol between released versions of the spec.', blocks };
}
