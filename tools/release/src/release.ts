// `pnpm release [--dry-run]`: the pending changesets become versions (changelogs per package,
// internal dependency bumps), the spec's info.version follows its package, everything is
// regenerated and built, every publishable package is packed and checked (publint, attw on the
// tarball), then each is published and tagged (`@customer-chat/spec@<version>`, as changesets
// does). `--dry-run` does all of it but publish and tag, in a scratch copy, and reports what it
// would release. It refuses, with one line and before anything is written, a dirty tree, a
// spec/package version mismatch, a breaking spec change without its major changesets (in publish
// mode, without the major versions those changesets made), pending changesets in publish mode, a
// full release without a git identity to commit with, and a release commit at HEAD that was never
// published (a full release whose publish failed: `--publish-only` finishes it); a failing step
// (version, generate, build, package checks) puts the tree back as it was, before anything is
// published or tagged. A publish that fails after the release commit says what is committed,
// published and tagged, and how to finish.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appliedBumps, latestReleaseTag, missingMajors, readChangesets, releaseHistory } from '@customer-chat/spec-diff';
import { loadModel } from '@customer-chat/spec-model';
import { scratchCopy } from './scratch.js';
import { readSpecVersions, versionMismatch, writeDocumentVersion } from './version-story.js';
import { latestChangelogEntry, pnpmArgs, pnpmCommand, publishablePackages, type PublishablePackage } from './workspace.js';

/**
 * The release will not go on: one line saying why (a failed step adds the last lines of its
 * output). Thrown before anything is published or tagged, and before the release commit or with
 * the tree put back as it was: nothing of the attempt stays behind.
 */
export class ReleaseRefused extends Error {}

/**
 * The release stopped after something stayed behind (the release commit made, some packages
 * published and tagged): the message says what state things are in and how to finish.
 */
export class ReleaseIncomplete extends Error {}

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
}

export interface ReleasedPackage {
  name: string;
  from: string;
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

/** The pending changesets (`.changeset/*.md` but its README). */
function pendingChangesets(root: string): string[] {
  return readdirSync(join(root, '.changeset')).filter((file) => file.endsWith('.md') && file !== 'README.md').sort();
}

/** The paths `git status` lists (`XY path` lines: the path starts at the fourth character). */
function changedPaths(root: string): string[] {
  return git(root, ['status', '--porcelain']).split('\n').filter((line) => line.length > 3).map((line) => line.slice(3));
}

/** Runs a step; a failure refuses the release with the step's name and the last lines of its output. */
function step(name: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    const tail = output.trim().split('\n').slice(-12).join('\n');
    throw new ReleaseRefused(`${name} failed${tail === '' ? '' : `:\n${tail}`}`);
  }
  return output;
}

const pnpm = (args: readonly string[]): [string, string[]] => [pnpmCommand(), [...pnpmArgs(), ...args]];

/**
 * changesets' CLI run by node itself, not through `node_modules/.bin/changeset`: that is a shell
 * script, and the shell drops environment variables whose names are not identifiers, such as the
 * scope registry `npm_config_@customer-chat:registry` (see registryEnvironment).
 */
const changeset = (dir: string, args: readonly string[]): [string, string[]] => [process.execPath, [join(dir, 'node_modules/@changesets/cli/bin.js'), ...args]];

