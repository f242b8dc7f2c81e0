// Bad input: a spec example whose payload breaks its schema stops the docs build, naming the
// example's place in the document and the error's place in the payload. The model refuses it
// (every emitter and the docs read the same check), so no page shows a frame a server would reject.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRepositoryRoot, renderSite } from '../src/build.js';

const scratch = mkdtempSync(join(tmpdir(), 'docs-bad-example-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a spec example that does not validate', () => {
  it('stops the build with its pointer', async () => {
    const text = readFileSync(join(findRepositoryRoot(), 'spec', 'asyncapi.yaml'), 'utf8');
    const valid = 'timestamp: 1700000002000';
    expect(text).toContain(valid);
    const file = join(scratch, 'asyncapi.yaml');
    writeFileSync(file, text.replace(valid, 'timestamp: -5'));
    const error = await renderSite({ specFile: file }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const problems = (error as { problems?: Array<{ pointer: string; message: string; line: number }> }).problems ?? [];
    expect(problems.length, String(error)).toBeGreaterThan(0);
    expect(problems.some((p) => /^\/components\/messages\/\w+\/examples\/\d+\/payload$/.test(p.pointer) && p.message.includes('/timestamp must be >= 0') && p.line > 0), JSON.stringify(problems)).toBe(true);
  }, 30_000);

  it('is not reported for the real spec, whose examples are valid', async () => {
    await expect(renderSite()).resolves.toBeDefined();
  }, 30_000);
});
