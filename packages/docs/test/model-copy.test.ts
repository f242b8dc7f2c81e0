// The model read back from the cache is a JSON copy: no two of its places share an object. The
// pages must not depend on object identity, so a fresh model and its copy give the same site.
import { describe, expect, it } from 'vitest';
import { buildPages, findRepositoryRoot } from '../src/build.js';
import { renderHtmlPage } from '../src/render-html.js';
import { markdownAnchors, renderMarkdownPage } from '../src/render-markdown.js';
import { loadModel, type ProtocolModel } from '../src/spec-model.js';
import type { ReleaseHistory } from '../src/pages/changelog.js';

const NO_HISTORY: ReleaseHistory = { releases: [], unreleased: undefined };

function renderAll(model: ProtocolModel): Map<string, string> {
  const { pages } = buildPages(model, NO_HISTORY);
  const anchors = markdownAnchors(pages);
  const site = { title: model.info.title, version: model.info.version };
  return new Map(pages.flatMap((page) => [[`${page.name}.html`, renderHtmlPage(page, site)] as const, [`${page.name}.md`, renderMarkdownPage(page, anchors)] as const]));
}

describe('pages from a copied model (as the model cache gives it)', () => {
  it('are the pages of the fresh model, file for file', async () => {
    const root = findRepositoryRoot();
    const fresh = await loadModel(`${root}/spec/asyncapi.yaml`, root);
    const copy = JSON.parse(JSON.stringify(fresh)) as ProtocolModel;
    const fromFresh = renderAll(fresh);
    const fromCopy = renderAll(copy);
    expect([...fromCopy.keys()]).toEqual([...fromFresh.keys()]);
    for (const [file, content] of fromFresh) expect(fromCopy.get(file), file).toBe(content);

    // The protocol page's error frame carries the action of the request that failed, not the error message's own name.
    const protocol = fromCopy.get('protocol.html')!;
    const errorSection = protocol.slice(protocol.indexOf('<h3 id="error-frame">'));
    const frame = /<pre><code class="language-json">([\s\S]*?)<\/code><\/pre>/.exec(errorSection)?.[1];
    expect(frame, 'the error frame example').toBeDefined();
    const action = /"action"<\/span>: <span class="tok-string">"([^"]+)"/.exec(frame!)?.[1];
    expect(copy.requests.map((r) => r.action)).toContain(action);
  }, 60_000);
});
