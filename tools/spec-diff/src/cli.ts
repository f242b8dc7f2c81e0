// `pnpm spec:diff [base] [--gate]`: compares spec/asyncapi.yaml with a base version (a git ref, or
// a file) and lists each change with its direction and whether it breaks old clients or servers.
// The base defaults to the last released spec: the newest `@customer-chat/spec@<version>` tag.
// With --gate it fails when a breaking change comes without a major changeset for every package
// it affects (CI runs it in the test command).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildModel, REPOSITORY_ROOT } from '@customer-chat/codegen';
import { formatProblem, loadCleanSpec, SpecError } from '@customer-chat/spec-loader';
import { missingMajors, readChangesets } from './changesets.js';
import { classifyChanges, type Change } from './classify.js';

const USAGE = 'usage: spec:diff [base: git ref or file] [--gate] [--head FILE] [--changesets DIR]';
const TAG_PREFIX = '@customer-chat/spec@';

export function latestReleaseTag(root: string): string | undefined {
  const tags = execFileSync('git', ['tag', '--list', `${TAG_PREFIX}*`, '--sort=-v:refname'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  return tags[0];
}

async function loadModel(file: string) {
  return buildModel(await loadCleanSpec(file), REPOSITORY_ROOT);
}

/** A base given as a file is used as is; a git ref is read with `git show <ref>:spec/asyncapi.yaml`. */
function baseFile(base: string): string {
  if (existsSync(base)) return resolve(base);
  const text = execFileSync('git', ['show', `${base}:spec/asyncapi.yaml`], { cwd: REPOSITORY_ROOT, encoding: 'utf8' });
  const file = join(mkdtempSync(join(tmpdir(), 'spec-diff-')), 'asyncapi.yaml');
  writeFileSync(file, text);
  return file;
}

export function report(changes: Change[]): string {
  if (changes.length === 0) return 'no change';
  return changes
    .map((c) => `${c.breaking ? 'BREAKING' : 'safe    '} ${c.subject}${c.path === '/' ? '' : c.path} [${c.direction}]: ${c.what}`)
    .join('\n');
}

async function main(): Promise<number> {
  let values: { gate?: boolean; head?: string; changesets?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      options: { gate: { type: 'boolean' }, head: { type: 'string' }, changesets: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    console.error(`spec:diff: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (positionals.length > 1) {
    console.error(`spec:diff: one base at most\n${USAGE}`);
    return 2;
  }
  const base = positionals[0] ?? latestReleaseTag(REPOSITORY_ROOT);
  if (base === undefined) {
    console.log(`spec:diff: no released spec yet (no ${TAG_PREFIX}<version> tag), so nothing can break; pass a base to compare with.`);
    return 0;
  }
  const head = resolve(values.head ?? join(REPOSITORY_ROOT, 'spec/asyncapi.yaml'));
  const changes = classifyChanges(await loadModel(baseFile(base)), await loadModel(head));
  console.log(`spec:diff ${base} -> ${head}\n${report(changes)}`);
  if (!values.gate) return 0;
  const missing = missingMajors(changes, readChangesets(values.changesets ?? join(REPOSITORY_ROOT, '.changeset')));
  if (missing.length > 0) {
    console.error(`spec:diff: breaking change(s) without a major changeset for ${missing.join(', ')}; add one (pnpm changeset) or make the change compatible.`);
    return 1;
  }
  console.log(`spec:diff: ${changes.filter((c) => c.breaking).length} breaking change(s), each covered by a major changeset.`);
  return 0;
}

try {
  process.exit(await main());
} catch (error) {
  if (error instanceof SpecError) for (const problem of error.problems) console.error(formatProblem(problem));
  console.error(`spec:diff: ${(error as Error).message}`);
  process.exit(1);
}
