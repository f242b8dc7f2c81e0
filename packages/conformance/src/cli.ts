#!/usr/bin/env node
// customer-chat-conformance: runs the kit against a server and reports. Exit codes: 0 when every
// scenario that ran passed, 1 when one failed, 2 when the run could not start or an argument is
// wrong (one line on stderr, never a stack trace, never a pass).
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ConformanceDriver } from './driver.js';
import { protocol } from './gen/protocol.js';
import { referenceDriver } from './reference-driver.js';
import { formatJson, formatJunit, formatText } from './report.js';
import { checkSocketUrl, RunAborted, runConformance } from './run.js';
import { oneLine } from './one-line.js';

const NAME = 'customer-chat-conformance';

const USAGE = `Usage: ${NAME} --url ws://HOST:PORT${protocol.channel.address}?${protocol.channel.query.map((q) => `${q}=...`).join('&')} (--token-url URL | --token-command "CMD" | --token TOKEN) [options]

Runs the conformance scenarios of ${protocol.title} ${protocol.version}, computed from its spec, against the server at --url.

Token (one of; every connection of the run logs in with it, as one customer):
  --token-url URL        POST to URL; the answer is JSON with a "token" field, or the token as text
  --token-command "CMD"  run CMD in a shell; its standard output is the token (or JSON with a "token" field)
  --token TOKEN          the token itself

Options:
  --driver NAME          the agent side: "reference" (the reference server's admin API, needs --admin-url)
  --driver-module PATH   the agent side from a module exporting a ConformanceDriver (default export, or a function returning one)
  --admin-url URL        the reference server's admin API, e.g. http://127.0.0.1:8788
  --admin-token TOKEN    its admin token, when it has one
  --junit FILE           write a JUnit XML report
  --json FILE            write a JSON report
  --timeout MS           the longest wait for a reply, a push or a connection, in digits (default 5000);
                         also for --token-url, --token-command and loading --driver-module
  --only TEXT            run only scenarios whose name contains TEXT (repeatable), and the last one,
                         which checks every frame the server sent
  --quiet                print only the summary line
  --help                 print this help

Exit codes: 0 every scenario that ran passed (and one did); 1 a scenario failed, or none ran; 2 the run could
not start (bad argument, unreachable server, refused token, a server that closes at once or does not speak
JSON frames).`;

class UsageError extends Error {}

function fail(message: string): never {
  process.stderr.write(`${NAME}: ${oneLine(message)}\n`);
  process.exit(2);
}

/**
 * A command's output as a token: the text itself, or the "token" string of a JSON object, which is
 * what a token endpoint answers (`curl -s -X POST http://127.0.0.1:8788/tokens` for the reference server).
 */
function tokenFromOutput(output: string): string {
  if (!output.startsWith('{')) return output;
  let body: unknown;
  try {
    body = JSON.parse(output);
  } catch {
    return output;
  }
  const token = (body as { token?: unknown } | null)?.token;
  if (typeof token === 'string' && token !== '') return token;
  throw new RunAborted(`--token-command printed a JSON object without a "token" string: ${output.slice(0, 200)}`);
}

function runCommand(command: string, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile('/bin/sh', ['-c', command], { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      const said = stderr.trim().split('\n')[0] ?? '';
      if (error === null) {
        try {
          resolvePromise(tokenFromOutput(stdout.trim()));
        } catch (problem) {
          reject(problem);
        }
        return;
      }
      const how = error.killed ? `no output within ${timeoutMs} ms (--timeout)` : error.signal ? `killed by ${error.signal}` : typeof error.code === 'number' ? `exit code ${error.code}` : String(error.code ?? error.message);
      reject(new RunAborted(`--token-command failed (${how}): ${said === '' ? 'nothing on stderr' : said}`));
    });
  });
}

/** `promise`, or a RunAborted saying `what` did not finish within `ms` (a driver that never settles is no pass). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RunAborted(`${what} did not finish within ${ms} ms (--timeout)`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function tokenFromUrl(url: string, timeoutMs: number): Promise<string> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(timeoutMs) });
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? String(error));
    throw new RunAborted(`cannot get a token from ${url}: ${why}`);
  }
  if (!response.ok) throw new RunAborted(`the token URL ${url} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
  // JSON with a "token" field, or the token as plain text; anything else (an HTML page) is not a token.
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    let body: { token?: unknown };
    try {
      body = JSON.parse(text) as { token?: unknown };
    } catch {
      throw new RunAborted(`the token URL ${url} answered ${type} that is not JSON`);
    }
    if (typeof body.token === 'string' && body.token !== '') return body.token;
    throw new RunAborted(`the token URL ${url} answered JSON without a "token" string`);
  }
  if (type === 'text/plain' || type === '') return text.trim();
  throw new RunAborted(`the token URL ${url} answered ${type}; expected JSON with a "token" field or the token as text/plain`);
}

/** Checks before the run that a report file can be written (its folder exists and is writable, it is not a folder). */
function checkWritable(option: string, path: string): void {
  const folder = dirname(resolve(path));
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new UsageError(`${option} ${path}: the folder ${folder} does not exist or is not writable`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`${option} ${path} is a folder, not a file`);
}

