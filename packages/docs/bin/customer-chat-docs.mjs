#!/usr/bin/env node
// `customer-chat-docs [--port 8790] [--help]` (or PORT=8790): serves the documentation site this package
// ships (dist/site) on 127.0.0.1. A tiny static server for reading the docs locally and for the
// browser tests; nothing else.
import { realpathSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { pipeline } from 'node:stream';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export const DEFAULT_PORT = 8790;

export const USAGE = `usage: customer-chat-docs [--port <port>] [--help]
  Serves the documentation site on http://127.0.0.1:<port>/ (default ${DEFAULT_PORT}).
  --port <port>  0 to 65535, digits only (0: any free port); the PORT variable works too
  --help         this text`;

/** A wrong command line: exit code 2, with the usage. */
class UsageError extends Error {}

function parsePort(value, from) {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`${from}: invalid port ${JSON.stringify(value)} (digits only, 0 to 65535)`);
  return Number(value);
}

/** `{ help: true }` or `{ port }` from the arguments (then PORT, then the default); throws a UsageError. */
export function parseArguments(args, env = process.env) {
  let port;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    let value;
    if (arg === '--port') {
      value = args[i + 1];
      if (value === undefined) throw new UsageError('--port needs a value');
      i += 1;
    } else if (arg.startsWith('--port=')) value = arg.slice('--port='.length);
    else throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    if (port !== undefined) throw new UsageError('--port given twice');
    port = parsePort(value, '--port');
  }
  // An empty PORT (`PORT= customer-chat-docs`) counts as unset, as usual for variables.
  if (port === undefined && env.PORT !== undefined && env.PORT !== '') port = parsePort(env.PORT, 'PORT');
  return { port: port ?? DEFAULT_PORT };
}

/** Starts the server; resolves with it once it listens. */
export function serve({ root, port = DEFAULT_PORT, host = '127.0.0.1' }) {
  const base = resolve(root);
  const server = createServer(async (request, response) => {
    const answer = (status, text, headers = {}) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      response.end(`${text}\n`);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'Method not allowed', { allow: 'GET, HEAD' });
    const target = request.url ?? '/';
    // Origin-form only: `//events.html` is a path here, never a host; `http://...` and `*` are refused.
    if (!target.startsWith('/')) return answer(400, 'Bad request');
    let path;
    try {
      const { pathname } = new URL(`http://localhost${target}`);
      // An encoded / or \ names no file of the site: refused rather than taken as a separator.
      if (/%2f|%5c/i.test(pathname)) return answer(404, 'Not found');
      path = decodeURIComponent(pathname);
    } catch {
      return answer(400, 'Bad request');
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) return answer(403, 'Forbidden');
    // Opened before anything is answered, then read from that handle: a file deleted meanwhile (a
    // rebuild of the site) is a 404 or reads to its end, never an error the server dies of.
    const handle = await open(file).catch(() => undefined);
    const info = await handle?.stat().catch(() => undefined);
    if (handle === undefined || !info?.isFile()) {
      await handle?.close().catch(() => undefined);
      return answer(404, 'Not found');
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (request.method === 'HEAD') {
      await handle.close().catch(() => undefined);
      response.end();
      return;
    }
    // A read that fails midway ends this response only.
    pipeline(handle.createReadStream(), response, () => undefined);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolvePromise(server));
  });
}

/** Whether this file is the one node was started with: through npm's `.bin` symlink, argv[1] is the link. */
function isMain() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(resolve(process.argv[1])) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  let options;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`customer-chat-docs: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const root = fileURLToPath(new URL('../dist/site/', import.meta.url));
  const built = await stat(join(root, 'index.html')).catch(() => undefined);
  if (!built) {
    // Serving nothing but 404s would look like a running site.
    console.error(`customer-chat-docs: the site is not built (no ${join(root, 'index.html')}); in the repository, run \`pnpm --filter @customer-chat/docs build\``);
    process.exit(1);
  }
  try {
    const server = await serve({ root, port: options.port });
    const address = server.address();
    console.log(`Docs  http://127.0.0.1:${typeof address === 'object' && address ? address.port : ''}/`);
    const stop = () => server.close(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (error) {
    console.error(`customer-chat-docs: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
