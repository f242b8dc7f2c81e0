export declare function writeMutationReport(options: {
  /** The package directory. */
  packageUrl: URL;
  title: string;
  /** The command that runs the mutation testing, shown in the title. */
  command: string;
  /** What is mutated and which tests run, one or two sentences. */
  about: string;
  /** Paragraphs after the total. */
  notes?: string[];
  /** Stryker JSON reports (default: the package's reports/mutation/mutation.json); a later one replaces the files it measured. */
  reports?: string[];
}): void;
