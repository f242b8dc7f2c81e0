// Bad input: a spec example whose payload breaks its schema stops the docs build, naming the
// example's place in the document and the error's place in the payload.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRepositoryRoot, renderSite } from '../src/build.js';
import { InvalidExampleError } from '../src/example-check.js';

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
    expect(error).toBeInstanceOf(InvalidExampleError);
    expect((error as InvalidExampleError).problems.some((p) => /asyncapi\.yaml#\/components\/messages\/\w+\/examples\/\d+\/payload\/timestamp: must be >= 0/.test(p))).toBe(true);
  }, 30_000);

  it('is not reported for the real spec, whose examples are valid', async () => {
    await expect(renderSite()).resolves.toBeDefined();
  }, 30_000);
});
