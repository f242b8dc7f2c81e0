// Problems found while building the model carry the spec location, so they print like the
// parser's own: `file:line:column error codegen-unsupported at /pointer: message`.
import { SpecError, type LoadedSpec, type SpecProblem } from '@customer-chat/spec-loader';

/** The code of every model problem: a construct the generator (and so the model) does not support. */
export const MODEL_PROBLEM_CODE = 'codegen-unsupported';

/** Collects problems while the model is built; `throwIfAny` reports them all at once. */
export class ProblemCollector {
  private readonly problems: SpecProblem[] = [];

  constructor(private readonly spec: Pick<LoadedSpec, 'file' | 'locate'>) {}

  add(pointer: string, message: string): void {
    this.problems.push({ severity: 'error', code: MODEL_PROBLEM_CODE, message, file: this.spec.file, pointer, ...this.spec.locate(pointer) });
  }

  /** Whether a problem is already reported at `pointer`. */
  has(pointer: string): boolean {
    return this.problems.some((p) => p.pointer === pointer);
  }

  /** Whether a problem is already reported at `pointer` or under it. */
  hasUnder(pointer: string): boolean {
    return this.problems.some((p) => p.pointer === pointer || p.pointer.startsWith(`${pointer}/`));
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new SpecError(this.problems);
  }
}
