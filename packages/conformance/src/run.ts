// Runs the computed scenarios against a server, one after the other, each on its own connections.
// Before the first, a preflight checks that a run can mean anything (the server answers a login
// with the token); when it cannot, the run ends with a RunAborted error and no report.
import { ConnectError, KitConnection, type ReceivedFrame } from './connection.js';
import type { ConformanceDriver } from './driver.js';
import { errorTypeOf } from './frame-check.js';
import { frameJson, serialisable } from './frame-text.js';
import { introducedUser } from './introductions.js';
import { protocol } from './gen/protocol.js';
import type { ConformanceReport, ScenarioResult } from './report.js';
import { computeScenarios, type FrameLog } from './scenarios.js';
import { ScenarioFailure, ScenarioNotRun, ScenarioSession, withArticle } from './session.js';

export interface ConformanceOptions {
  /** The socket URL with its query, e.g. `ws://127.0.0.1:8787/v1/customer?licenseId=demo`. */
  url: string;
  /** A token the server accepts in `login`; every connection of the run uses it (one customer). */
  token: string;
  /** The agent side; without it, pushes that need one are reported as not run. */
  driver?: ConformanceDriver | undefined;
  /** How long any one wait (a reply, a push, a connection) may take. Default 5000 ms. */
  timeoutMs?: number;
  /** Only the scenarios whose name includes one of these (all when empty); the last, which checks every frame of the run, always runs. */
  only?: readonly string[];
  /** Told about each result as it comes. */
  onResult?: (result: ScenarioResult) => void;
}

/** The run could not start: the server cannot be reached, refuses the token, or does not speak frames. */
export class RunAborted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunAborted';
  }
}

/** Checks that the URL is a WebSocket URL; the message says what is wrong. */
export function checkSocketUrl(url: string): URL {
  if (!URL.canParse(url)) throw new RunAborted(`--url ${JSON.stringify(url)} is not a URL; expected ws://host:port${protocol.channel.address}?${protocol.channel.query.map((q) => `${q}=...`).join('&')}`);
  const parsed = new URL(url);
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new RunAborted(`--url ${url} is not a WebSocket URL (ws: or wss:), it is ${parsed.protocol}`);
  return parsed;
}

