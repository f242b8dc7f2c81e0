#!/usr/bin/env node
// `customer-chat-reference-server [--port 8787] [--admin-port 8788] [--host 127.0.0.1] [limits...]`:
// starts the reference server and says how to connect to it. Bad arguments exit with code 2 and
// the usage.
import { parseArgs } from 'node:util';
import { ADMIN_TOKEN_RULE, DEFAULT_ADMIN_ORIGINS, isAdminToken, parseOrigins } from './admin-http.js';
import { createReferenceServer, DEFAULT_LIMITS, DEFAULT_PORT, MIN_HEARTBEAT_INTERVAL_MS, type LimitName, type ReferenceServerOptions } from './server.js';

/** The flag of every limit option. */
const LIMIT_FLAGS: Record<LimitName, string> = {
  maxFrameBytes: 'max-frame-bytes',
  maxUnsentBytes: 'max-unsent-bytes',
  maxTotalUnsentBytes: 'max-total-unsent-bytes',
  maxPendingRequests: 'max-pending-requests',
  maxConnectionsPerCustomer: 'max-connections-per-customer',
  maxUnauthenticatedConnections: 'max-unauthenticated-connections',
  heartbeatIntervalMs: 'heartbeat-interval-ms',
  loginTimeoutMs: 'login-timeout-ms',
  adminMaxBodyBytes: 'admin-max-body-bytes',
  maxStoredFileBytes: 'max-stored-file-bytes',
  maxStoredChatBytes: 'max-stored-chat-bytes',
  uploadIdleTimeoutMs: 'upload-idle-timeout-ms',
};

const USAGE = `usage: customer-chat-reference-server [--port <n>] [--admin-port <n>] [--host <address>] [options]

  --port <n>                             WebSocket port (default 8787; 0 picks a free port)
  --admin-port <n>                       admin HTTP port, always on 127.0.0.1 (default: port + 1; a free port when --port is 0)
  --host <address>                       interface of the WebSocket endpoint (default 127.0.0.1)

Limits (README: "Limits"):
  --max-frame-bytes <n>                  largest incoming frame; larger closes with 1009 (default ${DEFAULT_LIMITS.maxFrameBytes})
  --max-unsent-bytes <n>                 bytes a connection may leave unread; more closes it with 1008 (default ${DEFAULT_LIMITS.maxUnsentBytes})
  --max-total-unsent-bytes <n>           bytes all connections may leave unread; more cuts off those holding the most (default ${DEFAULT_LIMITS.maxTotalUnsentBytes})
  --max-pending-requests <n>             requests waiting per connection; more: pending_requests_limit_reached (default ${DEFAULT_LIMITS.maxPendingRequests})
  --max-connections-per-customer <n>     more: too_many_connections (default ${DEFAULT_LIMITS.maxConnectionsPerCustomer})
  --max-unauthenticated-connections <n>  connections not logged in; more: too_many_unauthorized_connections (default ${DEFAULT_LIMITS.maxUnauthenticatedConnections})
  --heartbeat-interval-ms <n>            ping interval; a missed pong: connection_lost (default ${DEFAULT_LIMITS.heartbeatIntervalMs}; 0 turns it off; else at least ${MIN_HEARTBEAT_INTERVAL_MS})
  --login-timeout-ms <n>                 time to log in; then inactivity_timeout (default ${DEFAULT_LIMITS.loginTimeoutMs}; 0 turns it off)
  --max-stored-file-bytes <n>            bytes all uploaded files (and uploads arriving) may take in memory; more: 503 (default ${DEFAULT_LIMITS.maxStoredFileBytes})
  --max-stored-chat-bytes <n>            bytes the chats, customers and agents may take in memory; more: service_unavailable (default ${DEFAULT_LIMITS.maxStoredChatBytes})
  --upload-idle-timeout-ms <n>           an upload body silent this long is cut off (default ${DEFAULT_LIMITS.uploadIdleTimeoutMs}; 0 turns it off)

Admin endpoint:
  --admin-token <token>                  require Authorization: Bearer <token> on every admin request
                                         (visible ASCII characters, no spaces)
  --admin-origins <list>                 comma-separated origins whose pages may call it (CORS), e.g.
                                         'http://localhost:*,https://app.example.test'; '' for none
                                         (default ${DEFAULT_ADMIN_ORIGINS.join(',')})
  --admin-max-body-bytes <n>             largest admin request body; larger: 413 (default ${DEFAULT_LIMITS.adminMaxBodyBytes})

  -h, --help                             show this help`;

