// The real spec with one edit, loaded into a model: for tests that a mistake is reported at its
// pointer and line, with nothing built.
import { readFile } from 'node:fs/promises';
import { SpecError } from '@customer-chat/spec-loader';
import { afterAll, beforeAll, expect } from 'vitest';
import { brokenCopies, position, replaceOnce, type BrokenCopies } from '../src/testing/broken-copies.js';
import { loadModel, SPEC_FILE } from '../src/index.js';

export const SPEC = await readFile(SPEC_FILE, 'utf8');

/** Registers the folder of edited copies for the file's tests; `write` puts one there. */
export function useSpecEdits(prefix: string): { write(source: string): Promise<string>; expectProblem(from: string, to: string, pointer: string, at: string, message: RegExp): Promise<void> } {
  let copies: BrokenCopies;
  beforeAll(async () => {
    copies = await brokenCopies(prefix);
  });
  afterAll(() => copies.dispose());
  return {
    write: (source) => copies.write(source),
    /** Replaces `from` by `to`; the model must fail with a problem at `pointer`, on the line of `at` (a removal is not located: it is reported at the nearest node there is). */
    async expectProblem(from, to, pointer, at, message) {
      const broken = replaceOnce(SPEC, from, to);
      const error = await loadModel(await copies.write(broken)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SpecError);
      const problem = (error as SpecError).problems.find((p) => p.pointer === pointer);
      expect(problem, JSON.stringify((error as SpecError).problems)).toBeDefined();
      expect(problem!.message).toMatch(message);
      if (to !== '') expect(problem!.line).toBe(position(broken, at).line);
    },
  };
}
