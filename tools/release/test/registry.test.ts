// `pnpm release` for real, to a local registry (verdaccio on 127.0.0.1), from a scratch clone:
// every package versioned, published and tagged, the spec's versions in step; then the SDK, the
// validators, the spec and the docs installed from that registry into a fresh project and used,
// and `pnpm spec:diff` comparing against the new tag; `--registry` wins over an npmrc that sends the
// scope elsewhere. The hosted CI's two steps, through a breaking spec change and its majors. A
// publish that fails after the release commit says so and how to finish. Nothing is published
// anywhere else.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scratch } from '../src/scratch.js';
import { readSpecVersions } from '../src/version-story.js';
import { publishablePackages } from '../src/workspace.js';
import { breakingChangeWithMajors, clone, commitAll, git, registryAndClone, REPOSITORY_ROOT, runCliWithoutPnpm, runRelease } from './helpers.js';
import { httpJson, startRegistry, type LocalRegistry } from './registry.js';

let registry: LocalRegistry;
let scratch: Scratch;
let release: { code: number; stdout: string; stderr: string };
let project: string;
const before = new Map(publishablePackages(REPOSITORY_ROOT).map((p) => [p.name, p.version]));

/**
 * The registry's npmrc (its token) with the @customer-chat scope sent to a port nothing listens on,
 * as a user's npmrc may name another registry for the scope: only --registry says where to publish.
 */
function npmrcWithScopeElsewhere(local: LocalRegistry): string {
  const file = `${local.npmrc}.scope-elsewhere`;
  writeFileSync(file, readFileSync(local.npmrc, 'utf8').replace(/^@customer-chat:registry=.*$/m, '@customer-chat:registry=http://127.0.0.1:9/'));
  return file;
}

beforeAll(async () => {
  registry = await startRegistry();
  scratch = clone();
  release = runRelease(scratch.root, ['--registry', `${registry.url}/`], { NPM_CONFIG_USERCONFIG: npmrcWithScopeElsewhere(registry) });
  project = mkdtempSync(join(tmpdir(), 'customer-chat-consumer-'));
});

afterAll(async () => {
  await registry?.close();
  scratch?.dispose();
  if (project) rmSync(project, { recursive: true, force: true });
});

const released = () => publishablePackages(scratch.root).filter((p) => before.get(p.name) !== p.version);

