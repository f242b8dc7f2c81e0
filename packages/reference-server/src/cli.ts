#!/usr/bin/env node
// `customer-chat-reference-server [--port 8787] [--admin-port 8788] [--host 127.0.0.1]`: starts the
// reference server and says how to connect to it. Bad arguments exit with code 2 and the usage.
import { parseArgs } from 'node:util';
import { createReferenceServer } from './server.js';

const USAGE = `usage: customer-chat-reference-server [--port <n>] [--admin-port <n>] [--host <address>]

  --port <n>          WebSocket port (default 8787; 0 picks a free port)
  --admin-port <n>    admin HTTP port, always on 127.0.0.1 (default: port + 1)
  --host <address>    interface of the WebSocket endpoint (default 127.0.0.1)
  -h, --help          show this help`;

function usageError(message: string): never {
  console.error(`customer-chat-reference-server: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function portOf(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) usageError(`--${name} must be a port number from 0 to 65535, not "${value}"`);
  return Number(value);
}

function parse(): { port?: number; adminPort?: number; host?: string } {
  let values: { port?: string; 'admin-port'?: string; host?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'admin-port': { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.host === '') usageError('--host must not be empty');
  const port = portOf('port', values.port);
  const adminPort = portOf('admin-port', values['admin-port']);
  return { ...(port === undefined ? {} : { port }), ...(adminPort === undefined ? {} : { adminPort }), ...(values.host === undefined ? {} : { host: values.host }) };
}

async function main(): Promise<void> {
  const server = await createReferenceServer(parse());
  console.log(`Customer chat reference server
  WebSocket  ${server.socketUrl('demo')}   (any licenseId)
  Admin      ${server.adminUrl}/   (GET / lists the endpoints)
  Token      curl -s -X POST ${server.adminUrl}/tokens   (send it in \`login\`)
Ctrl-C stops it.`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: closing connections...`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('could not close cleanly', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const code = (error as { code?: unknown }).code;
  console.error(`customer-chat-reference-server: ${code === 'EADDRINUSE' ? `the port is in use (${(error as Error).message}); pick another with --port / --admin-port` : error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
