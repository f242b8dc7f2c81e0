// The work of `bundle`: validates a spec file and writes its JSON bundle, printing every problem as
// one located line (no stack trace) and writing nothing when the spec has any error or warning.
import { displayPath, formatPointer, formatProblem, loadSpec, SpecError, type SpecProblem } from '@customer-chat/spec-loader';
import { writeFileAtomic } from '@customer-chat/spec-loader/write';
import { buildModel, REPOSITORY_ROOT } from '@customer-chat/spec-model';

export interface BundleOptions {
  specFile: string;
  bundleFile: string;
  check: boolean;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** Runs the bundle; resolves to the exit code. */
export async function bundleSpec({ specFile, bundleFile, check, out = console.log, err = console.error }: BundleOptions): Promise<number> {
  let spec;
  try {
    spec = await loadSpec(specFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message.split('\n')[0];
    err(`${displayPath(specFile)}: ${why}`);
    err('spec: the spec cannot be read; nothing written.');
    return 1;
  }
  const problems = [...spec.problems];
  if (spec.document) {
    problems.push(...fileRefs(spec.raw, spec.file, spec.locate));
    // What codegen refuses (constructs the model does not support) is refused here too, so the
    // bundle is never written for a spec the generator then rejects.
    if (problems.every((p) => p.severity !== 'error')) {
      try {
        buildModel({ ...spec, document: spec.document }, REPOSITORY_ROOT);
      } catch (error) {
        if (!(error instanceof SpecError)) {
          err(`spec: ${(error as Error).message.split('\n')[0]}; nothing written.`);
          return 1;
        }
        problems.push(...error.problems);
      }
    }
  }
  for (const problem of problems) err(formatProblem(problem));
  const blocking = problems.filter((p) => p.severity === 'error' || p.severity === 'warning');
  if (blocking.length > 0 || !spec.document) {
    err(`spec: ${blocking.length} problem(s); nothing written.`);
    return 1;
  }
  const messages = spec.document.allMessages().length;
  const operations = spec.document.allOperations().length;
  if (!check) await writeFileAtomic(bundleFile, `${JSON.stringify(spec.raw, null, 2)}\n`);
  out(`spec: valid AsyncAPI ${String(spec.raw.asyncapi)}, ${messages} messages, ${operations} operations${check ? '' : ' -> dist/asyncapi.json'}`);
  return 0;
}

/**
 * The bundle keeps $refs as written, and the package ships only asyncapi.yaml and the bundle: a
 * $ref to another file would dangle for every consumer. Refused at the $ref (inlining would need
 * the other file's own refs rewritten, which nothing here does).
 */
function fileRefs(raw: unknown, file: string, locate: (pointer: string) => { line: number; column: number }): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const walk = (node: unknown, path: Array<string | number>): void => {
    if (Array.isArray(node)) node.forEach((item, index) => walk(item, [...path, index]));
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
          const pointer = formatPointer([...path, key]);
          problems.push({
            severity: 'error',
            code: 'bundle-file-ref',
            message: `$ref ${value}: the published bundle would refer to a file the package does not ship; move the definition into asyncapi.yaml`,
            file,
            pointer,
            ...locate(pointer),
          });
        } else walk(value, [...path, key]);
      }
    }
  };
  walk(raw, []);
  return problems;
}
