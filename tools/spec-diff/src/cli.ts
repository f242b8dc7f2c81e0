// `pnpm spec:diff [base] [--gate]`: compares spec/asyncapi.yaml with a base version (a git ref, or
// a file) and lists each change with its direction and whether it breaks old clients or servers.
// The base defaults to the last released spec: the newest `@customer-chat/spec@<version>` tag.
// With --gate it fails when a breaking change comes without a major changeset for every package
// it affects (CI runs it in the test command).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { buildModel, REPOSITORY_ROOT } from '@customer-chat/spec-model';
import { loadCleanSpec, SpecError, type SpecProblem } from '@customer-chat/spec-loader';
import { appliedBumps, largestBumps } from './applied-bumps.js';
import { ChangesetError, missingMajors, readChangesets } from './changesets.js';
import { classifyChanges, type Change } from './classify.js';
import { latestReleaseTag, TAG_PREFIX } from './releases.js';
import { workspacePackageNames, workspacePackages } from './workspace.js';

const SPEC_PATH = 'spec/asyncapi.yaml';

const HELP = `usage: spec:diff [base] [--gate] [--head FILE] [--changesets DIR]

Compares ${SPEC_PATH} with a base version and lists each change, BREAKING or safe, with its
direction; the last line is the summary \`N breaking, N safe\`.

  base              a git ref (reads ${SPEC_PATH} at that ref) or a file; default: the newest
                    ${TAG_PREFIX}<version> tag
  --gate            accept breaking changes that have a major changeset for every affected package
  --head FILE       the document to compare instead of ${SPEC_PATH}
  --changesets DIR  where the changesets are, with --gate (default: .changeset)
  -h, --help        this text

exit codes:
  0  no breaking change (with --gate: every breaking change has its major changesets: pending
     ones, or majors the versions already carry since a base git ref, as on the version step's
     commit before the release is tagged)
  1  breaking change found (with --gate: one lacks a major changeset)
  2  no verdict: bad usage, or unreadable input (unknown git ref, missing file, a document
     with problems)`;

/** Bad usage or unreadable input: one message, exit 2. */
class InputError extends Error {}


/** A document to compare, shown under the name the caller knows it by, never a scratch path. */
interface Input {
  file: string;
  /** The name it is shown by: `path`, or `path@at` for a git ref. */
  label: string;
  /** Its path as the caller knows it (as given, or spec/asyncapi.yaml). */
  path: string;
  /** The git ref it was read at, as shown (a release tag by its version); undefined for a file. */
  at?: string;
  /** The git ref itself. */
  ref?: string;
  /** For a git ref, the scratch folder standing for the repository at that ref. */
  root?: string;
}

const fileInput = (file: string, path: string): Input => ({ file, path, label: path });

const GIT_OPTIONS = { cwd: REPOSITORY_ROOT, maxBuffer: 1024 * 1024 * 1024 } as const;

/**
 * The spec's folder at `ref`, written under `root` at its repository path, byte for byte: the
 * document's file $refs (`./common.yaml`) resolve there as they did at that ref.
 */
