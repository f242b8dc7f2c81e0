// The workspace's packages as pnpm-workspace.yaml lays them out (`spec`, `tools/*`, `packages/*`,
// `apps/*`), read from their manifests without running pnpm: the gate, the release's changeset
// checks and its scratch copies all list them through here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface VersionedPackage {
  name: string;
  version: string;
  /** The package's folder, relative to the repository root. */
  dir: string;
}

interface Manifest {
  name?: string;
  version?: string;
  private?: boolean;
}

/** The folders pnpm-workspace.yaml lists, as this repository lays them out. */
const WORKSPACE_FOLDERS = ['spec', 'tools/*', 'packages/*', 'apps/*'];

/** Every folder of the workspace that holds a package (a package.json), relative to `root`. */
export function workspaceDirs(root: string): string[] {
  return WORKSPACE_FOLDERS.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return existsSync(join(root, parent)) ? readdirSync(join(root, parent)).map((name) => `${parent}/${name}`) : [];
  }).filter((dir) => existsSync(join(root, dir, 'package.json')));
}

const manifests = (root: string) => workspaceDirs(root).map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest }));

/** The workspace's packages that are published (not private), with their versions. */
export function workspacePackages(root: string): VersionedPackage[] {
  return manifests(root)
    .filter(({ manifest }) => manifest.private !== true && manifest.name !== undefined)
    .map(({ dir, manifest }) => ({ name: manifest.name!, version: manifest.version ?? '0.0.0', dir }));
}

/** The name of every workspace package, private ones included. */
export function workspacePackageNames(root: string): Set<string> {
  return new Set(manifests(root).flatMap(({ manifest }) => (manifest.name === undefined ? [] : [manifest.name])));
}
