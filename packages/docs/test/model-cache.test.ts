// The model cache: an unchanged document is read back as the same model; a changed one is parsed
// afresh (its text is in the key), as is any document when the readers' sources change.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRepositoryRoot } from '../src/build.js';
import { cachedModel } from '../src/model-cache.js';
import { loadModel } from '../src/spec-model.js';
import { PACKAGE_DIR } from './helpers.js';

const root = findRepositoryRoot();
const spec = join(root, 'spec', 'asyncapi.yaml');
const scratch = mkdtempSync(join(tmpdir(), 'docs-model-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the model cache', () => {
  it('gives back, for an unchanged document, the model a fresh parse gives, from a file in node_modules/.cache', async () => {
    const fresh = await loadModel(spec, root);
    expect(await cachedModel(spec, root)).toEqual(JSON.parse(JSON.stringify(fresh)));
    expect(await cachedModel(spec, root)).toEqual(JSON.parse(JSON.stringify(fresh)));
    expect(readdirSync(join(PACKAGE_DIR, 'node_modules/.cache/customer-chat-docs')).some((f) => /^model-[0-9a-f]{32}\.json$/.test(f))).toBe(true);
  }, 30_000);

  it('parses a changed document afresh', async () => {
    const changed = join(scratch, 'asyncapi.yaml');
    const text = readFileSync(spec, 'utf8');
    const title = /^\s+title: (.+)$/m.exec(text)![1]!;
    writeFileSync(changed, text.replace(`title: ${title}`, 'title: A changed title'));
    expect((await cachedModel(spec, root)).info.title).toBe(title.replace(/^['"]|['"]$/g, ''));
    expect((await cachedModel(changed, root)).info.title).toBe('A changed title');
  }, 30_000);
});