async function preflight(url: string, token: string, timeoutMs: number, onFrame: (entry: ReceivedFrame) => void): Promise<void> {
  let connection: KitConnection;
  try {
    connection = await KitConnection.open(url, timeoutMs, onFrame);
  } catch (error) {
    throw new RunAborted(error instanceof ConnectError ? error.message : `cannot reach ${url}: ${String(error)}`);
  }
  try {
    const notSpoken = (entry: ReceivedFrame) => new RunAborted(`${url} does not speak the protocol: its first message was ${entry.verdict.issues[0]?.message ?? 'not a frame'}`);
    // A message that is not a frame at all ends the preflight at once, not after the timeout.
    const unreadable = connection.next((entry) => entry.verdict.kind === 'unknown', 'an unreadable message').then(
      (entry) => Promise.reject(notSpoken(entry)),
      () => new Promise<never>(() => {}),
    );
    const answered = connection.request(protocol.login.action, { [protocol.login.tokenArgument]: token }).catch((error: unknown) => {
      const first = connection.frames[0];
      if (first !== undefined && first.verdict.kind === 'unknown') throw notSpoken(first);
      throw new RunAborted(`${url} did not answer ${protocol.login.action}: ${error instanceof Error ? error.message : String(error)}`);
    });
    const reply = await Promise.race([answered, unreadable]);
    if (reply.verdict.kind === 'unknown') throw notSpoken(reply);
    if (reply.verdict.kind === 'error') {
      throw new RunAborted(`${url} refused the token: ${protocol.login.action} was answered ${errorTypeOf(reply.frame) ?? 'with an error'} (${frameJson((reply.frame as { payload?: unknown }).payload, 200)})`);
    }
    if (reply.verdict.kind !== 'response') throw new RunAborted(`${url} answered ${protocol.login.action} with ${withArticle(reply.verdict.kind)} frame: ${frameJson(reply.frame, 200)}`);
  } finally {
    connection.close();
  }
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  checkSocketUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 5000;
  const only = options.only ?? [];
  const computed = computeScenarios();
  // The last scenario checks every frame of the run: it runs whatever --only picks.
  const sweep = computed.at(-1)!;
  const picked = computed.filter((s) => s !== sweep && (only.length === 0 || only.some((part) => s.name.includes(part))));
  if (picked.length === 0 && !only.some((part) => sweep.name.includes(part))) throw new RunAborted(`--only ${only.map((o) => JSON.stringify(o)).join(', ')} matches no scenario`);
  const scenarios = [...picked, sweep];
  const startedAt = new Date();

  // What the run keeps of the frames of all its scenarios: counts and the first at fault, never
  // every frame (a server may send frames of any size for as long as the run lasts).
  const frames: FrameLog = { count: 0, pushes: new Map(), firstUnknownPush: undefined, firstInvalid: undefined };
  const knownPushes = new Set(protocol.pushes);
  const log = (entry: ReceivedFrame, counted: boolean) => {
    if (counted) frames.count += 1;
    const isInvalid = entry.verdict.issues.length > 0;
    if (isInvalid) frames.firstInvalid ??= entry;
    if (entry.verdict.kind !== 'push') return;
    if (!knownPushes.has(entry.verdict.action)) frames.firstUnknownPush ??= entry;
    const seen = frames.pushes.get(entry.verdict.action) ?? { count: 0, firstInvalid: undefined };
    seen.count += 1;
    if (isInvalid) seen.firstInvalid ??= entry;
    frames.pushes.set(entry.verdict.action, seen);
  };
  // Every user the server introduced on any connection so far: what the introduction rule holds responses to.
  const knownUsers = new Set<string>();
  const noteUser = (entry: ReceivedFrame) => {
    const user = introducedUser(entry);
    if (user !== undefined) knownUsers.add(user);
  };
  const onFrame = (entry: ReceivedFrame) => {
    noteUser(entry);
    log(entry, true);
  };
  // Its frames are checked too (a push the server sends once per customer comes on this first
  // connection), but counted as no scenario's: a run whose scenarios saw nothing checked nothing.
  await preflight(options.url, options.token, timeoutMs, (entry) => {
    noteUser(entry);
    log(entry, false);
  });
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const session = new ScenarioSession({ url: options.url, token: options.token, timeoutMs, onFrame, knownUsers });
    const started = performance.now();
    let result: ScenarioResult;
    try {
      await scenario.run({ session, driver: options.driver, frames });
      await session.checkReceived();
      result = { name: scenario.name, group: scenario.group, status: 'passed', durationMs: 0 };
    } catch (error) {
      if (error instanceof ScenarioNotRun) result = { name: scenario.name, group: scenario.group, status: 'not_run', message: error.message, durationMs: 0 };
      else if (error instanceof ScenarioFailure) {
        result = { name: scenario.name, group: scenario.group, status: 'failed', message: error.message, durationMs: 0 };
        if (error.pointer !== undefined) result.pointer = error.pointer;
        // The server's frame (bounded as the connection kept it), as it is when it can be written again, else its clipped JSON text.
        if (error.frame !== undefined) result.frame = serialisable(error.frame);
      } else result = { name: scenario.name, group: scenario.group, status: 'failed', message: error instanceof Error ? error.message : String(error), durationMs: 0 };
    } finally {
      await session.close();
    }
    result.durationMs = Math.round(performance.now() - started);
    results.push(result);
    options.onResult?.(result);
  }
  const totals = { passed: 0, failed: 0, not_run: 0 };
  for (const r of results) totals[r.status] += 1;
  return {
    spec: { title: protocol.title, version: protocol.version },
    url: options.url,
    driver: options.driver?.name,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(Date.now() - startedAt.getTime()),
    results,
    totals,
  };
}
