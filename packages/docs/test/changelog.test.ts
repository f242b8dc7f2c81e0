// The changelog page: before the first release it says there is nothing to compare; with releases,
// each lists the changes the spec-diff engine finds (breaking or compatible) since the one before.
import { describe, expect, it } from 'vitest';
import { classifyChanges } from '@customer-chat/spec-diff';
import { renderSite } from '../src/build.js';
import type { ProtocolModel } from '../src/spec-model.js';
import { decode, tables } from './helpers.js';

const page = (files: Array<{ path: string; content: string }>) => files.find((f) => f.path === 'site/changelog.html')!.content;

describe('the changelog page', () => {
  it('says there is nothing to compare before the first release (this repository has no spec tag)', async () => {
    const { files, model } = await renderSite();
    const html = decode(page(files));
    expect(html).toContain(`No version of the spec before ${model.info.version} has been released: there is nothing to compare it with.`);
    expect(tables(page(files))).toEqual([]);
    expect(files.find((f) => f.path === 'markdown/changelog.md')?.content).toContain(`No version of the spec before ${model.info.version} has been released`);
  });

  it('lists, for each release, the changes since the one before, as the spec-diff engine classifies them', async () => {
    const { model } = await renderSite();
    // A later version that drops an optional argument of send_event's and requires a new one: a
    // breaking change for clients of the version before.
    const args = model.schemas.find((s) => s.name === 'SendEventArguments')!;
    const changed: ProtocolModel = {
      ...model,
      schemas: model.schemas.map((s) =>
        s === args ? { ...s, schema: { ...s.schema, required: [...((s.schema.required as string[]) ?? []), 'priority'], properties: { ...(s.schema.properties as object), priority: { type: 'integer' } } } } : s,
      ),
    };
    const changes = classifyChanges(model, changed);
    expect(changes.some((c) => c.breaking)).toBe(true);
    const { files } = await renderSite({ history: { releases: [{ version: '0.2.0', changes }, { version: '0.1.0', changes: [] }], unreleased: [] } });
    const html = page(files);
    const [first, second] = tables(html);
    expect(second).toBeUndefined();
    expect(first!.head).toEqual(['subject', 'direction', 'change', 'kind']);
    expect(first!.rows.length).toBe(changes.length);
    expect(first!.rows.some((row) => row[0] === 'send_event' && row[3] === 'breaking')).toBe(true);
    const text = decode(html);
    // The document's version is not a tag: its changes are those of the release it is (or will be).
    expect(text).toContain(`${model.info.version}: since 0.2.0`);
    expect(text).toContain('No change to the protocol.');
    expect(text).toContain('The first release.');
  });
});