async function driverFromModule(path: string, timeoutMs: number): Promise<ConformanceDriver> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await within(import(pathToFileURL(resolve(path)).href), timeoutMs, `--driver-module ${path}: loading it`)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof RunAborted) throw error;
    throw new UsageError(`--driver-module ${path} cannot be loaded: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const exported = loaded.default ?? loaded.driver;
  let driver: Partial<ConformanceDriver> | undefined;
  try {
    driver = (typeof exported === 'function' ? await within(Promise.resolve((exported as () => unknown)()), timeoutMs, `--driver-module ${path}: its driver function`) : exported) as Partial<ConformanceDriver> | undefined;
  } catch (error) {
    if (error instanceof RunAborted) throw error;
    throw new UsageError(`--driver-module ${path}: its driver function failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (driver === undefined || typeof driver.cause !== 'function' || !Array.isArray(driver.pushes) || typeof driver.name !== 'string') {
    throw new UsageError(`--driver-module ${path} exports no ConformanceDriver ({ name, pushes, cause }) as its default export or "driver"`);
  }
  return driver as ConformanceDriver;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        'token-url': { type: 'string' },
        'token-command': { type: 'string' },
        token: { type: 'string' },
        driver: { type: 'string' },
        'driver-module': { type: 'string' },
        'admin-url': { type: 'string' },
        'admin-token': { type: 'string' },
        junit: { type: 'string' },
        json: { type: 'string' },
        timeout: { type: 'string' },
        only: { type: 'string', multiple: true },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.url === undefined) throw new UsageError('--url is required: the server\'s WebSocket URL');
  checkSocketUrl(values.url);
  const tokenSources = [values['token-url'], values['token-command'], values.token].filter((v) => v !== undefined);
  if (tokenSources.length !== 1) throw new UsageError('give exactly one of --token-url, --token-command, --token');
  // Digits only: Number() would also take 1e3, 0x10 and " 5 ".
  const timeoutMs = values.timeout === undefined ? 5000 : /^\d+$/.test(values.timeout) ? Number(values.timeout) : Number.NaN;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) throw new UsageError(`--timeout must be a whole number of milliseconds from 1 to 600000, not ${values.timeout ?? ''}`);
  if (values.driver !== undefined && values['driver-module'] !== undefined) throw new UsageError('give --driver or --driver-module, not both');
  if (values.driver !== undefined && values.driver !== 'reference') throw new UsageError(`--driver ${values.driver} is not a built-in driver; the one built in is "reference" (or load one with --driver-module)`);
  if (values.driver === 'reference' && values['admin-url'] === undefined) throw new UsageError('--driver reference needs --admin-url (the reference server\'s admin API)');
  if (values['admin-url'] !== undefined && (!URL.canParse(values['admin-url']) || !/^https?:$/.test(new URL(values['admin-url']).protocol))) {
    throw new UsageError(`--admin-url ${JSON.stringify(values['admin-url'])} is not an http: or https: URL`);
  }
  const tokenUrl = values['token-url'];
  if (tokenUrl !== undefined && (!URL.canParse(tokenUrl) || !/^https?:$/.test(new URL(tokenUrl).protocol))) throw new UsageError(`--token-url ${JSON.stringify(tokenUrl)} is not an http: or https: URL`);
  if (values.junit !== undefined) checkWritable('--junit', values.junit);
  if (values.json !== undefined) checkWritable('--json', values.json);
  if (values.junit !== undefined && values.json !== undefined && resolve(values.junit) === resolve(values.json)) {
    throw new UsageError(`--junit and --json name the same file (${values.json}): one report would overwrite the other`);
  }

  const driver =
    values['driver-module'] !== undefined
      ? await driverFromModule(values['driver-module'], timeoutMs)
      : values.driver === 'reference'
        ? referenceDriver({ adminUrl: values['admin-url']!, adminToken: values['admin-token'], timeoutMs })
        : undefined;
  const token =
    values.token !== undefined ? values.token : tokenUrl !== undefined ? await tokenFromUrl(tokenUrl, timeoutMs) : await runCommand(values['token-command']!, timeoutMs);
  if (token === '') throw new RunAborted('the token is empty');

  const report = await runConformance({ url: values.url, token, driver, timeoutMs, only: values.only ?? [] });
  const text = formatText(report);
  process.stdout.write(values.quiet ? `${text.trimEnd().split('\n').at(-1) ?? ''}\n` : text);
  // Each file on its own: one that cannot be written does not keep the other from being written.
  const unwritten: string[] = [];
  for (const [path, content] of [[values.junit, formatJunit], [values.json, formatJson]] as const) {
    if (path === undefined) continue;
    try {
      writeFileSync(path, content(report));
    } catch (error) {
      unwritten.push(`${path} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (unwritten.length > 0) process.stderr.write(`${NAME}: could not write ${unwritten.join(', ')}\n`);
  // Nothing that ran failed, and something ran: a run where nothing was checked is no pass.
  if (report.totals.passed === 0 && report.totals.failed === 0) process.stderr.write(`${NAME}: nothing was checked: every scenario was not run\n`);
  return report.totals.failed === 0 && report.totals.passed > 0 && unwritten.length === 0 ? 0 : 1;
}

// Node exits once nothing is left to wait for, with code 0: a run that stops that way (a promise
// that can never settle, in a driver module say) must not read as a pass.
process.on('beforeExit', () => fail('the run stopped before it finished: it waited for something that can never happen (a --driver-module whose promise never settles?)'));

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) fail(`${error.message}; see --help`);
    if (error instanceof RunAborted) fail(error.message);
    fail(`unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
  },
);
