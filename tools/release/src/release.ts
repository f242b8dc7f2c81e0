// `pnpm release [--dry-run]`: the pending changesets become versions (changelogs per package,
// internal dependency bumps), the spec's info.version follows its package, everything is
// regenerated and built, every publishable package is packed and checked (publint, attw on the
// tarball), then each is published and tagged (`@customer-chat/spec@<version>`, as changesets
// does). `--dry-run` does all of it but publish and tag, in a scratch copy, and reports what it
// would release. It refuses, with one line and before anything is written, a dirty tree, a
// spec/package version mismatch, a changeset it cannot read (file:line:column), a breaking spec
// change without its majors (pending major changesets, or majors the versions already carry since
// the spec's release tag, as the spec-diff gate counts them), pending changesets in publish mode, a
// full release without a git identity to commit with, a publish whose registry does not answer or
// without pnpm to run, and a release commit at HEAD that was never published (a full release whose
// publish failed: `--publish-only` finishes it); a failing step (version, generate, build, package
// checks) puts the tree back as it was, before anything is published or tagged. A publish that
// fails after the release commit says what is committed, published and tagged, and how to finish.
// Changesets that release no published package (empty ones) are nothing to release. Pre mode
// (`changeset pre enter <tag>`) works as changesets has it: prerelease versions, published under
// that dist-tag.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appliedBumps, bumpsOf, largestBumps, latestReleaseTag, missingMajors, releaseHistory, workspacePackageNames, workspacePackages } from '@customer-chat/spec-diff';
import { loadModel } from '@customer-chat/spec-model';
import { CHANGESET_DIR, changesetState, type Changesets } from './changesets.js';
import { ReleaseIncomplete, ReleaseRefused, ReleaseStopped } from './errors.js';
import { pingRegistry, registryEnvironment, withPnpmOnPath } from './publishing.js';
import { scratchCopy } from './scratch.js';
import { readSpecVersions, versionMismatch, writeDocumentVersion } from './version-story.js';
import { latestChangelogEntry, pnpmArgs, pnpmCommand, publishablePackages, type PublishablePackage } from './workspace.js';

export { ReleaseIncomplete, ReleaseRefused, ReleaseStopped };

/**
 * `full`: version, build, check, commit, publish and tag in one go (or all but the last three in a
 * dry run); `version`: only the versions, changelogs and the spec's info.version, left uncommitted
 * (a CI's version pull request); `publish`: build, check, publish and tag the versions not
 * published yet (after that pull request is merged).
 */
export type ReleaseMode = 'full' | 'version' | 'publish';

export interface ReleaseOptions {
  /** The repository's root. */
  root: string;
  dryRun: boolean;
  /** Default `full`. */
  mode?: ReleaseMode | undefined;
  /** Where to publish (default: the npm configuration's registry). */
  registry?: string | undefined;
  /** Progress lines. */
  log?: (line: string) => void;
  /**
   * Aborted (the CLI does it on SIGINT and SIGTERM, the reason the signal's name), the release
   * stops its running step and puts the tree back as a refusal does, then throws ReleaseStopped.
   */
  signal?: AbortSignal | undefined;
}

export interface ReleasedPackage {
  name: string;
  /** The version before: before this release's version step, else the one last tagged; undefined when none is known. */
  from: string | undefined;
  to: string;
  /** The new section of its CHANGELOG.md. */
  changelog: string | undefined;
}

export interface ReleaseReport {
  dryRun: boolean;
  packages: ReleasedPackage[];
  /** The tags made (none in a dry run). */
  tags: string[];
  /** The release commit made (full mode, not a dry run): local, like the tags, until pushed. */
  commit?: string | undefined;
  /** Why there is nothing in `packages`, e.g. `nothing to release (no pending changeset)`. */
  nothing?: string | undefined;
}

/** Runs git; a failure is an error of one line: the command and the last line git printed. */
function git(root: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    const said = `${stderr ?? ''}`.trim().split('\n').filter((line) => line.trim() !== '').at(-1) ?? message.split('\n')[0];
    throw new Error(`git ${args[0]} failed: ${said}`, { cause: error });
  }
}

