// Which artifact was checked against which message. The cells are earned by the assertion helpers of
// `Contract` (src/contract.ts) when their assertion passes; this module only computes the report from
// the earned cells, as a pure function, so it can be computed for any run (the real one, a degraded one).
import type { MessageModel } from '@customer-chat/spec-model';

export type Artifact = 'validators' | 'sdk' | 'server' | 'docs';

/** One message x artifact cell. */
export interface Cell {
  message: string;
  artifact: Artifact;
}

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

export const cellKey = (cell: Cell): string => `${cell.message} ${cell.artifact}`;

export interface CoverageReport {
  cells: Array<Cell & { covered: boolean }>;
  covered: number;
  total: number;
  /** The cells no passing assertion earned, in the order of the spec. */
  missing: Cell[];
  /** The suite's report line: `contract coverage: 164/164 message x artifact cells (100.0%) over 42 messages`. */
  summary: string;
}

/** The coverage of `messages` by the earned cells (keys of `cellKey`). */
export function computeCoverage(messages: readonly MessageModel[], earned: ReadonlySet<string>): CoverageReport {
  const cells = messages.flatMap((m) => artifactsFor(m).map((artifact) => ({ message: m.name, artifact, covered: earned.has(cellKey({ message: m.name, artifact })) })));
  const covered = cells.filter((c) => c.covered).length;
  const missing = cells.filter((c) => !c.covered).map(({ message, artifact }) => ({ message, artifact }));
  const percent = cells.length === 0 ? 100 : (100 * covered) / cells.length;
  return {
    cells,
    covered,
    total: cells.length,
    missing,
    summary: `contract coverage: ${covered}/${cells.length} message x artifact cells (${percent.toFixed(1)}%) over ${messages.length} messages`,
  };
}
