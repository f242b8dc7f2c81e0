// Payload checks: guards decide at once; the explainer is loaded once, on first need or ahead,
// and a failure to load it still answers (with an issue saying so) and is retried next time.
import { describe, expect, it } from 'vitest';
import { Checks } from '../../src/runtime/checks.js';
import type { Explain, ProtocolDescription, ValidationIssue } from '../../src/runtime/protocol.js';
import { toyProtocol } from './fixtures.js';

const isText = (data: unknown) => typeof data === 'string';
const issue: ValidationIssue = { path: '/text', message: 'must be string', keyword: 'type' };

/** The toy protocol with these checks; `guards` null: a protocol without guards (the unvalidated entry's). */
function protocolWith(loadExplainer: (() => Promise<Explain>) | undefined, guards: ProtocolDescription['guards'] | null = { note: isText }): ProtocolDescription {
  const { guards: _guards, loadExplainer: _load, ...rest } = toyProtocol;
  return { ...rest, ...(guards === null ? {} : { guards }), ...(loadExplainer === undefined ? {} : { loadExplainer }) };
}

/** A loader that counts its calls and resolves when told. */
function controlledLoader(explain: Explain = () => [issue]) {
  const calls = { count: 0 };
  let release: (() => void) | undefined;
  const load = () => {
    calls.count += 1;
    return new Promise<Explain>((resolve) => (release = () => resolve(explain)));
  };
  return { load, calls, release: () => release?.() };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Checks', () => {
  it('gives the guard of a message, own names only; none when validation is off or the protocol has no guards', () => {
    const checks = new Checks(protocolWith(undefined), true);
    expect(checks.guard('note')).toBe(isText);
    expect(checks.guard('unknown')).toBeUndefined();
    expect(checks.guard('__proto__')).toBeUndefined();
    expect(checks.guard('constructor')).toBeUndefined();
    expect(new Checks(protocolWith(undefined), false).guard('note')).toBeUndefined();
    expect(new Checks(protocolWith(undefined, null), true).guard('note')).toBeUndefined();
  });

  it('explains once the explainer is loaded, then at once (in the same turn) for every later failure', async () => {
    const loader = controlledLoader();
    const checks = new Checks(protocolWith(loader.load), true);
    const first: ValidationIssue[][] = [];
    checks.explain('note', 5, (issues) => first.push(issues));
    checks.explain('note', 6, (issues) => first.push(issues));
    await flush();
    expect(first).toEqual([]);
    loader.release();
    await flush();
    expect(first).toEqual([[issue], [issue]]);
    const later: ValidationIssue[][] = [];
    checks.explain('note', 7, (issues) => later.push(issues));
    expect(later).toEqual([[issue]]);
    expect(loader.calls.count).toBe(1);
  });

  it('preload starts the load ahead, once; not at all when nothing is checked', async () => {
    const loader = controlledLoader();
    const checks = new Checks(protocolWith(loader.load), true);
    checks.preload();
    checks.preload();
    expect(loader.calls.count).toBe(1);
    loader.release();
    await flush();
    const issues: ValidationIssue[][] = [];
    checks.explain('note', 5, (found) => issues.push(found));
    expect(issues).toEqual([[issue]]);

    const off = controlledLoader();
    new Checks(protocolWith(off.load), false).preload();
    new Checks(protocolWith(off.load, null), true).preload();
    expect(off.calls.count).toBe(0);
  });

  it('answers a failed load with an issue saying so, and loads again on the next need', async () => {
    let attempts = 0;
    const load = () => {
      attempts += 1;
      return attempts === 1 ? Promise.reject(new Error('chunk missing')) : Promise.resolve<Explain>(() => [issue]);
    };
    const checks = new Checks(protocolWith(load), true);
    const answers: ValidationIssue[][] = [];
    checks.explain('note', 5, (issues) => answers.push(issues));
    await flush();
    expect(answers).toEqual([[{ path: '', message: 'is invalid (the explanation could not be loaded: chunk missing)', keyword: 'type' }]]);
    checks.explain('note', 5, (issues) => answers.push(issues));
    await flush();
    expect(answers[1]).toEqual([issue]);
    expect(attempts).toBe(2);
  });

  it('never answers a failure with no issue: an explainer that finds none still says the payload is invalid', async () => {
    const checks = new Checks(protocolWith(() => Promise.resolve<Explain>(() => [])), true);
    const answers: ValidationIssue[][] = [];
    checks.explain('note', 5, (issues) => answers.push(issues));
    await flush();
    expect(answers).toEqual([[{ path: '', message: 'is invalid', keyword: 'type' }]]);
  });

  it('passes the message name and the payload to the explainer', async () => {
    const seen: Array<[string, unknown]> = [];
    const checks = new Checks(
      protocolWith(() =>
        Promise.resolve<Explain>((message, data) => {
          seen.push([message, data]);
          return [issue];
        }),
      ),
      true,
    );
    checks.explain('note', { text: 5 }, () => undefined);
    await flush();
    expect(seen).toEqual([['note', { text: 5 }]]);
  });

  it('passes: the guard decides; a guard that throws does not pass; with nothing checked everything passes', () => {
    const throwing = () => {
      throw new Error('a getter threw');
    };
    const checks = new Checks(protocolWith(undefined, { note: isText, broken: throwing }), true);
    expect(checks.passes('note', 'text')).toBe(true);
    expect(checks.passes('note', 5)).toBe(false);
    expect(checks.passes('broken', 'text')).toBe(false);
    expect(checks.passes('unknown', 5)).toBe(true);
    expect(new Checks(protocolWith(undefined, null), true).passes('note', 5)).toBe(true);
  });

  it('without an explainer, a failure is still answered with an issue saying the payload is invalid', async () => {
    const checks = new Checks(protocolWith(undefined), true);
    const answers: ValidationIssue[][] = [];
    checks.explain('note', 5, (issues) => answers.push(issues));
    await flush();
    expect(answers).toEqual([[{ path: '', message: 'is invalid', keyword: 'type' }]]);
  });
});
