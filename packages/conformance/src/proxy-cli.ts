#!/usr/bin/env node
// `customer-chat-proxy --listen HOST:PORT --upstream ws://... [--enforce] [--quiet] [--json] [--upstream-timeout MS] [--max-buffered-bytes N]`: the
// validating proxy (proxy.ts) from the command line. It says where it listens on stdout, logs each
// violation as one line on stderr, and prints the summary on stdout when SIGINT or SIGTERM ends it
// (exit code 0). Bad arguments, and an address it cannot listen on, end it with one line on stderr
// and exit code 2.
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_UPSTREAM_TIMEOUT_MS, formatSummary, formatViolation, formatViolationJson, parseUpstream, startValidatingProxy, type ProxyViolation, type ValidatingProxy } from './proxy.js';
import { oneLine } from './one-line.js';

const NAME = 'customer-chat-proxy';
const DEFAULT_LISTEN = '127.0.0.1:9000';

const USAGE = `usage: ${NAME} --upstream <ws://host:port> [--listen <host:port>] [--enforce] [--quiet] [--json]
       [--upstream-timeout <ms>] [--max-buffered-bytes <n>]

Relays every WebSocket frame between clients and the upstream server, unchanged and in order, and
checks each against the customer chat protocol by the direction it travels. A client's upgrade is
completed once the upstream accepted the proxy's own: an upgrade the upstream refuses is answered
with its status line and body, one it cannot reach with 502 Bad Gateway, one that does not answer
in time with 504 Gateway Timeout. Plain HTTP requests are relayed to the upstream's HTTP origin.

  --upstream <url>     the server's ws:// or wss:// base URL; a client's path and query (socket or
                       plain HTTP request alike) are appended to it (required)
  --listen <host:port> where clients connect (default ${DEFAULT_LISTEN}; port 0 picks a free one)
  --enforce            do not pass invalid frames on: an invalid request is answered by the proxy
                       with a "validation" error response, an invalid server frame is dropped;
                       before login, a request the server can read (a JSON object, a known action,
                       a valid requestId) goes on whatever its payload: the server answers it
                       "authorization"
  --quiet              do not log violations (the summary still counts them)
  --json               log each violation as one JSON line, and the summary as JSON
  --upstream-timeout <ms>
                       how long the upstream may take to answer an upgrade, or stay silent during
                       a plain HTTP request; then 504 (default ${DEFAULT_UPSTREAM_TIMEOUT_MS})
  --max-buffered-bytes <n>
                       the most bytes held for one peer of a connection: past it the proxy stops
                       reading the other peer until they went out (default ${DEFAULT_MAX_BUFFERED_BYTES})
  -h, --help           show this help

Prints where it listens on stdout, each violation as one line on stderr
("client→server send_sneak_peek /payload/extra: must NOT have additional properties {...}"), and on
SIGINT or SIGTERM the summary on stdout, then exits 0. Bad arguments, or an address it cannot
listen on: one line on stderr, exit code 2.`;

class UsageError extends Error {}

/** One line on stderr, exit code 2 (set, not forced: the line is written out first). */
function fail(message: string): void {
  process.stderr.write(`${NAME}: ${oneLine(message)}; see --help\n`);
  process.exitCode = 2;
}

function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(value);
  if (match === null) throw new UsageError(`--listen must be HOST:PORT (e.g. ${DEFAULT_LISTEN}), not ${JSON.stringify(value)}`);
  const port = Number(match[3]);
  if (port > 65535) throw new UsageError(`--listen port must be from 0 to 65535, not ${match[3]}`);
  return { host: (match[1] ?? match[2])!, port };
}

/** A whole number given in digits only (Number() would also take 1e3, 0x10 and " 5 "), from 1 to `max`. */
function parseWhole(flag: string, value: string | undefined, fallback: number, max: number, unit: string): number {
  if (value === undefined) return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 1 || number > max) throw new UsageError(`${flag} must be a whole number of ${unit} from 1 to ${max}, not ${JSON.stringify(value)}`);
  return number;
}

function parseUpstreamArg(value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError('--upstream <ws://host:port> is required');
  try {
    parseUpstream(value);
  } catch (error) {
    throw new UsageError(String((error as Error).message).replace(/^the upstream/, '--upstream'));
  }
  return value;
}

/** What parseArgs threw, said in one short clause. */
function argumentProblem(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = String(message ?? error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']*)'/.exec(text)?.[1];
    return `unknown option ${option ?? text}`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']*)'/.exec(text)?.[1];
    return `unexpected argument ${JSON.stringify(argument ?? text)} (every argument is a --flag)`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(--[a-z-]+)/.exec(text)?.[1];
    if (/argument missing/.test(text)) return `${option ?? 'an option'} needs a value`;
    if (/does not take an argument/.test(text)) return `${option ?? 'a flag'} takes no value`;
  }
  return text.split('\n')[0]!.replace(/\.$/, '');
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        listen: { type: 'string' },
        upstream: { type: 'string' },
        enforce: { type: 'boolean' },
        quiet: { type: 'boolean' },
        json: { type: 'boolean' },
        'upstream-timeout': { type: 'string' },
        'max-buffered-bytes': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(argumentProblem(error));
    return;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let listen: { host: string; port: number };
  let upstream: string;
  let upstreamTimeoutMs: number;
  let maxBufferedBytes: number;
  try {
    listen = parseListen(values.listen ?? DEFAULT_LISTEN);
    upstream = parseUpstreamArg(values.upstream);
    upstreamTimeoutMs = parseWhole('--upstream-timeout', values['upstream-timeout'], DEFAULT_UPSTREAM_TIMEOUT_MS, 2_147_483_647, 'milliseconds');
    maxBufferedBytes = parseWhole('--max-buffered-bytes', values['max-buffered-bytes'], DEFAULT_MAX_BUFFERED_BYTES, Number.MAX_SAFE_INTEGER, 'bytes');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail(error.message);
    return;
  }
  const enforce = values.enforce === true;
  const json = values.json === true;
  const quiet = values.quiet === true;

  const onViolation = quiet
    ? undefined
    : json
      ? (violation: ProxyViolation) => process.stderr.write(`${formatViolationJson(violation)}\n`)
      : (violation: ProxyViolation) => process.stderr.write(`${formatViolation(violation)}\n`);

  let proxy: ValidatingProxy;
  try {
    proxy = await startValidatingProxy({ listen, upstream, enforce, onViolation, upstreamTimeoutMs, maxBufferedBytes });
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    const where = `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`;
    const reason =
      code === 'EADDRINUSE' ? 'the address is in use' : code === 'EACCES' ? 'permission denied' : code === 'EADDRNOTAVAIL' ? 'no such local address' : code === 'ENOTFOUND' ? 'unknown host' : (code ?? message ?? String(error));
    process.stderr.write(`${NAME}: cannot listen on ${where}: ${reason}\n`);
    process.exitCode = 2;
    return;
  }

  process.stdout.write(
    json
      ? `${JSON.stringify({ listening: proxy.url, upstream, enforce })}\n`
      : `${NAME}: listening on ${proxy.url}, relaying to ${upstream} (${enforce ? 'enforcing: invalid frames are not passed on' : 'checking: invalid frames are passed on'})\n`,
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const summary = proxy.summary();
    process.stdout.write(json ? `${JSON.stringify({ summary })}\n` : `${formatSummary(summary)}\n`);
    proxy.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${NAME}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