/** The tags of the repository. */
function tagList(root: string): Set<string> {
  return new Set(git(root, ['tag', '--list']).split('\n').filter(Boolean));
}

/**
 * The paths `git status` lists (`XY path` lines: the path starts at the fourth character), every
 * untracked file included whatever the user's status.showUntrackedFiles says: the tree must be
 * clean of them too, since putting a failed release back removes untracked files.
 */
function changedPaths(root: string): string[] {
  return git(root, ['status', '--porcelain', '--untracked-files=all']).split('\n').filter((line) => line.length > 3).map((line) => line.slice(3));
}

/** The signal's name, when the release was told to stop. */
function stopReason(stop: AbortSignal | undefined): string | undefined {
  return stop?.aborted ? String(stop.reason) : undefined;
}

/** Whether a process (`pid`), or with a negative number a process group, is still there. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until no process of group `pgid` is left (a step's grandchildren too), killing it after `graceMs`. */
async function groupGone(pgid: number, graceMs = 10_000): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (isRunning(-pgid)) {
    if (Date.now() > deadline) {
      process.kill(-pgid, 'SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Runs a step; a failure refuses the release with the step's name and the last lines of its
 * output. The step runs in a process group of its own, so that a stop (`stop` aborted) ends it
 * with everything it started before the release puts the tree back.
 */
async function step(name: string, command: string, args: string[], cwd: string, stop: AbortSignal | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (stop?.aborted) throw new ReleaseStopped(String(stop.reason), `stopped before ${name}`);
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (text: string) => output.push(text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => output.push(text));
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  stop?.addEventListener('abort', kill, { once: true });
  const status = await new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      output.push(error.message);
      resolve(null);
    });
    child.once('close', (code) => resolve(code));
  });
  stop?.removeEventListener('abort', kill);
  if (stop?.aborted) {
    if (child.pid !== undefined) await groupGone(child.pid);
    throw new ReleaseStopped(String(stop.reason), `stopped during ${name}`);
  }
  const text = output.join('');
  if (status !== 0) {
    const tail = text.trim().split('\n').slice(-12).join('\n');
    throw new ReleaseRefused(`${name} failed${tail === '' ? '' : `:\n${tail}`}`);
  }
  return text;
}

const pnpm = (args: readonly string[]): [string, string[]] => [pnpmCommand(), [...pnpmArgs(), ...args]];

/**
 * changesets' CLI run by node itself, not through `node_modules/.bin/changeset`: that is a shell
 * script, and the shell drops environment variables whose names are not identifiers, such as the
 * scope registry `npm_config_@customer-chat:registry` (see registryEnvironment).
 */
const changeset = (dir: string, args: readonly string[]): [string, string[]] => [process.execPath, [join(dir, 'node_modules/@changesets/cli/bin.js'), ...args]];

/** What the preflight found: the changesets, and the environment to publish in (when the release publishes). */
interface Preflight {
  changesets: Changesets;
  publishEnv: NodeJS.ProcessEnv;
}

