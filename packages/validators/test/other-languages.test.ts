// One verdict everywhere: a service in another language that validates with the exported JSON
// Schema files (`schemas/*.json`, `schemas/frames/*.json`, draft-07) must accept and reject exactly
// what the precompiled validators do. Stand-in: Debian's python3-jsonschema (Draft7Validator, NO
// format checker, as a Python service gets it: formats are annotations there, so the spec says what
// it means with `pattern`s). Installed when missing by tools/scripts/ensure-python-jsonschema.mjs,
// which the package's test script runs first.
//
// The corpus, deterministic (fixed seeds): every example of every payload and frame, seeded and
// random mutants of every category (support/mutants.ts), valid variants, and at every string
// location with a format or a pattern, hostile and random strings (other schemes, near misses,
// random URLs and email addresses). It is written to a temporary JSON file and checked by ONE
// python3 process (support/jsonschema_verdicts.py), then compared case by case with `validate` /
// `validateFrame`. A disagreement names the message, the JSON pointer and the value there.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Validation } from '../src/index.js';
import { FORMAT_SAMPLES, PATTERN_PROBES, declaredTypes } from './support/json-schema.js';
import { FORMAT_ARBITRARIES, mutationPoints, nearMisses, preview, schemas, subjects, variantArbitrary, type Subject } from './support/mutants.js';
import { getAt, isObject, PACKAGE_DIR, pointer, updateAt, type Path } from './support/protocol.js';

/** Debian's interpreter: the one python3-jsonschema installs into (see the ensure script). */
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(PACKAGE_DIR, 'test/support/jsonschema_verdicts.py');
const SCHEMAS = join(PACKAGE_DIR, 'schemas');
const SEED = 0x5eed;

interface Case {
  subject: Subject;
  /** Where the value comes from (example, mutant, variant, probe), for reports. */
  origin: string;
  /** The location the case is about (a mutant's target, a probed string), when there is one. */
  at: string | undefined;
  /** The value as JSON carries it: both sides check exactly this. */
  value: unknown;
  /** The schema files Python reads: the exported ones, or a copy without patterns (the self-test). */
  set: 'exported' | 'without-patterns';
}

interface PythonError {
  pointer: string;
  keyword: string;
  message: string;
}
interface PythonVerdict {
  valid: boolean;
  errors: PythonError[];
}
interface PythonRun {
  jsonschema: string;
  python: string;
  verdicts: PythonVerdict[];
}

function fileOf(subject: Subject): string {
  return subject.id.startsWith('frame ') ? `frames/${subject.message.name}.json` : `${subject.message.name}.json`;
}

const asJson = (value: unknown): unknown => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

// ---- the corpus ------------------------------------------------------------------------------------

/** String locations of an example whose schema has a format or a pattern, with that schema. */
function formattedSites(subject: Subject, example: unknown) {
  return schemas
    .sites(subject.schema, example)
    .flatMap((site) =>
      site.kind === 'value' && typeof site.value === 'string' && declaredTypes(site.schema)?.includes('string') && (typeof site.schema.format === 'string' || typeof site.schema.pattern === 'string')
        ? [site]
        : [],
    );
}

function buildCorpus(): Case[] {
  const cases: Case[] = [];
  const add = (subject: Subject, origin: string, at: string | undefined, value: unknown) => cases.push({ subject, origin, at, value: asJson(value), set: 'exported' });
  subjects.forEach((subject, s) => {
    const seed = SEED + s * 1000;
    for (const example of subject.examples) add(subject, `example "${example.name}"`, undefined, example.value);
    // Mutants: one seeded per mutation point, then random ones over all points.
    const points = mutationPoints(subject);
    points.forEach((point, i) => {
      for (const mutant of fc.sample(point.arbitrary, { numRuns: 1, seed: seed + i })) add(subject, `${mutant.what} (example "${mutant.example}")`, mutant.target, mutant.value);
    });
    if (points.length > 0) {
      for (const mutant of fc.sample(fc.oneof(...points.map((p) => p.arbitrary)), { numRuns: 20, seed: seed + 500 })) {
        add(subject, `${mutant.what} (example "${mutant.example}")`, mutant.target, mutant.value);
      }
    }
    // Valid variants.
    for (const variant of fc.sample(variantArbitrary(subject), { numRuns: 10, seed: seed + 600 })) {
      add(subject, `variant of "${variant.example}" with ${variant.changes.join('; ') || 'no change'}`, undefined, variant.value);
    }
    // Strings where a format or pattern decides: probes, near misses, format samples, random values.
    for (const example of subject.examples) {
      for (const site of formattedSites(subject, example.value)) {
        const format = typeof site.schema.format === 'string' ? site.schema.format : undefined;
        const samples = format === undefined ? undefined : FORMAT_SAMPLES[format];
        const random = format === undefined ? [] : fc.sample(FORMAT_ARBITRARIES[format]!, { numRuns: 25, seed: seed + 700 + site.path.length });
        const strings = new Set([...PATTERN_PROBES, ...nearMisses(site.value as string), ...(samples?.valid ?? []), ...(samples?.invalid ?? []), ...random]);
        for (const text of strings) add(subject, `string probe in example "${example.name}"`, pointer(site.path), updateAt(example.value, site.path, () => text));
      }
    }
  });
  return cases;
}

