// Property-based tests of the precompiled validators, derived from the JSON Schemas and the spec's
// examples alone (nothing here names a message or a field). Each valid example is walked along its
// schema (`schemas/bundle.json`, following $refs and the oneOf branch the example takes); every
// location yields mutation points, and fast-check draws mutants from them:
//   (a) a required property dropped, (b) a value of a wrong JSON type, (c) an extra property where
//   the object is closed, (d) an unknown discriminator (valid only where the union has a fallback
//   branch), (e) a limit broken (maximum, minimum, maxLength, minLength, maxItems, minItems,
//   maxProperties, minProperties, uniqueItems, const, enum, format, pattern: hostile URLs, a trailing
//   newline, another scheme in front of the example's own value).
// Every mutant must be rejected with an error at (or above) the mutated location, and nothing
// unrelated flagged. The positive side: examples with random values of allowed shape substituted
// (random URLs and email addresses where a format and its pattern allow them) and unknown
// properties added to open objects must be accepted. The generators live in support/mutants.ts.
// MUTANT_RUNS=<n> changes the random runs per property (default 200; each property also runs one
// seeded mutant per mutation point first, so every point is tried at least once).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UnionSite } from './support/json-schema.js';
import { CATEGORIES, checkMutant, model, MutantFailure, mutationPoints, preview, schemas, subjects, variantArbitrary, type Mutant, type MutationPoint, type Subject } from './support/mutants.js';
import { isObject } from './support/protocol.js';

/** Random runs per (category, message) property, on top of one seeded run per mutation point. */
const RUNS = Number(process.env.MUTANT_RUNS ?? 200);

// ---- the tests -----------------------------------------------------------------------------------

const pointsBySubject = new Map(subjects.map((s) => [s.id, mutationPoints(s)]));
const allPoints = [...pointsBySubject.values()].flat();

function runMutants(subject: Subject, points: MutationPoint[]): void {
  // One seeded mutant per mutation point first (so each is tried), then RUNS random ones.
  const seeded = points.map((p, i) => [fc.sample(p.arbitrary, { numRuns: 1, seed: 0x5eed + i })[0]!] as [Mutant]);
  fc.assert(
    fc.property(fc.oneof(...points.map((p) => p.arbitrary)), (mutant) => checkMutant(mutant, subject.check)),
    { numRuns: RUNS, examples: seeded },
  );
}

describe('the mutation points (derived from the schemas and the examples)', () => {
  it('cover every category, every limit keyword of the schemas and every union', () => {
    for (const category of CATEGORIES) expect(allPoints.filter((p) => p.category === category).length, category).toBeGreaterThan(0);
    const used = new Set<string>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (isObject(node)) {
        for (const [key, child] of Object.entries(node)) {
          used.add(key);
          if (key !== 'examples' && key !== 'const' && key !== 'enum') collect(child);
        }
      }
    };
    collect(schemas.definitions);
    const limits = ['maximum', 'minimum', 'maxLength', 'minLength', 'maxItems', 'minItems', 'maxProperties', 'minProperties', 'uniqueItems', 'const', 'enum', 'format', 'pattern'];
    const exercised = new Set(allPoints.filter((p) => p.category === 'limit').map((p) => p.keyword));
    expect(limits.filter((k) => used.has(k) && !exercised.has(k)), 'limit keywords no example reaches').toEqual([]);
    const unions = Object.entries(schemas.definitions).filter(([, s]) => Array.isArray(s.oneOf)).map(([name]) => name);
    const reached = new Set(
      subjects.flatMap((s) => s.examples.flatMap((e) => schemas.sites(s.schema, e.value).flatMap((site) => (site.kind === 'union' ? [site.union.name] : [])))),
    );
    expect(unions.filter((u) => !reached.has(u)), 'unions no example reaches').toEqual([]);
  });

  it('agree with the codegen model on the unions: closed ones reject unknown tags, the fallback takes them', () => {
    const unions = new Map<string, UnionSite['union']>();
    for (const s of subjects) for (const e of s.examples) for (const site of schemas.sites(s.schema, e.value)) if (site.kind === 'union') unions.set(site.union.name ?? '', site.union);
    const derived = [...unions.values()].map((u) => ({
      union: u.name,
      property: u.property,
      branches: u.branches.filter((b) => b.value !== undefined).map((b) => ({ value: b.value, schema: b.name })),
      fallback: u.fallback?.name,
    }));
    const sortByUnion = <T extends { union: string | undefined }>(list: T[]) => [...list].sort((a, b) => String(a.union).localeCompare(String(b.union)));
    expect(sortByUnion(derived)).toEqual(sortByUnion(model.discriminators.map((d) => ({ ...d }))));
    const unknownTag = allPoints.filter((p) => p.category === 'unknown-discriminator');
    const samples = unknownTag.map((p) => fc.sample(p.arbitrary, { numRuns: 1, seed: 1 })[0]!);
    expect(samples.some((m) => m.expectValid), 'some unknown tag is taken by a fallback').toBe(true);
    expect(samples.some((m) => !m.expectValid), 'some unknown tag hits a closed union').toBe(true);
  });

  it('catch a validator that accepts everything, or reports the wrong place', () => {
    const accepting = () => ({ ok: true as const, value: undefined });
    const elsewhere = () => ({ ok: false as const, errors: [{ path: '/somewhere/else', message: 'no', keyword: 'type' }] });
    const sample = allPoints.filter((_, i) => i % 17 === 0).map((p) => fc.sample(p.arbitrary, { numRuns: 1, seed: 7 })[0]!);
    for (const mutant of sample.filter((m) => !m.expectValid)) {
      expect(() => checkMutant(mutant, accepting)).toThrow(MutantFailure);
      expect(() => checkMutant(mutant, elsewhere)).toThrow(/missing .*error|unrelated/);
    }
  });
});

for (const category of CATEGORIES) {
  const withPoints = subjects.filter((s) => pointsBySubject.get(s.id)!.some((p) => p.category === category));
  describe(`mutants: ${category}`, () => {
    it.each(withPoints.map((s) => ({ id: s.id, subject: s })))('$id', ({ subject }) => {
      runMutants(subject, pointsBySubject.get(subject.id)!.filter((p) => p.category === category));
    });
  });
}

describe('valid variants (random values of allowed shape, unknown properties in open objects)', () => {
  it('the sample of every payload and frame schema is valid (the sampler used to fill arrays and maps)', () => {
    for (const subject of subjects) {
      const result = subject.check(schemas.sample(subject.schema));
      expect(result.ok ? [] : result.errors, subject.id).toEqual([]);
    }
  });

  it.each(subjects.map((s) => ({ id: s.id, subject: s })))('$id', ({ subject }) => {
    fc.assert(
      fc.property(variantArbitrary(subject), (variant) => {
        const result = subject.check(variant.value);
        if (!result.ok) {
          throw new Error(
            `${variant.subject}, example "${variant.example}" with ${variant.changes.join('; ') || 'no change'}: rejected\n  value: ${preview(variant.value)}\n  errors: ${preview(result.errors)}`,
          );
        }
      }),
      { numRuns: RUNS },
    );
  });
});