describe('pnpm release to a local registry', () => {
  it('versions, publishes and tags every package with changes to --registry (not the scope registry an npmrc names), and says so', async () => {
    expect(release.code, `${release.stdout}\n${release.stderr}`).toBe(0);
    const packages = released();
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@customer-chat/docs', '@customer-chat/sdk', '@customer-chat/spec', '@customer-chat/validators']));
    const tags = git(scratch.root, ['tag', '--list']).split('\n');
    for (const pkg of packages) {
      expect(tags).toContain(`${pkg.name}@${pkg.version}`);
      expect(release.stdout).toContain(`${pkg.name} ${before.get(pkg.name)} -> ${pkg.version}`);
      // As changesets prints it, for changesets/action's GitHub releases.
      expect(release.stdout.split('\n')).toContain(`New tag: ${pkg.name}@${pkg.version}`);
      const meta = (await httpJson(`${registry.url}/${pkg.name.replace('/', '%2f')}`)).json as { 'dist-tags': { latest: string } };
      expect(meta['dist-tags'].latest).toBe(pkg.version);
    }
    // The release commit holds the bumped versions, the changelogs, and no pending changeset.
    expect(git(scratch.root, ['log', '-1', '--format=%s'])).toMatch(/^release: @customer-chat\//);
    // Nothing is pushed: the release says the commit and the tags are to be pushed.
    const sha = git(scratch.root, ['rev-parse', '--short', 'HEAD']).trim();
    expect(release.stdout).toContain(`the release commit ${sha} and the tags are local: push them (git push && git push --tags)`);
    expect(git(scratch.root, ['status', '--porcelain'])).toBe('');
    expect(existsSync(join(scratch.root, 'packages/sdk/CHANGELOG.md'))).toBe(true);
  });

  it('keeps the version story: the spec package, info.version and the spec tag say the same', () => {
    const versions = readSpecVersions(scratch.root);
    expect(versions.document).toBe(versions.package);
    expect(versions.package).not.toBe(before.get('@customer-chat/spec'));
    expect(git(scratch.root, ['tag', '--list', '@customer-chat/spec@*']).trim()).toBe(`@customer-chat/spec@${versions.package}`);
  });

  it('installs the SDK, the validators, the spec, the docs and the conformance kit from the registry into a fresh project, and each works', () => {
    const version = (name: string) => publishablePackages(scratch.root).find((p) => p.name === name)!.version;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // Our scope from the local registry only; other dependencies (ws) from the default one.
    writeFileSync(join(project, '.npmrc'), `@customer-chat:registry=${registry.url}/\n`);
    const wanted = ['@customer-chat/sdk', '@customer-chat/validators', '@customer-chat/spec', '@customer-chat/docs', '@customer-chat/conformance'].map((name) => `${name}@${version(name)}`);
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...wanted], { cwd: project, encoding: 'utf8', env: { ...process.env, NPM_CONFIG_USERCONFIG: join(project, '.npmrc') } });
    expect(install.status, install.stderr).toBe(0);
    const specVersion = version('@customer-chat/spec');
    writeFileSync(
      join(project, 'use.mjs'),
      [
        "import { readFileSync, existsSync } from 'node:fs';",
        "import { createRequire } from 'node:module';",
        "import { join } from 'node:path';",
        "import { validate } from '@customer-chat/validators';",
        "import { createCustomerSDK } from '@customer-chat/sdk';",
        "import { siteDirectory, markdownDirectory, pages } from '@customer-chat/docs';",
        "import { computeScenarios, checkClientFrame } from '@customer-chat/conformance';",
        'const require = createRequire(import.meta.url);',
        "const ok = validate('user_is_typing', { chat: 'PJ0MRSHTDG', user: 'agent@example.com' });",
        "const bad = validate('user_is_typing', { chat: 'PJ0MRSHTDG' });",
        "const api = createCustomerSDK({ licenseId: 'consumer', getToken: () => 'token', autoConnect: false });",
        "const spec = readFileSync(require.resolve('@customer-chat/spec/asyncapi.yaml'), 'utf8');",
        "const index = readFileSync(join(siteDirectory, 'index.html'), 'utf8');",
        'console.log(JSON.stringify({',
        '  valid: ok.ok, invalid: bad.ok, issue: bad.ok ? null : bad.errors[0].path,',
        "  sdk: typeof api.sendFile, state: api.state,",
        "  specVersion: /\\n  version: (\\S+)/.exec(spec)[1],",
        "  docsVersion: /class=\"version\">v([^<]+)</.exec(index)[1],",
        "  pages, markdown: existsSync(join(markdownDirectory, 'events.md')),",
        "  scenarios: computeScenarios().length, frame: checkClientFrame({ requestId: '1', action: 'get_chats_summary', payload: { page: 1 } }).issues[0]?.path,",
        '}));',
        'api.destroy();',
      ].join('\n'),
    );
    const used = JSON.parse(execFileSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8' })) as Record<string, unknown>;
    expect(used).toMatchObject({ valid: true, invalid: false, issue: '/user', sdk: 'function', state: 'idle', specVersion, docsVersion: specVersion, markdown: true });
    expect(used.pages).toEqual(expect.arrayContaining(['index', 'events', 'methods', 'changelog']));
    expect(used).toMatchObject({ frame: '/payload/page' });
    expect(used.scenarios).toBeGreaterThan(100);
    // The installed bins: a wrong --url ends with one line and exit code 2.
    const bins: Array<[string, string[], RegExp]> = [
      ['customer-chat-conformance', ['--url', 'http://127.0.0.1:1/v1/customer', '--token', 't'], /is not a WebSocket URL/],
      ['customer-chat-proxy', ['--upstream', 'http://127.0.0.1:1'], /ws:\/\/ or wss:\/\//],
    ];
    for (const [bin, args, message] of bins) {
      const run = spawnSync(join(project, 'node_modules', '.bin', bin), args, { encoding: 'utf8' });
      expect(run.status, `${bin}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n'), bin).toHaveLength(1);
    }
  });

  it('pnpm spec:diff (no argument) now compares against the new spec tag, and the gate passes', () => {
    const { package: version } = readSpecVersions(scratch.root);
    const diff = spawnSync('npx', ['--yes', 'pnpm@10.34.8', '-s', 'spec:diff', '--gate'], { cwd: scratch.root, encoding: 'utf8' });
    expect(diff.status, diff.stderr).toBe(0);
    expect(`${diff.stdout}${diff.stderr}`).toContain(`spec:diff spec/asyncapi.yaml@${version} -> spec/asyncapi.yaml`);
    expect(diff.stdout.trim().split('\n').at(-1)).toBe('0 breaking, 0 safe');
  });
});

describe('the hosted CI’s two steps: release --version-only (the version pull request), then release --publish-only', () => {
  const second = registryAndClone();

  it('versions without committing, then publishes and tags what the merged versions say, a breaking spec change and its majors included', async () => {
    // A release of the spec as it is, then a breaking change with the major changesets it needs.
    breakingChangeWithMajors(second.scratch.root, before.get('@customer-chat/spec')!, [...before.keys()]);
    const tagsBefore = git(second.scratch.root, ['tag', '--list']);

    const versioned = runRelease(second.scratch.root, ['--version-only']);
    expect(versioned.code, `${versioned.stdout}\n${versioned.stderr}`).toBe(0);
    expect(versioned.stdout).toContain('release: versioned (not published)');
    const versions = readSpecVersions(second.scratch.root);
    expect(versions.document).toBe(versions.package);
    expect(versions.package).toMatch(/^1\.0\.0$/);
    // Left for the pull request to commit: changed files, no tag.
    expect(git(second.scratch.root, ['status', '--porcelain'])).not.toBe('');
    expect(git(second.scratch.root, ['tag', '--list'])).toBe(tagsBefore);
    commitAll(second.scratch.root, 'release: version packages');

    // The changesets are consumed: the gate counts the majors in the versions. Run by node itself
    // without pnpm on PATH, changesets still finds the pnpm it publishes with.
    const published = runCliWithoutPnpm(second.scratch.root, ['--publish-only', '--registry', `${second.registry.url}/`], { NPM_CONFIG_USERCONFIG: second.registry.npmrc });
    expect(published.code, `${published.stdout}\n${published.stderr}`).toBe(0);
    expect(git(second.scratch.root, ['tag', '--list', '@customer-chat/spec@*']).trim().split('\n')).toContain(`@customer-chat/spec@${versions.package}`);
    const meta = (await httpJson(`${second.registry.url}/@customer-chat%2fvalidators`)).json as { 'dist-tags': { latest: string } };
    expect(meta['dist-tags'].latest).toBe(publishablePackages(second.scratch.root).find((p) => p.name === '@customer-chat/validators')!.version);
    // What it published, from the version tagged before (the spec's) or none known: never `1.0.0 -> 1.0.0`.
    expect(published.stdout.split('\n')).toContain(`@customer-chat/spec ${before.get('@customer-chat/spec')} -> ${versions.package}`);
    expect(published.stdout.split('\n')).toContain(`@customer-chat/sdk ${versions.package}`);
    expect(published.stdout).not.toMatch(/^\S+ (\S+) -> \1$/m);
    // A `New tag:` line per tag, which changesets/action reads to make the GitHub releases.
    for (const pkg of publishablePackages(second.scratch.root)) expect(published.stdout.split('\n')).toContain(`New tag: ${pkg.name}@${pkg.version}`);
    // Run again, there is nothing left to publish: no new tag, no failure.
    const again = runRelease(second.scratch.root, ['--publish-only', '--registry', `${second.registry.url}/`], { NPM_CONFIG_USERCONFIG: second.registry.npmrc });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim().split('\n').at(-1)).toBe('release: nothing left to publish (every version is on the registry already)');
  });
});

describe('a full release whose publish fails after the release commit', () => {
  let three: Scratch;
  let registry3: LocalRegistry;
  beforeAll(async () => {
    registry3 = await startRegistry();
    three = clone();
  });
  afterAll(async () => {
    await registry3?.close();
    three?.dispose();
  });

  it('says what is committed and published and how to finish; run again, it says the same instead of "nothing to release"', () => {
    // The registry answers (a dead one is refused up front) but refuses to publish without a token.
    const tokenless = `${registry3.npmrc}.tokenless`;
    writeFileSync(tokenless, `@customer-chat:registry=${registry3.url}/\n`);
    const failed = runRelease(three.root, ['--registry', `${registry3.url}/`], { NPM_CONFIG_USERCONFIG: tokenless });
    expect(failed.code, `${failed.stdout}\n${failed.stderr}`).toBe(1);
    const subject = git(three.root, ['log', '-1', '--format=%s']).trim();
    expect(subject).toMatch(/^release: @customer-chat\//);
    const sha = git(three.root, ['rev-parse', '--short', 'HEAD']).trim();
    const line = failed.stderr.split('\n').find((l) => l.startsWith('release: failed: '));
    expect(line, failed.stderr).toBe(
      `release: failed: changeset publish failed; the release commit ${sha} is made (local, not pushed); nothing was published or tagged; run pnpm release --publish-only to finish (it publishes and tags what is not published yet)`,
    );
    expect(git(three.root, ['tag', '--list'])).toBe('');
    expect(git(three.root, ['status', '--porcelain'])).toBe('');

    const again = runRelease(three.root, ['--registry', `${registry3.url}/`], { NPM_CONFIG_USERCONFIG: tokenless });
    expect(again.code, again.stdout).toBe(1);
    expect(again.stdout).not.toContain('nothing to release');
    expect(again.stderr.trim()).toMatch(new RegExp(`^release: refused: no pending changeset, but HEAD \\(${sha} "release: @customer-chat/.*"\\) is a release commit whose versions are not all published and tagged \\(@customer-chat/.*\\): run pnpm release --publish-only to finish it$`));
  });
});
