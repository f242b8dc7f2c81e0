// The released versions of the spec (git tags `@customer-chat/spec@<version>`, as changesets tags
// them) and what changed from each to the next, computed by the same classification as the gate.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, type ProtocolModel } from '@customer-chat/spec-model';
import { loadCleanSpec } from '@customer-chat/spec-loader';
import { classifyChanges, type Change } from './classify.js';

export const TAG_PREFIX = '@customer-chat/spec@';
const SPEC_PATH = 'spec/asyncapi.yaml';

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Semver precedence of two versions: a prerelease (`1.0.0-next.0`) comes before its release. */
function compareVersions(a: string, b: string): number {
  const [x, y] = [SEMVER.exec(a)!, SEMVER.exec(b)!];
  for (const i of [1, 2, 3]) if (x[i] !== y[i]) return Number(x[i]) - Number(y[i]);
  if (x[4] === undefined || y[4] === undefined) return Number(x[4] === undefined) - Number(y[4] === undefined);
  const [p, q] = [x[4].split('.'), y[4].split('.')];
  for (let i = 0; i < Math.min(p.length, q.length); i++) {
    if (p[i] === q[i]) continue;
    const [pn, qn] = [/^\d+$/.test(p[i]!), /^\d+$/.test(q[i]!)];
    // Numeric identifiers compare as numbers and come before alphanumeric ones.
    if (pn && qn) return Number(p[i]) - Number(q[i]);
    if (pn !== qn) return pn ? -1 : 1;
    return p[i]! < q[i]! ? -1 : 1;
  }
  return p.length - q.length;
}

/**
 * The release tags of the spec, newest first (by semver: git's version sort puts `1.0.0-next.0`
 * after `1.0.0`); tags that name no version are no release. None outside a git repository.
 */
export function releaseTags(root: string): string[] {
  const listed = spawnSync('git', ['tag', '--list', `${TAG_PREFIX}*`], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) return [];
  const version = (tag: string) => tag.slice(TAG_PREFIX.length);
  return listed.stdout
    .split('\n')
    .filter((tag) => SEMVER.test(version(tag)))
    .sort((a, b) => compareVersions(version(b), version(a)));
}

/** The newest release tag, or undefined before the first release. */
export function latestReleaseTag(root: string): string | undefined {
  return releaseTags(root)[0];
}

export interface Release {
  /** `0.2.0` */
  version: string;
  /** What changed since the release before it (empty for the first one). */
  changes: Change[];
}

/** The spec as released under `tag`, as a model. */
async function modelAt(root: string, tag: string): Promise<ProtocolModel> {
  const text = execFileSync('git', ['show', `${tag}:${SPEC_PATH}`], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const scratch = mkdtempSync(join(tmpdir(), 'spec-release-'));
  try {
    const file = join(scratch, 'asyncapi.yaml');
    writeFileSync(file, text);
    return buildModel(await loadCleanSpec(file), root);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Every release, newest first, with its changes since the one before; and the changes of `current`
 * (the working document) since the newest release, when there is one.
 */
export async function releaseHistory(root: string, current: ProtocolModel): Promise<{ releases: Release[]; unreleased: Change[] | undefined }> {
  const tags = releaseTags(root);
  const models = await Promise.all(tags.map((tag) => modelAt(root, tag)));
  const releases = tags.map((tag, i) => ({ version: tag.slice(TAG_PREFIX.length), changes: i + 1 < models.length ? classifyChanges(models[i + 1]!, models[i]!) : [] }));
  return { releases, unreleased: models.length === 0 ? undefined : classifyChanges(models[0]!, current) };
}
