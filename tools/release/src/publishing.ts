// What `changeset publish` needs, made sure of before anything is versioned or committed: the
// registry to publish to (answering), and `pnpm` on PATH (changesets runs it to publish).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';
import { ReleaseRefused } from './errors.js';
import { PNPM, type PublishablePackage } from './workspace.js';

/**
 * The environment that sends every publish (and changesets' registry lookups) to `registry`: npm's
 * registry and each package scope's, which npm, pnpm and changesets (getCorrectRegistry reads
 * `npm_config_<scope>:registry`) prefer to it when an npmrc names one (`@customer-chat:registry=`).
 * changesets passes the scope's on to `npm info` (as a flag) and `pnpm publish` (in its environment).
 */
export function registryEnvironment(registry: string | undefined, packages: readonly PublishablePackage[], env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (registry === undefined) return env;
  const withRegistry: NodeJS.ProcessEnv = { ...env, npm_config_registry: registry };
  for (const scope of scopes(packages)) withRegistry[`npm_config_${scope}:registry`] = registry;
  return withRegistry;
}

const scopes = (packages: readonly PublishablePackage[]): string[] => [...new Set(packages.map((p) => p.name.split('/')[0]!).filter((s) => s.startsWith('@')))];

/**
 * `env` with `pnpm` on its PATH. changesets spawns `pnpm publish` from PATH, while the release's own
 * steps fall back to npx: run without pnpm on PATH (node straight on cli.ts), the publish would
 * fail after the build and the release commit. Then the folder npx keeps the pinned pnpm in goes
 * first on the child's PATH; if npx cannot provide it, the release is refused now.
 */
export function withPnpmOnPath(root: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (spawnSync('pnpm', ['--version'], { cwd: root, env, stdio: 'ignore' }).error === undefined) return env;
  // `npx -c` runs its command with the package's bin folder on PATH. In this process's own
  // environment: `env` may send npm to the --registry, which need not hold pnpm.
  const found = spawnSync('npx', ['--yes', '-p', PNPM, '-c', 'command -v pnpm'], { cwd: root, encoding: 'utf8' });
  const bin = found.status === 0 ? found.stdout.trim().split('\n').at(-1) : undefined;
  if (bin === undefined || !existsSync(bin)) {
    // npm's first error line says why; its last one only where its log is.
    const lines = `${found.stderr ?? ''}`.split('\n').filter((line) => line.trim() !== '' && !line.includes('A complete log of this run'));
    const said = found.error?.message ?? lines.find((line) => line.startsWith('npm error')) ?? lines.at(-1);
    throw new ReleaseRefused(`pnpm is not on PATH (changeset publish runs it) and npx could not provide ${PNPM}${said ? ` (${said})` : ''}: put pnpm on PATH, or run npx --yes ${PNPM} release`);
  }
  return { ...env, PATH: `${dirname(bin)}${delimiter}${env.PATH ?? ''}` };
}

/** The registry a publish goes to: `--registry`, else the npm configuration's for the packages' scope, else its default. */
function targetRegistry(root: string, registry: string | undefined, packages: readonly PublishablePackage[], env: NodeJS.ProcessEnv): string {
  if (registry !== undefined) return registry;
  for (const key of [...scopes(packages).map((scope) => `${scope}:registry`), 'registry']) {
    const got = spawnSync('npm', ['config', 'get', key], { cwd: root, env, encoding: 'utf8' });
    const value = got.status === 0 ? got.stdout.trim() : '';
    if (value !== '' && value !== 'undefined') return value;
  }
  throw new ReleaseRefused('npm names no registry to publish to (npm config get registry): pass --registry URL');
}

/** `npm ping` to the registry a publish goes to: one that does not answer is refused before anything is versioned. */
export function pingRegistry(root: string, registry: string | undefined, packages: readonly PublishablePackage[], env: NodeJS.ProcessEnv): void {
  const target = targetRegistry(root, registry, packages, env);
  const ping = spawnSync('npm', ['ping', '--registry', target, '--fetch-retries=0', '--fetch-timeout=30000'], { cwd: root, env, encoding: 'utf8' });
  if (ping.status === 0) return;
  const output = `${ping.stderr ?? ''}${ping.stdout ?? ''}`;
  // npm's reason (`reason: connect ECONNREFUSED ...`), else its error code, else its last line.
  const reason = /reason: (.+)$/m.exec(output)?.[1] ?? /npm error code (\S+)/.exec(output)?.[1] ?? ping.error?.message ?? output.trim().split('\n').at(-1) ?? `exit ${ping.status}`;
  throw new ReleaseRefused(`the registry ${target} does not answer (npm ping: ${reason.trim()}): check --registry or the npm configuration's registry`);
}