function usageError(message: string): never {
  console.error(`customer-chat-reference-server: ${message}\n\n${USAGE}`);
  process.exit(2);
}

const MAX_PORT = 65535;

function portOf(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) > MAX_PORT) usageError(`--${name} must be a port number from 0 to ${MAX_PORT}, not "${value}"`);
  return Number(value);
}

function wholeNumberOf(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) usageError(`--${name} must be a whole number, not "${value}"`);
  return Number(value);
}

function parse(): ReferenceServerOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'admin-port': { type: 'string' },
        host: { type: 'string' },
        ...Object.fromEntries(Object.values(LIMIT_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
        'admin-token': { type: 'string' },
        'admin-origins': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error));
  }
  if (values['help'] === true) {
    console.log(USAGE);
    process.exit(0);
  }
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  const options: ReferenceServerOptions = {};
  const host = text('host');
  if (host === '') usageError('--host must not be empty');
  if (host !== undefined) options.host = host;
  const port = portOf('port', text('port'));
  if (port !== undefined) options.port = port;
  const adminPort = portOf('admin-port', text('admin-port'));
  // One port cannot serve both endpoints (0 twice is two free ports).
  if (adminPort !== undefined && adminPort !== 0 && adminPort === (port ?? DEFAULT_PORT)) {
    usageError(`--admin-port ${adminPort} is the port of the WebSocket endpoint (--port); give each its own`);
  }
  if (adminPort !== undefined) options.adminPort = adminPort;
  else if (port !== undefined && port !== 0 && port + 1 > MAX_PORT) {
    usageError(`--admin-port defaults to --port + 1 = ${port + 1}, which is not a port; pass --admin-port`);
  }
  for (const [name, flag] of Object.entries(LIMIT_FLAGS) as [LimitName, string][]) {
    const value = wholeNumberOf(flag, text(flag));
    if (value !== undefined) options[name] = value;
  }
  const token = text('admin-token');
  if (token === '') usageError('--admin-token must not be empty');
  if (token !== undefined && !isAdminToken(token)) usageError(`--admin-token must be ${ADMIN_TOKEN_RULE}`);
  if (token !== undefined) options.adminToken = token;
  const origins = text('admin-origins');
  if (origins !== undefined) {
    options.adminOrigins = origins
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '');
    try {
      parseOrigins(options.adminOrigins);
    } catch (error) {
      usageError(`--admin-origins: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const options = parse();
  let server;
  try {
    server = await createReferenceServer(options);
  } catch (error) {
    // A limit out of range: a usage error, naming the flag.
    if (error instanceof RangeError) {
      const name = (Object.keys(LIMIT_FLAGS) as LimitName[]).find((limit) => error.message.startsWith(`${limit} `));
      usageError(name === undefined ? error.message : `--${LIMIT_FLAGS[name]}${error.message.slice(name.length)}`);
    }
    // A host that does not resolve, or is no address of this machine: the argument is wrong, not the server.
    const code = (error as { code?: unknown }).code;
    const host = options.host ?? '127.0.0.1';
    if (code === 'ENOTFOUND') usageError(`--host ${host} is neither an address nor a name this machine resolves (${(error as Error).message})`);
    if (code === 'EADDRNOTAVAIL') usageError(`--host ${host} is not an address of this machine (${(error as Error).message}); use 127.0.0.1, 0.0.0.0, :: or the address of one of its interfaces`);
    throw error;
  }
  // The admin URL without a trailing slash: `$ADMIN/tokens` must not become `//tokens`. The admin
  // token itself is never printed, only where it goes.
  const withToken = options.adminToken === undefined ? '' : '-H "Authorization: Bearer <admin token>" ';
  console.log(`Customer chat reference server
  WebSocket  ${server.socketUrl('demo')}   (any licenseId)
  Admin      ${server.adminUrl}   (GET / lists the endpoints${options.adminToken === undefined ? '' : '; send Authorization: Bearer <admin token>'})
  Token      curl -s -X POST ${withToken}${server.adminUrl}/tokens   (send it in \`login\`)
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