// ---- the self-test: a schema copy without patterns must disagree -----------------------------------

/** A copy of the exported schemas with every `pattern` left out (as if the spec relied on `format`). */
function copyWithoutPatterns(from: string, to: string): void {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (!isObject(node)) return node;
    return Object.fromEntries(Object.entries(node).filter(([key, value]) => !(key === 'pattern' && typeof value === 'string')).map(([key, value]) => [key, strip(value)]));
  };
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    if (statSync(source).isDirectory()) {
      mkdirSync(join(to, name), { recursive: true });
      copyWithoutPatterns(source, join(to, name));
    } else if (name.endsWith('.json')) {
      writeFileSync(join(to, name), JSON.stringify(strip(JSON.parse(readFileSync(source, 'utf8')))));
    }
  }
}

/** Hostile URLs where a widget renders them: each must be a disagreement once the patterns are gone. */
function selfTestCases(): Case[] {
  const hostile = 'javascript:alert(1)';
  const byId = (id: string) => subjects.find((s) => s.id === id) ?? expect.unreachable(`no subject ${id}`);
  const withValue = (id: string, path: Path, text: string): Case => {
    const subject = byId(id);
    const example = subject.examples.find((e) => typeof getAtOrUndefined(e.value, path) === 'string') ?? expect.unreachable(`no example of ${id} has ${pointer(path)}`);
    return { subject, origin: `self-test, example "${example.name}"`, at: pointer(path), value: asJson(updateAt(example.value, path, () => text)), set: 'without-patterns' };
  };
  return [
    withValue('payload send_event', ['event', 'url'], hostile),
    withValue('frame send_event', ['payload', 'event', 'url'], hostile),
    withValue('payload user_data', ['avatar'], hostile),
    withValue('frame new_event', ['payload', 'url'], 'data:text/html,<script>alert(1)</script>'),
    // Control: what the validators accept, Python accepts without patterns too.
    withValue('payload send_event', ['event', 'url'], 'https://files.example.com/cat.png'),
  ];
}

function getAtOrUndefined(root: unknown, path: Path): unknown {
  try {
    return getAt(root, path);
  } catch {
    return undefined;
  }
}

// ---- comparing -------------------------------------------------------------------------------------

interface Disagreement {
  message: string;
  subject: string;
  origin: string;
  /** Where the side that rejects reports its first error (or the case's location). */
  pointer: string;
  /** The value at that pointer. */
  value: unknown;
  javascript: string;
  python: string;
}

function jsErrors(result: Validation<unknown>): string {
  return result.ok ? 'accepts' : `rejects (${result.errors.map((e) => `${e.path || '(root)'} ${e.keyword}`).join(', ')})`;
}

function pyErrors(verdict: PythonVerdict): string {
  return verdict.valid ? 'accepts' : `rejects (${verdict.errors.map((e) => `${e.pointer || '(root)'} ${e.keyword}`).join(', ')})`;
}

function compare(cases: readonly Case[], verdicts: readonly PythonVerdict[]): Disagreement[] {
  if (verdicts.length !== cases.length) throw new Error(`python3 returned ${verdicts.length} verdicts for ${cases.length} cases`);
  const out: Disagreement[] = [];
  cases.forEach((c, i) => {
    const js = c.subject.check(c.value);
    const py = verdicts[i]!;
    if (js.ok === py.valid) return;
    const at = (js.ok ? py.errors[0]?.pointer : js.errors[0]?.path) ?? c.at ?? '';
    out.push({ message: c.subject.message.name, subject: c.subject.id, origin: c.origin, pointer: at, value: getAtOrUndefined(c.value, parsePointer(at)), javascript: jsErrors(js), python: pyErrors(py) });
  });
  return out;
}

