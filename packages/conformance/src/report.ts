// The result of a run and its three renderings: the readable report, JUnit XML and JSON.
import { frameText, serialisable, wholeFrameText } from './frame-text.js';

export type ScenarioStatus = 'passed' | 'failed' | 'not_run';

export interface ScenarioResult {
  /** Unique and stable, e.g. `send_event: example message`. */
  name: string;
  /** The operation or message the scenario is about (`send_event`, `new_event`, `frames`, ...). */
  group: string;
  status: ScenarioStatus;
  /** Why it failed or did not run. */
  message?: string;
  /** JSON pointer into the frame at fault, when there is one. */
  pointer?: string;
  /** The frame seen, when one is at fault. */
  frame?: unknown;
  durationMs: number;
}

export interface ConformanceReport {
  /** The spec's title and version the server was checked against. */
  spec: { title: string; version: string };
  url: string;
  driver: string | undefined;
  startedAt: string;
  durationMs: number;
  results: ScenarioResult[];
  totals: Record<ScenarioStatus, number>;
}

const MARK: Record<ScenarioStatus, string> = { passed: 'PASS', failed: 'FAIL', not_run: 'NOT RUN' };

/** The readable report: per group, each scenario with its status, and why for the others. */
export function formatText(report: ConformanceReport): string {
  const lines = [`Conformance of ${report.url} to ${report.spec.title} ${report.spec.version}${report.driver === undefined ? ' (no driver)' : ` (driver: ${report.driver})`}`];
  let group: string | undefined;
  for (const result of report.results) {
    if (result.group !== group) {
      group = result.group;
      lines.push('', group);
    }
    lines.push(`  ${MARK[result.status].padEnd(7)} ${result.name}`);
    if (result.status !== 'passed' && result.message !== undefined) lines.push(`          ${result.message}`);
    if (result.pointer !== undefined) lines.push(`          at ${result.pointer === '' ? '(the whole frame)' : result.pointer}`);
    if (result.frame !== undefined) lines.push(`          frame: ${frameText(result.frame)}`);
  }
  const { passed, failed, not_run: notRun } = report.totals;
  lines.push('', `${passed} passed, ${failed} failed, ${notRun} not run (${(report.durationMs / 1000).toFixed(1)} s)`);
  return `${lines.join('\n')}\n`;
}

function xml(text: string): string {
  // Characters XML 1.0 cannot hold at all are dropped; the rest is escaped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML: one test suite per group, a failure or a skip per scenario that did not pass. */
export function formatJunit(report: ConformanceReport): string {
  const groups = new Map<string, ScenarioResult[]>();
  for (const result of report.results) groups.set(result.group, [...(groups.get(result.group) ?? []), result]);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const { passed, failed, not_run: notRun } = report.totals;
  lines.push(`<testsuites name="${xml(`${report.spec.title} ${report.spec.version} conformance`)}" tests="${passed + failed + notRun}" failures="${failed}" skipped="${notRun}" time="${(report.durationMs / 1000).toFixed(3)}">`);
  for (const [group, results] of groups) {
    const failures = results.filter((r) => r.status === 'failed').length;
    const skipped = results.filter((r) => r.status === 'not_run').length;
    const time = results.reduce((sum, r) => sum + r.durationMs, 0) / 1000;
    lines.push(`  <testsuite name="${xml(group)}" tests="${results.length}" failures="${failures}" skipped="${skipped}" time="${time.toFixed(3)}">`);
    for (const r of results) {
      const open = `    <testcase classname="${xml(group)}" name="${xml(r.name)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
      if (r.status === 'passed') {
        lines.push(`${open}/>`);
        continue;
      }
      const details = [r.pointer === undefined ? '' : `at ${r.pointer}`, r.frame === undefined ? '' : `frame: ${wholeFrameText(r.frame)}`].filter((d) => d !== '').join('\n');
      lines.push(`${open}>`);
      if (r.status === 'failed') lines.push(`      <failure message="${xml(r.message ?? 'failed')}">${xml(details)}</failure>`);
      else lines.push(`      <skipped message="${xml(r.message ?? 'not run')}"/>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** The report as JSON; a frame too deep to be written again shows as its clipped JSON text (a string). */
export function formatJson(report: ConformanceReport): string {
  try {
    return `${JSON.stringify(report, null, 2)}\n`;
  } catch {
    const results = report.results.map((r) => (r.frame === undefined ? r : { ...r, frame: serialisable(r.frame) }));
    return `${JSON.stringify({ ...report, results }, null, 2)}\n`;
  }
}
