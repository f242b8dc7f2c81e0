#!/usr/bin/env node
// `customer-chat-docs [--port 8790]` (or PORT=8790): serves the documentation site this package
// ships (dist/site) on 127.0.0.1. A tiny static server for reading the docs locally and for the
// browser tests; nothing else.
import { createReadStream, realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
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

function portFromArguments(args) {
  const index = args.indexOf('--port');
  const inline = args.find((a) => a.startsWith('--port='));
  const value = inline ? inline.slice('--port='.length) : index === -1 ? process.env.PORT : args[index + 1];
  if (value === undefined || value === '') return 8790;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port "${value}"`);
  return port;
}

/** Starts the server; resolves with it once it listens. */
export function serve({ root, port = 8790, host = '127.0.0.1' }) {
  const base = resolve(root);
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      let path = decodeURIComponent(url.pathname);
      if (path.endsWith('/')) path += 'index.html';
      const file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) throw Object.assign(new Error('outside the site'), { status: 403 });
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('Not found\n');
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' });
        response.end();
        return;
      }
      response.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      if (request.method === 'HEAD') response.end();
      else createReadStream(file).pipe(response);
    } catch (error) {
      const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : 400;
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${status === 403 ? 'Forbidden' : 'Bad request'}\n`);
    }
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
  const root = fileURLToPath(new URL('../dist/site/', import.meta.url));
  const built = await stat(join(root, 'index.html')).catch(() => undefined);
  if (!built) console.error('customer-chat-docs: dist/site is not built yet; in the repository, run `pnpm --filter @customer-chat/docs build`');
  try {
    const server = await serve({ root, port: portFromArguments(process.argv.slice(2)) });
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