/** The checks made before anything is written. */
async function preflight(root: string, mode: ReleaseMode, dryRun: boolean, registry: string | undefined): Promise<Preflight> {
  const dirty = changedPaths(root);
  if (dirty.length > 0) throw new ReleaseRefused(`the working tree has uncommitted changes (${dirty.length} path(s), e.g. ${dirty[0]}); commit or stash them first`);
  const mismatch = versionMismatch(readSpecVersions(root));
  if (mismatch !== undefined) throw new ReleaseRefused(mismatch);
  const published = workspacePackages(root);
  // Each changeset read now: a broken one is refused naming its file and line, before any step.
  const changesets = changesetState(root, new Set(published.map((p) => p.name)), workspacePackageNames(root));
  // Publishing with changesets pending would publish numbers that do not include them.
  if (mode === 'publish' && changesets.releasing.length > 0) {
    throw new ReleaseRefused(`${changesets.releasing.length} changeset(s) are pending (e.g. ${changesets.releasing[0]!.file}): version them first (pnpm release --version-only, then commit), or release them with pnpm release`);
  }
  // Likewise the release versions that leaving pre mode makes.
  if (mode === 'publish' && changesets.work) {
    throw new ReleaseRefused(`${CHANGESET_DIR}/pre.json says pre mode is being left (changeset pre exit): version first (pnpm release --version-only, then commit), or release with pnpm release`);
  }
  const publishes = mode === 'publish' || (mode === 'full' && !dryRun && changesets.work);
  // The release commit needs an author: better said now than after the build.
  if (mode === 'full' && publishes && spawnSync('git', ['var', 'GIT_COMMITTER_IDENT'], { cwd: root, stdio: 'ignore' }).status !== 0) {
    throw new ReleaseRefused('git has no identity to make the release commit with; set user.name and user.email (git config) first');
  }
  // What the publish needs, made sure of before anything is versioned or committed.
  let publishEnv = registryEnvironment(registry, published);
  if (publishes) {
    publishEnv = withPnpmOnPath(root, publishEnv);
    pingRegistry(root, registry, published, publishEnv);
  }
  const tag = latestReleaseTag(root);
  if (tag === undefined) return { changesets, publishEnv };
  const { unreleased } = await releaseHistory(root, await loadModel(join(root, 'spec/asyncapi.yaml'), root));
  // As the spec-diff gate counts them: the pending major changesets, and the majors the versions
  // carry since the tag (the version step consumed their changesets, e.g. --version-only committed).
  const bumps = largestBumps(bumpsOf(changesets.pending), appliedBumps(root, tag, published));
  const missing = missingMajors(unreleased ?? [], bumps);
  if (missing.length > 0) {
    throw new ReleaseRefused(`the spec has breaking changes since ${tag} and no major changeset for ${missing.join(', ')}, nor a major version since then (pnpm spec:diff lists them)`);
  }
  return { changesets, publishEnv };
}

/** Why there is nothing to version. */
function nothingPending(changesets: Changesets): string {
  if (changesets.pending.length > 0) {
    const files = changesets.pending.map((c) => c.file).join(', ');
    return `the pending changeset(s) release no published package (empty, or naming only private packages or none): ${files}; the next release versions them along`;
  }
  if (changesets.pre !== undefined) return `no pending changeset: in pre mode (${changesets.pre.tag}) the ones in ${CHANGESET_DIR}/pre.json are versioned already`;
  return 'no pending changeset';
}

/** The newest version of `name` tagged before `version` (tags as changesets makes them), if any. */
function previousRelease(dir: string, name: string, version: string): string | undefined {
  // versionsort.suffix: a prerelease (1.0.0-next.0) sorts before its release.
  const listed = git(dir, ['-c', 'versionsort.suffix=-', 'tag', '--list', `${name}@*`, '--sort=-v:refname']).split('\n').filter(Boolean);
  return listed.map((tag) => tag.slice(name.length + 1)).find((v) => v !== version);
}

/**
 * In full mode with nothing pending: HEAD may be a release commit whose publish failed (its
 * versions untagged). Then `--publish-only` finishes it; saying "nothing to release" would hide it.
 */
function unpublishedReleaseCommit(root: string): void {
  const subject = git(root, ['log', '-1', '--format=%s']).trim();
  if (!subject.startsWith('release:')) return;
  const tags = tagList(root);
  const untagged = publishablePackages(root).filter((p) => !tags.has(`${p.name}@${p.version}`));
  if (untagged.length === 0) return;
  const sha = git(root, ['rev-parse', '--short', 'HEAD']).trim();
  throw new ReleaseRefused(
    `no pending changeset, but HEAD (${sha} "${subject}") is a release commit whose versions are not all published and tagged (${untagged.map((p) => `${p.name}@${p.version}`).join(', ')}): run pnpm release --publish-only to finish it`,
  );
}