function materialise(ref: string, root: string): void {
  const folder = posix.dirname(SPEC_PATH);
  const listing = spawnSync('git', ['ls-tree', '-r', '-z', `${ref}:${folder}`], { ...GIT_OPTIONS, encoding: 'utf8' });
  if (listing.status !== 0) throw new InputError(`spec:diff: cannot list ${folder}@${ref}: ${listing.stderr.trim().split('\n')[0] || 'git ls-tree failed'}`);
  // `<mode> blob <object>\t<path>`; a submodule (a commit) has no content here.
  const blobs = listing.stdout.split('\0').filter(Boolean).map((entry) => {
    const [meta, path] = [entry.slice(0, entry.indexOf('\t')), entry.slice(entry.indexOf('\t') + 1)];
    const [mode, type, object] = meta.split(' ');
    return { mode, type, object, path };
  }).filter((entry) => entry.type === 'blob');
  // One process for every file: `<object> blob <size>\n<content>\n` each, in the order asked.
  const batch = spawnSync('git', ['cat-file', '--batch'], { ...GIT_OPTIONS, input: blobs.map((b) => `${b.object}\n`).join('') });
  if (batch.status !== 0) throw new InputError(`spec:diff: cannot read ${folder}@${ref}: ${batch.stderr.toString().trim().split('\n')[0] || 'git cat-file failed'}`);
  let offset = 0;
  for (const blob of blobs) {
    const headerEnd = batch.stdout.indexOf(0x0a, offset);
    const size = Number(batch.stdout.toString('latin1', offset, headerEnd).split(' ')[2]);
    const content = batch.stdout.subarray(headerEnd + 1, headerEnd + 1 + size);
    offset = headerEnd + 1 + size + 1;
    const target = join(root, folder, ...blob.path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    if (blob.mode === '120000') symlinkSync(content.toString(), target);
    else writeFileSync(target, content);
  }
}

/** A base given as a file is used as is; a git ref is read as the spec's folder at that ref. */
function baseInput(base: string, cwd: string, scratch: () => string): Input {
  const file = resolve(cwd, base);
  if (existsSync(file) && !statSync(file).isDirectory()) return fileInput(file, base);
  // git would take it as one of its options (`--output=<file>` writes a file): no ref starts so.
  if (base.startsWith('-')) throw new InputError(`spec:diff: ${base}: no such file, and no git ref starts with "-" (an option after "--" is taken as the base)`);
  const git = spawnSync('git', ['show', `${base}:${SPEC_PATH}`], { ...GIT_OPTIONS, encoding: 'utf8' });
  // A directory of that name may still be a ref's name (a branch `spec`); otherwise it is no base.
  if (git.status !== 0 && existsSync(file)) throw new InputError(`spec:diff: ${base}: is a directory, not a file (nor a git ref)`);
  // A name like a document's (a mistyped path) is a missing file to its author, not a bad ref.
  if (git.status !== 0 && /\.(ya?ml|json)$/i.test(base)) throw new InputError(`spec:diff: ${base}: no such file or directory (nor a git ref)`);
  if (git.status !== 0) throw new InputError(`spec:diff: cannot read ${SPEC_PATH}@${base}: ${git.stderr.trim().split('\n')[0] || 'git show failed'}`);
  // The loader reads files, so the ref's version goes to a scratch copy (deleted on exit): the whole
  // folder, not the document alone, or the files it $refs would be missing.
  const root = scratch();
  materialise(base, root);
  // A release tag is named by its version, not `spec/asyncapi.yaml@@customer-chat/spec@0.2.0`.
  const at = base.startsWith(TAG_PREFIX) ? base.slice(TAG_PREFIX.length) : base;
  return { file: join(root, SPEC_PATH), path: SPEC_PATH, label: `${SPEC_PATH}@${at}`, at, ref: base, root };
}

/**
 * A file the document $refs, named the way the document is: its path beside the document's as the
 * caller gave it, and `@<ref>` for a git ref (never the scratch copy).
 */
function nameOf(input: Input, file: string | undefined): string {
  if (file === undefined || file === '' || resolve(file) === input.file) return input.label;
  const path = posix.join(posix.dirname(input.path), relative(dirname(input.file), resolve(file)).split(sep).join('/'));
  return input.at === undefined ? path : `${path}@${input.at}`;
}

/** A message with the scratch copy's paths (`open '/tmp/spec-diff-x/spec/common.yaml'`) named as nameOf names files. */
function withoutScratch(input: Input, message: string): string {
  if (input.root === undefined) return message;
  return message.split(input.root + sep).map((part, i) => (i === 0 ? part : part.replace(/^[^'"\s,;:)]*/, (path) => `${path.split(sep).join('/')}@${input.at}`))).join('');
}

/** A path option, resolved against the caller's directory; missing, or of the wrong kind, is a usage error. */
function existing(option: string, given: string, cwd: string, kind: 'file' | 'directory'): string {
  const path = resolve(cwd, given);
  if (!existsSync(path)) throw new InputError(`spec:diff: ${option} ${given}: no such file or directory`);
  const directory = statSync(path).isDirectory();
  if (kind === 'file' && directory) throw new InputError(`spec:diff: ${option} ${given}: is a directory, not a file`);
  if (kind === 'directory' && !directory) throw new InputError(`spec:diff: ${option} ${given}: not a directory`);
  return path;
}

async function loadModel(input: Input) {
  try {
    return buildModel(await loadCleanSpec(input.file), REPOSITORY_ROOT);
  } catch (error) {
    if (error instanceof SpecError) {
      // The YAML parser's messages repeat the position (`... at line 3, column 1:`) the line starts with.
      const message = (p: SpecProblem) => withoutScratch(input, p.message.replace(/ at line \d+, column \d+:$/, ''));
      // A problem in a file the document $refs is shown in that file, not the document.
      const lines = uniqueProblems(error.problems).map((p) => `${nameOf(input, p.file)}:${p.line}:${p.column} ${p.severity} ${p.code} at ${p.pointer || '/'}: ${message(p)}`);
      throw new InputError(`${lines.join('\n')}\nspec:diff: ${lines.length} problem(s) in ${input.label}; nothing compared.`);
    }
    throw error;
  }
}

// The generator converts a headers schema once as a component and again for every message that
// uses it, so one problem there comes back once per message: it is still one problem.
function uniqueProblems(problems: SpecProblem[]): SpecProblem[] {
  const byKey = new Map(problems.map((p) => [JSON.stringify([p.file, p.line, p.column, p.severity, p.code, p.pointer, p.message]), p]));
  return [...byKey.values()];
}

function report(changes: Change[]): string[] {
  return changes.map((c) => `${c.breaking ? 'BREAKING' : 'safe    '} ${c.subject}${c.path === '/' ? '' : c.path} [${c.direction}]: ${c.what}`);
}

function summary(changes: Change[]): string {
  const breaking = changes.filter((c) => c.breaking).length;
  return `${breaking} breaking, ${changes.length - breaking} safe`;
}

function parse(args: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { gate: { type: 'boolean' }, head: { type: 'string', multiple: true }, changesets: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 1) throw new Error(`one base at most, got ${positionals.length}: ${positionals.join(' ')}`);
    // Given twice, one value would be dropped without a word; given empty, it names the current directory.
    const one = (option: string, given: string[] | undefined) => {
      if (given !== undefined && given.length > 1) throw new Error(`one ${option} at most, got ${given.length}: ${given.join(' ')}`);
      if (given?.[0] === '') throw new Error(`${option} needs a value, got an empty one`);
      return given?.[0];
    };
    if (positionals[0] === '') throw new Error('the base is empty');
    if (values.changesets !== undefined && !values.gate) throw new Error('--changesets is read by --gate only, which is not given');
    return { gate: values.gate, help: values.help, head: one('--head', values.head), changesets: one('--changesets', values.changesets), base: positionals[0] };
  } catch (error) {
    // Node's messages go on with advice about `--`; the first sentence names the problem.
    throw new InputError(`spec:diff: ${(error as Error).message.split('. ')[0]} (see spec:diff --help)`);
  }
}

async function main(args: string[], scratch: () => string): Promise<number> {
  const options = parse(args);
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  // pnpm runs the script in tools/spec-diff; paths on the command line are the caller's.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const headDoc = options.head === undefined ? fileInput(join(REPOSITORY_ROOT, SPEC_PATH), SPEC_PATH) : fileInput(existing('--head', options.head, cwd, 'file'), options.head);
  const changesets = options.changesets === undefined ? join(REPOSITORY_ROOT, '.changeset') : existing('--changesets', options.changesets, cwd, 'directory');
  // Read before any verdict (and without a release too): a bad changeset is unreadable input.
  const pending = options.gate ? readChangesets(changesets, options.changesets ?? '.changeset', workspacePackageNames(REPOSITORY_ROOT)) : new Map();
  const base = options.base ?? latestReleaseTag(REPOSITORY_ROOT);
  if (base === undefined) {
    // Nothing to compare with, but the document is still read: one with problems gets no pass.
    await loadModel(headDoc);
    console.log(`spec:diff: no released spec yet (no ${TAG_PREFIX}<version> tag), so nothing can break; pass a base to compare with.`);
    console.log(summary([]));
    return 0;
  }
  const baseDoc = baseInput(base, cwd, scratch);
  const changes = classifyChanges(await loadModel(baseDoc), await loadModel(headDoc));
  console.log([`spec:diff ${baseDoc.label} -> ${headDoc.label}`, ...report(changes)].join('\n'));
  // Without --gate any breaking change fails; with it, only one lacking its major changesets.
  let failed = changes.some((c) => c.breaking);
  if (options.gate) {
    // Majors already applied count as well: on the version step's commit its changesets are consumed
    // and the versions carry the bumps until the release is tagged.
    const applied = baseDoc.ref === undefined ? new Map() : appliedBumps(REPOSITORY_ROOT, baseDoc.ref, workspacePackages(REPOSITORY_ROOT));
    const missing = missingMajors(changes, largestBumps(pending, applied));
    if (missing.length > 0) console.error(`spec:diff: breaking change(s) without a major changeset for ${missing.join(', ')}; add one (pnpm changeset) or make the change compatible.`);
    else if (failed) console.log('spec:diff: each breaking change is covered by a major changeset.');
    failed = missing.length > 0;
  }
  console.log(summary(changes));
  return failed ? 1 : 0;
}

/** `RangeError: <first line of its message>`, for anything thrown (a non-Error, or one whose message getter throws, too). */
function unexpected(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    text = Object.prototype.toString.call(error);
  }
  // The scratch copy is no name the caller knows.
  return text.split('\n')[0]!.split(scratchDir ?? '\0').join('<scratch copy>');
}

let scratchDir: string | undefined;
let exitCode = 2;
try {
  exitCode = await main(process.argv.slice(2), () => (scratchDir ??= mkdtempSync(join(tmpdir(), 'spec-diff-'))));
} catch (error) {
  // Anything but bad input (InputError, ChangesetError) is a bug here or in the loader, or a broken
  // environment: still no verdict, in one line (a stack trace reads as a crash, and says less).
  if (error instanceof InputError || error instanceof ChangesetError) console.error(error.message);
  else console.error(`spec:diff: unexpected error, no verdict: ${unexpected(error)}`);
} finally {
  if (scratchDir !== undefined) rmSync(scratchDir, { recursive: true, force: true });
}
process.exit(exitCode);
