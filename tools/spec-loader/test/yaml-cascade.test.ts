// One YAML mistake, one problem: the errors yaml reports after a structural mistake are counted
// into it, not listed as problems of their own; errors about one spot stay as they are.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../src/index.js';
import { collapseCascade, unclosedFlow } from '../src/yaml-cascade.js';

async function problemsOf(source: string) {
  const file = join(await mkdtemp(join(tmpdir(), 'loader-cascade-')), 'doc.yaml');
  await writeFile(file, source);
  return (await loadSpec(file)).problems.map(({ line, column, message, code }) => ({ line, column, code, message }));
}

const lineOf = (source: string, text: string) => source.split('\n').findIndex((line) => line.includes(text)) + 1;

describe('a YAML mistake that yaml reports again on every line after it', () => {
  it('a flow sequence left open: one problem where it opens, counting the errors after it and their lines', async () => {
    const source = 'asyncapi: 3.1.0\ninfo:\n  title: T\n  tags: [one, two\n  version: 1.0.0\n  description: D\ncomponents:\n  schemas:\n    A:\n      type: string\n';
    const problems = await problemsOf(source);
    expect(problems).toHaveLength(1);
    // yaml's own first error is on the line after the bracket; the bracket is the mistake.
    expect(problems[0]).toEqual({
      code: 'yaml-syntax',
      line: lineOf(source, 'tags: [one'),
      column: 9,
      message: 'this "[" is never closed: a "]" is missing (then 3 more syntax errors on line 5, which may only follow from this one: fix it first)',
    });
  });

  it('a sequence of mappings left open, the last mapping too: named at the last bracket opened inside the first left open', async () => {
    const source = 'asyncapi: 3.1.0\ninfo:\n  title: T\n  version: 1.0.0\n  tags: [{ name: a, x: [1] }, { name: b\n  description: D\n';
    const problems = await problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 5, column: 31, message: expect.stringMatching(/^this "\{" is never closed: a "\}" is missing \(then/) });
  });

  it('duplicate keys are each reported where they are, beside the structural error', async () => {
    const source = 'asyncapi: 3.1.0\ninfo:\n  title: T\n  title: U\n  version: 1.0.0\ncomponents:\n  schemas:\n    A:\n      type: string\n      type: number\n    B: [x\n';
    const problems = await problemsOf(source);
    const duplicates = problems.filter((problem) => /unique/i.test(problem.message));
    expect(duplicates.map((problem) => problem.line)).toEqual([lineOf(source, 'title: U'), lineOf(source, 'type: number')]);
    expect(problems).toHaveLength(3);
  });
});

describe('unclosedFlow', () => {
  it('finds the first bracket never closed, [ or {, and nothing in a document whose brackets all close', () => {
    expect(unclosedFlow('a: [1, 2]\nb: { c: [3] }\n')).toBeUndefined();
    expect(unclosedFlow('a: [1, 2]\nb: { c: [3]\n')).toEqual({ line: 2, column: 4, bracket: '{' });
    expect(unclosedFlow('a: "[not a bracket"\nb:\n  - [x\n')).toEqual({ line: 3, column: 5, bracket: '[' });
    expect(unclosedFlow('a: |\n  [a block scalar\n# [a comment\nb: [1\n')).toEqual({ line: 4, column: 4, bracket: '[' });
  });

  it('a bracket closed by the other kind is the one not closed: in [b, {c: d] the mapping lacks its }', () => {
    expect(unclosedFlow('a: [b, {c: d]\n')).toEqual({ line: 1, column: 8, bracket: '{' });
    expect(unclosedFlow('a: {b: [1, 2}\n')).toEqual({ line: 1, column: 8, bracket: '[' });
  });

  it('two left open one after the other: the first, also in a later document', () => {
    expect(unclosedFlow('a: [1\nb: {c: 2}\nc: {d\n')).toEqual({ line: 1, column: 4, bracket: '[' });
    expect(unclosedFlow('a: [1, 2]\n---\nb: {c\n')).toEqual({ line: 3, column: 4, bracket: '{' });
  });
});

describe('collapseCascade', () => {
  const at = (code: string, line: number, message = code) => ({ code, line, column: 1, message });

  it('keeps a lone structural error as it is', () => {
    expect(collapseCascade([at('MISSING_CHAR', 4, 'Missing ]')])).toEqual([at('MISSING_CHAR', 4, 'Missing ]')]);
  });

  it('counts the structural errors after the first into it, one line named alone', () => {
    expect(collapseCascade([at('BLOCK_IN_FLOW', 4, 'first'), at('MISSING_CHAR', 9)])).toEqual([
      at('BLOCK_IN_FLOW', 4, 'first (then 1 more syntax error on line 9, which may only follow from this one: fix it first)'),
    ]);
  });

  it('keeps local errors in their place and order, whether before or after the first structural one', () => {
    const errors = [at('DUPLICATE_KEY', 2), at('UNEXPECTED_TOKEN', 5, 'first'), at('BAD_ALIAS', 6), at('BAD_INDENT', 8), at('BAD_INDENT', 7)];
    expect(collapseCascade(errors)).toEqual([
      at('DUPLICATE_KEY', 2),
      at('UNEXPECTED_TOKEN', 5, 'first (then 2 more syntax errors on lines 7–8, which may only follow from this one: fix it first)'),
      at('BAD_ALIAS', 6),
    ]);
  });

  it('does not change the errors it is given', () => {
    const errors = [at('MISSING_CHAR', 1, 'first'), at('MISSING_CHAR', 2)];
    collapseCascade(errors);
    expect(errors[0]!.message).toBe('first');
  });
});