/** Packs each package and checks the tarball with publint (strict) and, for packages with types, attw. */
async function checkPackages(dir: string, packages: PublishablePackage[], log: (line: string) => void, stop: AbortSignal | undefined): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'customer-chat-pack-'));
  const bin = (name: string) => join(dir, 'tools/release/node_modules/.bin', name);
  try {
    for (const pkg of packages) {
      const [command, args] = pnpm(['pack', '--pack-destination', out]);
      await step(`packing ${pkg.name}`, command, args, join(dir, pkg.dir), stop);
      const tarball = join(out, readdirSync(out).find((file) => file.startsWith(pkg.name.replace('@', '').replace('/', '-')) && file.endsWith(`-${pkg.version}.tgz`))!);
      await step(`publint on ${pkg.name}`, bin('publint'), ['run', tarball, '--strict'], dir, stop);
      const manifest = JSON.parse(execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' })) as { types?: string };
      if (manifest.types !== undefined) await step(`attw on ${pkg.name}`, bin('attw'), [tarball, '--profile', 'node16', '--format', 'table-flipped'], dir, stop);
      log(`checked ${pkg.name}@${pkg.version}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** `changeset version`, then the spec's info.version from its package, then what is generated from the spec. */
async function version(dir: string, log: (line: string) => void, stop: AbortSignal | undefined): Promise<void> {
  await step('changeset version', ...changeset(dir, ['version']), dir, stop);
  const specVersion = readSpecVersions(dir).package;
  writeDocumentVersion(dir, specVersion);
  log(`spec ${specVersion}: info.version written; generating`);
  const [command, args] = pnpm(['generate']);
  await step('generating', command, args, dir, stop);
}

/** Puts a tree the release changed in place back to the clean one it was (the preflight insisted on it). */
function restore(root: string): void {
  git(root, ['reset', '--hard', '--quiet']);
  git(root, ['clean', '-fdq']);
}

/** What a stop (a signal) leaves: nothing, as a refusal; said as ReleaseStopped. */
function stoppedError(stop: AbortSignal | undefined, error: unknown, left: string): unknown {
  const signal = stopReason(stop);
  if (signal === undefined || error instanceof ReleaseIncomplete) return error;
  return new ReleaseStopped(signal, `stopped by ${signal}: ${left}`);
}

export async function release(options: ReleaseOptions): Promise<ReleaseReport> {
  const log = options.log ?? (() => undefined);
  const mode = options.mode ?? 'full';
  const stop = options.signal;
  const { changesets, publishEnv } = await preflight(options.root, mode, options.dryRun, options.registry);
  const describe = (dir: string, p: PublishablePackage, from: string | undefined): ReleasedPackage => ({ name: p.name, from, to: p.version, changelog: latestChangelogEntry(dir, p.dir) });
  if (mode !== 'publish' && !changesets.work) {
    if (mode === 'full') unpublishedReleaseCommit(options.root);
    return { dryRun: options.dryRun, packages: [], tags: [], nothing: `nothing to release (${nothingPending(changesets)})` };
  }
  const before = new Map(publishablePackages(options.root).map((p) => [p.name, p.version]));
  if (mode === 'version') {
    try {
      await version(options.root, log, stop);
    } catch (error) {
      // A failed or stopped version step leaves nothing half-versioned behind.
      restore(options.root);
      throw stoppedError(stop, error, 'nothing was versioned (the tree is as it was)');
    }
    const packages = publishablePackages(options.root).filter((p) => before.get(p.name) !== p.version);
    return { dryRun: false, packages: packages.map((p) => describe(options.root, p, before.get(p.name))), tags: [] };
  }
  const scratch = options.dryRun ? scratchCopy(options.root) : undefined;
  const dir = scratch?.root ?? options.root;
  let committed = false;
  try {
    if (mode === 'full') {
      log(`versioning${options.dryRun ? ' (dry run, in a scratch copy)' : ''}`);
      await version(dir, log, stop);
    }
    const versioned = publishablePackages(dir).filter((p) => before.get(p.name) !== p.version);
    // The commit is titled with what it versions: a version step that versioned nothing stops here.
    if (mode === 'full' && versioned.length === 0) throw new ReleaseRefused(`changeset version changed no published package's version (pending: ${changesets.releasing.map((c) => c.file).join(', ')})`);
    log('building');
    const [command, args] = pnpm(['build']);
    await step('building', command, args, dir, stop);
    // What is published must be what is committed: a build that changes a tracked file (generated
    // code out of step with the spec) stops the release here.
    if (mode === 'publish') {
      const changed = changedPaths(dir);
      if (changed.length > 0) throw new ReleaseRefused(`the build changed committed files (${changed.join(', ')}): run pnpm generate and commit its output first`);
    }
    const packages = publishablePackages(dir);
    await checkPackages(dir, packages, log, stop);
    if (options.dryRun) return { dryRun: true, packages: versioned.map((p) => describe(dir, p, before.get(p.name))), tags: [] };
    // The last moment a stop leaves nothing behind.
    if (stop?.aborted) throw new ReleaseStopped(String(stop.reason), 'stopped before the release commit');

    const tagsBefore = tagList(dir);
    let commit: string | undefined;
    if (mode === 'full') {
      git(dir, ['add', '-A']);
      git(dir, ['commit', '--quiet', '-m', `release: ${versioned.map((p) => `${p.name}@${p.version}`).join(', ')}`]);
      commit = git(dir, ['rev-parse', '--short', 'HEAD']).trim();
    }
    committed = true;
    log('publishing');
    try {
      await step('changeset publish', ...changeset(dir, ['publish']), dir, stop, publishEnv);
    } catch (error) {
      // Stopped too: what is committed, published and tagged is said, for --publish-only to finish.
      throw incomplete(dir, commit, packages, tagsBefore, error);
    }
    const tags = [...tagList(dir)].filter((tag) => !tagsBefore.has(tag));
    // What changeset publish published is what it tagged: also versions an earlier commit made
    // (--version-only), whose `from` is the version tagged before, not the one at HEAD.
    const published = packages
      .filter((p) => tags.includes(`${p.name}@${p.version}`))
      .map((p) => describe(dir, p, before.get(p.name) !== p.version ? before.get(p.name) : previousRelease(dir, p.name, p.version)));
    return { dryRun: false, packages: published, tags, commit, nothing: published.length === 0 ? 'nothing left to publish (every version is on the registry already)' : undefined };
  } catch (error) {
    // Refused or stopped in place before the release commit: the tree goes back to the clean one
    // it was (the preflight insisted on it), so nothing of the attempt stays behind.
    if (scratch === undefined && !committed) restore(dir);
    throw stoppedError(stop, error, scratch === undefined ? 'nothing was released (the tree is as it was)' : 'nothing was released (the scratch copy is removed)');
  } finally {
    scratch?.dispose();
  }
}

/**
 * A publish that failed after the release commit (full mode) or part-way (publish mode): what is
 * committed, what was published and tagged (changesets tags each package it published, also when
 * others fail), and how to finish.
 */
function incomplete(dir: string, commit: string | undefined, packages: PublishablePackage[], tagsBefore: Set<string>, error: unknown): ReleaseIncomplete {
  let tags: Set<string>;
  try {
    tags = tagList(dir);
  } catch {
    tags = tagsBefore;
  }
  const made = [...tags].filter((tag) => !tagsBefore.has(tag)).sort();
  const left = packages.map((p) => `${p.name}@${p.version}`).filter((tag) => !tags.has(tag));
  const state = [
    commit === undefined ? undefined : `the release commit ${commit} is made (local, not pushed)`,
    made.length === 0 ? 'nothing was published or tagged' : `published and tagged (local tags, not pushed): ${made.join(', ')}`,
    made.length > 0 && left.length > 0 ? `not published: ${left.join(', ')}` : undefined,
  ].filter((part) => part !== undefined);
  const cause = error instanceof Error ? error.message : String(error);
  const [first, ...rest] = cause.split('\n');
  return new ReleaseIncomplete(
    [`${first!.replace(/:$/, '')}; ${state.join('; ')}; run pnpm release --publish-only to finish (it publishes and tags what is not published yet)`, ...rest].join('\n'),
    { cause: error },
  );
}
