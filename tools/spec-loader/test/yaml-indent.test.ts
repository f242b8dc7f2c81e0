// A mis-indented key reported where it is: YAML reports the keys after a mis-indented first key,
// never the first key itself.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../src/index.js';

async function problemsOf(source: string) {
  const file = join(await mkdtemp(join(tmpdir(), 'loader-indent-')), 'doc.yaml');
  await writeFile(file, source);
  return (await loadSpec(file)).problems.map(({ line, column, message, code }) => ({ line, column, code, message }));
}

const doc = (schema: string) => `asyncapi: 3.1.0\ninfo:\n  title: T\n  version: 1.0.0\ncomponents:\n  schemas:\n    Timestamp:\n${schema}    Other:\n      type: string\n`;

describe('a mis-indented key in the YAML', () => {
  it('the first key of a mapping one column too far: one problem at that key, naming the lines that disagree with it', async () => {
    const problems = await problemsOf(doc('       type: integer\n      minimum: 0\n      description: When.\n'));
    expect(problems).toEqual([
      { line: 8, column: 8, code: 'yaml-syntax', message: 'this key starts at column 8, the keys after it in the same mapping (lines 9, 10) at column 7: one of the two is mis-indented' },
    ]);
  });

  it('the first key too far with one key after it: the one line named', async () => {
    const problems = await problemsOf(doc('       type: integer\n      minimum: 0\n'));
    expect(problems).toEqual([expect.objectContaining({ line: 8, column: 8, message: expect.stringContaining('(line 9) at column 7') })]);
  });

  it('a key after agreeing siblings, one column short: reported at that key, as YAML does', async () => {
    const problems = await problemsOf(doc('      type: integer\n      minimum: 0\n     description: When.\n'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 10, code: 'yaml-syntax', message: expect.not.stringContaining('one of the two') });
  });

  it('other YAML errors keep their own message and place', async () => {
    const problems = await problemsOf(doc('      type: [integer\n'));
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem.message).not.toContain('one of the two');
  });
});
