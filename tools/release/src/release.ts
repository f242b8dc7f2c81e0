// `pnpm release [--dry-run]`: the pending changesets become versions (changelogs per package,
// internal dependency bumps), the spec's info.version follows its package, everything is
// regenerated and built, every publishable package is packed and checked (publint, attw on the
// tarball), then each is published and tagged (`@customer-chat/spec@<version>`, as changesets
// does). `--dry-run` does all of it but publish and tag, in a scratch copy, and reports what it
// would release. It refuses, with one line and before anything is written, a dirty tree, a
// spec/package version mismatch, and a breaking spec change without its major changesets; a
// failing package check stops it before anything is published or tagged.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latestReleaseTag, missingMajors, readChangesets, releaseHistory } from '@customer-chat/spec-diff';
import { loadModel } from '@customer-chat/spec-model';
import { scratchCopy } from './scratch.js';
import { readSpecVersions, versionMismatch, writeDocumentVersion } from './version-story.js';
import { latestChangelogEntry, pnpmArgs, pnpmCommand, publishablePackages, type PublishablePackage } from './workspace.js';

/** The release will not go on: one line saying why; nothing was published or tagged. */
export class ReleaseRefused extends Error {}

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
}

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
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

/** The checks made before anything is written. */
async function preflight(root: string): Promise<void> {
  const dirty = changedPaths(root);
  if (dirty.length > 0) throw new ReleaseRefused(`the working tree has uncommitted changes (${dirty.length} path(s), e.g. ${dirty[0]}); commit or stash them first`);
  const mismatch = versionMismatch(readSpecVersions(root));
  if (mismatch !== undefined) throw new ReleaseRefused(mismatch);
  const tag = latestReleaseTag(root);
  if (tag === undefined) return;
  const { unreleased } = await releaseHistory(root, await loadModel(join(root, 'spec/asyncapi.yaml'), root));
  const missing = missingMajors(unreleased ?? [], readChangesets(join(root, '.changeset')));
  if (missing.length > 0) {
    throw new ReleaseRefused(`the spec has breaking changes since ${tag} and no major changeset for ${missing.join(', ')} (pnpm spec:diff lists them)`);
  }
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
  step('changeset version', join(dir, 'node_modules/.bin/changeset'), ['version'], dir);
  const specVersion = readSpecVersions(dir).package;
  writeDocumentVersion(dir, specVersion);
  log(`spec ${specVersion}: info.version written; generating`);
  const [command, args] = pnpm(['generate']);
  step('generating', command, args, dir);
}

export async function release(options: ReleaseOptions): Promise<ReleaseReport> {
  const log = options.log ?? (() => undefined);
  const mode = options.mode ?? 'full';
  await preflight(options.root);
  const pending = readdirSync(join(options.root, '.changeset')).some((file) => file.endsWith('.md') && file !== 'README.md');
  if (mode === 'version') {
    if (!pending) return { dryRun: false, packages: [], tags: [] };
    const before = new Map(publishablePackages(options.root).map((p) => [p.name, p.version]));
    version(options.root, log);
    const packages = publishablePackages(options.root).filter((p) => before.get(p.name) !== p.version);
    return { dryRun: false, packages: packages.map((p) => ({ name: p.name, from: before.get(p.name) ?? '-', to: p.version, changelog: latestChangelogEntry(options.root, p.dir) })), tags: [] };
  }
  if (mode === 'full' && !pending) {
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

    if (mode === 'full') {
      git(dir, ['add', '-A']);
      git(dir, ['commit', '--quiet', '-m', `release: ${released.map((p) => `${p.name}@${p.to}`).join(', ')}`]);
    }
    committed = true;
    const tagsBefore = new Set(git(dir, ['tag', '--list']).split('\n').filter(Boolean));
    const env = options.registry === undefined ? process.env : { ...process.env, npm_config_registry: options.registry };
    log('publishing');
    step('changeset publish', join(dir, 'node_modules/.bin/changeset'), ['publish'], dir, env);
    const tags = git(dir, ['tag', '--list']).split('\n').filter((tag) => tag !== '' && !tagsBefore.has(tag));
    // What changeset publish published is what it tagged.
    return { dryRun: false, packages: mode === 'publish' ? released.filter((p) => tags.includes(`${p.name}@${p.to}`)) : released, tags };
  } catch (error) {
    // Refused in place before the release commit: the tree goes back to the clean one it was
    // (the preflight insisted on it), so nothing of the attempt stays behind.
    if (scratch === undefined && !committed) {
      git(dir, ['reset', '--hard', '--quiet']);
      git(dir, ['clean', '-fdq']);
    }
    throw error;
  } finally {
    scratch?.dispose();
  }
}
