// Which artifact was checked against which message: the suite ends by printing messages x
// artifacts covered out of the total, which must be every applicable cell.
import type { MessageModel } from '@customer-chat/codegen/model';

export type Artifact = 'validators' | 'sdk' | 'server' | 'docs';

/** The artifacts a message must be checked against. */
export function artifactsFor(message: MessageModel): Artifact[] {
  switch (message.kind) {
    case 'client':
      return ['validators', 'sdk', 'docs'];
    case 'error':
      return ['validators', 'sdk', 'server', 'docs'];
    default:
      return ['validators', 'sdk', 'server', 'docs'];
  }
}

export class Coverage {
  private readonly covered = new Set<string>();

  constructor(private readonly messages: readonly MessageModel[]) {}

  mark(message: string, artifact: Artifact): void {
    this.covered.add(`${message} ${artifact}`);
  }

  cells(): Array<{ message: string; artifact: Artifact; covered: boolean }> {
    return this.messages.flatMap((m) => artifactsFor(m).map((artifact) => ({ message: m.name, artifact, covered: this.covered.has(`${m.name} ${artifact}`) })));
  }

  summary(): string {
    const cells = this.cells();
    const done = cells.filter((c) => c.covered).length;
    return `contract coverage: ${done}/${cells.length} message x artifact cells (${((100 * done) / cells.length).toFixed(1)}%) over ${this.messages.length} messages`;
  }
}
