// The built package as Node.js loads it (dist/, through package.json `exports`, by self-reference
// from this folder): the main entry and `/unvalidated` share one runtime, in ESM and in CommonJS,
// and `/unvalidated` has `ws` as its default WebSocket there too. Needs `pnpm build` first
// (turbo's test task depends on the build).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createReferenceServer, type ReferenceServer } from '@customer-chat/reference-server';
import { afterEach, beforeAll, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** What a fresh Node process prints running `script` (an ES module, or CommonJS when `commonjs`). */
async function node(script: string, commonjs = false): Promise<string> {
  const { stdout } = await run(process.execPath, ['--input-type', commonjs ? 'commonjs' : 'module', '-e', script], { cwd: packageDir });
  return stdout.trim();
}

// An unvalidated client's error and instance, checked with the main entry's exports.
const crossEntryChecks = `
const api = unvalidated.createCustomerSDK({ licenseId: 'dist', getToken: () => 'token', autoConnect: false });
const error = await api.sendMessage('C', 'hi').catch((e) => e);
api.destroy();
console.log(JSON.stringify({
  code: error.code,
  isSDKError: main.isSDKError(error),
  sameSDKError: main.SDKError === unvalidated.SDKError,
  sameCustomerSDK: api instanceof main.CustomerSDK,
}));`;
const shared = { code: 'CONNECTION_LOST', isSDKError: true, sameSDKError: true, sameCustomerSDK: true };

beforeAll(() => {
  if (!existsSync(`${packageDir}/dist/node.js`)) throw new Error(`${packageDir}dist/node.js is missing: run \`pnpm build\` in packages/sdk first`);
});

it('shares one runtime between the main entry and /unvalidated under Node (ESM)', async () => {
  const script = `import * as main from '@customer-chat/sdk'; import * as unvalidated from '@customer-chat/sdk/unvalidated';\n${crossEntryChecks}`;
  expect(JSON.parse(await node(script))).toEqual(shared);
});

it('shares one runtime between the main entry and /unvalidated under Node (CommonJS)', async () => {
  const script = `const main = require('@customer-chat/sdk'); const unvalidated = require('@customer-chat/sdk/unvalidated');\n(async () => {${crossEntryChecks}})();`;
  expect(JSON.parse(await node(script, true))).toEqual(shared);
});

it('shares one runtime between the browser builds of both entries, required as CommonJS (a test runner with the browser condition)', async () => {
  // The browser build takes the global WebSocket (Node 20 has none; the client never connects here).
  const script = `globalThis.WebSocket ??= class {}; const main = require('./dist/index.cjs'); const unvalidated = require('./dist/unvalidated.cjs');\n(async () => {${crossEntryChecks}})();`;
  expect(JSON.parse(await node(script, true))).toEqual(shared);
});

let server: ReferenceServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

it('connects under Node before 20.16 (no process.getBuiltinModule: the ES module build imports node:module to require ws)', async () => {
  server = await createReferenceServer({ port: 0 });
  const { token } = server.issueToken();
  const script = `delete process.getBuiltinModule;
const { createCustomerSDK } = await import('@customer-chat/sdk');
const api = createCustomerSDK({ url: ${JSON.stringify(server.url)}, licenseId: 'dist', getToken: () => ${JSON.stringify(token)} });
const { chat } = await api.startChat({});
console.log(api.state, typeof chat.id);
api.destroy();`;
  expect(await node(script, false)).toBe('connected string');
});

it.each([false, true])('connects with /unvalidated under Node without a WebSocket option (CommonJS: %s)', async (commonjs) => {
  server = await createReferenceServer({ port: 0 });
  const { token } = server.issueToken();
  const connect = `
const api = createCustomerSDK({ url: ${JSON.stringify(server.url)}, licenseId: 'dist', getToken: () => ${JSON.stringify(token)} });
const { chat } = await api.startChat({});
console.log(api.state, typeof chat.id);
api.destroy();`;
  const script = commonjs
    ? `const { createCustomerSDK } = require('@customer-chat/sdk/unvalidated');\n(async () => {${connect}})();`
    : `import { createCustomerSDK } from '@customer-chat/sdk/unvalidated';\n${connect}`;
  expect(await node(script, commonjs)).toBe('connected string');
});