/** The checks made before anything is written. */
async function preflight(root: string, mode: ReleaseMode, dryRun: boolean): Promise<void> {
  const dirty = changedPaths(root);
  if (dirty.length > 0) throw new ReleaseRefused(`the working tree has uncommitted changes (${dirty.length} path(s), e.g. ${dirty[0]}); commit or stash them first`);
  const mismatch = versionMismatch(readSpecVersions(root));
  if (mismatch !== undefined) throw new ReleaseRefused(mismatch);
  const pending = pendingChangesets(root);
  // Publishing with changesets pending would publish numbers that do not include them.
  if (mode === 'publish' && pending.length > 0) {
    throw new ReleaseRefused(`${pending.length} changeset(s) are pending (e.g. .changeset/${pending[0]}): version them first (pnpm release --version-only, then commit), or release them with pnpm release`);
  }
  // The release commit needs an author: better said now than after the build.
  if (mode === 'full' && !dryRun && pending.length > 0 && spawnSync('git', ['var', 'GIT_COMMITTER_IDENT'], { cwd: root, stdio: 'ignore' }).status !== 0) {
    throw new ReleaseRefused('git has no identity to make the release commit with; set user.name and user.email (git config) first');
  }
  const tag = latestReleaseTag(root);
  if (tag === undefined) return;
  const { unreleased } = await releaseHistory(root, await loadModel(join(root, 'spec/asyncapi.yaml'), root));
  // In publish mode the version step has consumed the changesets: the majors are in the versions.
  const missing = missingMajors(unreleased ?? [], mode === 'publish' ? appliedBumps(root, tag, publishablePackages(root)) : readChangesets(join(root, '.changeset')));
  if (missing.length > 0) {
    throw new ReleaseRefused(
      mode === 'publish'
        ? `the spec has breaking changes since ${tag} and no major version since then for ${missing.join(', ')} (pnpm spec:diff lists them)`
        : `the spec has breaking changes since ${tag} and no major changeset for ${missing.join(', ')} (pnpm spec:diff lists them)`,
    );
  }
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
function checkPackages(dir: string, packages: PublishablePackage[], log: (line: string) => void): void {
  const out = mkdtempSync(join(tmpdir(), 'customer-chat-pack-'));
  const bin = (name: string) => join(dir, 'tools/release/node_modules/.bin', name);
  try {
    for (const pkg of packages) {
      const [command, args] = pnpm(['pack', '--pack-destination', out]);
      step(`packing ${pkg.name}`, command, args, join(dir, pkg.dir));
      const tarball = join(out, readdirSync(out).find((file) => file.startsWith(pkg.name.replace('@', '').replace('/', '-')) && file.endsWith(`-${pkg.version}.tgz`))!);
      step(`publint on ${pkg.name}`, bin('publint'), ['run', tarball, '--strict'], dir);
      const manifest = JSON.parse(execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' })) as { types?: string };
      if (manifest.types !== undefined) step(`attw on ${pkg.name}`, bin('attw'), [tarball, '--profile', 'node16', '--format', 'table-flipped'], dir);
      log(`checked ${pkg.name}@${pkg.version}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** `changeset version`, then the spec's info.version from its package, then what is generated from the spec. */
function version(dir: string, log: (line: string) => void): void {
  step('changeset version', ...changeset(dir, ['version']), dir);
  const specVersion = readSpecVersions(dir).package;
  writeDocumentVersion(dir, specVersion);
  log(`spec ${specVersion}: info.version written; generating`);
  const [command, args] = pnpm(['generate']);
  step('generating', command, args, dir);
}

/** Puts a tree the release changed in place back to the clean one it was (the preflight insisted on it). */
function restore(root: string): void {
  git(root, ['reset', '--hard', '--quiet']);
  git(root, ['clean', '-fdq']);
}

/**
 * The environment that sends every publish (and changesets' registry lookups) to `registry`: npm's
 * registry and each package scope's, which npm, pnpm and changesets (getCorrectRegistry reads
 * `npm_config_<scope>:registry`) prefer to it when an npmrc names one (`@customer-chat:registry=`).
 * changesets passes the scope's on to `npm info` (as a flag) and `pnpm publish` (in its environment).
 */
function registryEnvironment(registry: string | undefined, packages: PublishablePackage[]): NodeJS.ProcessEnv {
  if (registry === undefined) return process.env;
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_registry: registry };
  for (const scope of new Set(packages.map((p) => p.name.split('/')[0]!).filter((s) => s.startsWith('@')))) env[`npm_config_${scope}:registry`] = registry;
  return env;
}

export async function release(options: ReleaseOptions): Promise<ReleaseReport> {
  const log = options.log ?? (() => undefined);
  const mode = options.mode ?? 'full';
  await preflight(options.root, mode, options.dryRun);
  const pending = pendingChangesets(options.root).length > 0;
  if (mode === 'version') {
    if (!pending) return { dryRun: false, packages: [], tags: [] };
    const before = new Map(publishablePackages(options.root).map((p) => [p.name, p.version]));
    try {
      version(options.root, log);
    } catch (error) {
      // A failed version step leaves nothing half-versioned behind.
      restore(options.root);
      throw error;
    }
    const packages = publishablePackages(options.root).filter((p) => before.get(p.name) !== p.version);
    return { dryRun: false, packages: packages.map((p) => ({ name: p.name, from: before.get(p.name) ?? '-', to: p.version, changelog: latestChangelogEntry(options.root, p.dir) })), tags: [] };
  }
  if (mode === 'full' && !pending) {
    unpublishedReleaseCommit(options.root);
    log('nothing to release: no pending changeset');
    return { dryRun: options.dryRun, packages: [], tags: [] };
  }
  const before = new Map(publishablePackages(options.root).map((p) => [p.name, p.version]));
  const scratch = options.dryRun ? scratchCopy(options.root) : undefined;
  const dir = scratch?.root ?? options.root;
  let committed = false;
  try {
    if (mode === 'full') {
      log(`versioning${options.dryRun ? ' (dry run, in a scratch copy)' : ''}`);
      version(dir, log);
    }
    log('building');
    const [command, args] = pnpm(['build']);
    step('building', command, args, dir);
    // What is published must be what is committed: a build that changes a tracked file (generated
    // code out of step with the spec) stops the release here.
    if (mode === 'publish') {
      const changed = changedPaths(dir);
      if (changed.length > 0) throw new ReleaseRefused(`the build changed committed files (${changed.join(', ')}): run pnpm generate and commit its output first`);
    }
    const packages = publishablePackages(dir);
    checkPackages(dir, packages, log);
    // In publish mode the versions were bumped by an earlier commit: every package is a candidate,
    // and changeset publish skips those already on the registry.
    const released = packages
      .filter((p) => mode === 'publish' || before.get(p.name) !== p.version)
      .map((p) => ({ name: p.name, from: before.get(p.name) ?? '-', to: p.version, changelog: latestChangelogEntry(dir, p.dir) }));
    if (options.dryRun) return { dryRun: true, packages: released, tags: [] };

    const tagsBefore = tagList(dir);
    let commit: string | undefined;
    if (mode === 'full') {
      git(dir, ['add', '-A']);
      git(dir, ['commit', '--quiet', '-m', `release: ${released.map((p) => `${p.name}@${p.to}`).join(', ')}`]);
      committed = true;
      commit = git(dir, ['rev-parse', '--short', 'HEAD']).trim();
    }
    committed = true;
    log('publishing');
    try {
      step('changeset publish', ...changeset(dir, ['publish']), dir, registryEnvironment(options.registry, packages));
    } catch (error) {
      throw incomplete(dir, commit, packages, tagsBefore, error);
    }
    const tags = [...tagList(dir)].filter((tag) => !tagsBefore.has(tag));
    // What changeset publish published is what it tagged.
    return { dryRun: false, packages: mode === 'publish' ? released.filter((p) => tags.includes(`${p.name}@${p.to}`)) : released, tags, commit };
  } catch (error) {
    // Refused in place before the release commit: the tree goes back to the clean one it was
    // (the preflight insisted on it), so nothing of the attempt stays behind.
    if (scratch === undefined && !committed) restore(dir);
    throw error;
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
