// Generation errors carry the spec location, so they print like the parser's own problems.
import { SpecError, type LoadedSpec, type SpecProblem } from '@customer-chat/spec-loader';

/** Collects problems while the model is built; `throwIfAny` reports them all at once. */
export class ProblemCollector {
  private readonly problems: SpecProblem[] = [];

  constructor(private readonly spec: Pick<LoadedSpec, 'file' | 'locate'>) {}

  add(pointer: string, message: string, code = 'codegen-unsupported'): void {
    this.problems.push({ severity: 'error', code, message, file: this.spec.file, pointer, ...this.spec.locate(pointer) });
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new SpecError(this.problems);
  }
}