function parsePointer(text: string): string[] {
  return text === '' ? [] : text.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function report(d: Disagreement): string {
  return `${d.message} (${d.subject}, ${d.origin}): at "${d.pointer}" the value ${preview(d.value, 200)}: JavaScript ${d.javascript}, Python ${d.python}`;
}

// ---- running python3 once ----------------------------------------------------------------------------

const corpus = buildCorpus();
const selfTest = selfTestCases();
let run: PythonRun;
let seconds = 0;
let workDir = '';

function pythonProblem(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import jsonschema'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return `${PYTHON} cannot import jsonschema (${probe.error?.message ?? probe.stderr.trim()}): run \`node tools/scripts/ensure-python-jsonschema.mjs\` (as root) first; the package's test script does.`;
  }
  return undefined;
}

beforeAll(() => {
  const problem = pythonProblem();
  if (problem !== undefined) throw new Error(problem);
  workDir = mkdtempSync(join(tmpdir(), 'validators-python-'));
  const stripped = join(workDir, 'schemas-without-patterns');
  mkdirSync(stripped);
  copyWithoutPatterns(SCHEMAS, stripped);
  const all = [...corpus, ...selfTest];
  const file = join(workDir, 'corpus.json');
  writeFileSync(file, JSON.stringify({ schemaSets: { exported: SCHEMAS, 'without-patterns': stripped }, cases: all.map((c) => ({ set: c.set, file: fileOf(c.subject), value: c.value })) }));
  const started = performance.now();
  const result = spawnSync(PYTHON, [SCRIPT, file], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  seconds = (performance.now() - started) / 1000;
  if (result.error || result.status !== 0) throw new Error(`python3 ${relative(PACKAGE_DIR, SCRIPT)} failed (${result.error?.message ?? `exit ${String(result.status)}`}):\n${result.stderr}`);
  run = JSON.parse(result.stdout) as PythonRun;
  console.info(`python3 ${run.python}, jsonschema ${run.jsonschema}: ${all.length} cases (${corpus.length} corpus + ${selfTest.length} self-test) in ${seconds.toFixed(2)} s`);
}, 300_000);

afterAll(() => {
  if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
});

describe("Python's jsonschema on the exported schemas (no format checker) agrees with the validators", () => {
  it('the corpus is a few thousand cases over every payload and frame, both verdicts well represented', () => {
    expect(corpus.length).toBeGreaterThan(2000);
    expect(new Set(corpus.map((c) => c.subject.id))).toEqual(new Set(subjects.map((s) => s.id)));
    const rejected = corpus.filter((c) => !c.subject.check(c.value).ok).length;
    expect(rejected).toBeGreaterThan(corpus.length / 4);
    expect(corpus.length - rejected).toBeGreaterThan(corpus.length / 10);
    // Strings a pattern has to reject, and ones it has to accept, all reached the comparison.
    expect(corpus.filter((c) => c.origin.startsWith('string probe')).length).toBeGreaterThan(500);
  });

  it('every case gets the same verdict', () => {
    const found = compare(corpus, run.verdicts.slice(0, corpus.length));
    expect(found.map(report), `${found.length} disagreement(s)`).toEqual([]);
  });

  it('the check can fail: without the patterns, Python accepts the javascript: URLs the validators reject', () => {
    const found = compare(selfTest, run.verdicts.slice(corpus.length));
    expect(found.map((d) => ({ message: d.message, pointer: d.pointer, value: d.value }))).toEqual([
      { message: 'send_event', pointer: '/event/url', value: 'javascript:alert(1)' },
      { message: 'send_event', pointer: '/payload/event/url', value: 'javascript:alert(1)' },
      { message: 'user_data', pointer: '/avatar', value: 'javascript:alert(1)' },
      { message: 'new_event', pointer: '/payload/url', value: 'data:text/html,<script>alert(1)</script>' },
    ]);
    expect(found.every((d) => d.javascript.startsWith('rejects') && d.python === 'accepts')).toBe(true);
    expect(report(found[0]!)).toMatch(/^send_event \(payload send_event, .*\): at "\/event\/url" the value "javascript:alert\(1\)": JavaScript rejects \(\/event\/url pattern\), Python accepts$/);
  });
});
