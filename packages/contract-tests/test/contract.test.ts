// The contract suite. Every case is computed from the spec (through the generators' model): a
// message added to the spec without support in some package fails it. Coverage is earned only by
// the assertion helpers of `Contract` when their assertion passes; the last test prints the
// coverage of messages x artifacts, which must be complete. A meta-test runs the same cases against
// a server variant that never sends one push and checks that the coverage then falls and names it.
import { describe, expect, it } from 'vitest';
import { collectCoverage, contractCases, runCase, type ContractCase } from '../src/cases.js';
import { referenceVariant } from '../src/context.js';
import { Contract } from '../src/contract.js';
import { artifactsFor } from '../src/coverage.js';
import { messageByName, model, pushFrame } from '../src/model.js';

const contract = new Contract(model.messages);

const suites = new Map<string, ContractCase[]>();
for (const contractCase of contractCases()) suites.set(contractCase.suite, [...(suites.get(contractCase.suite) ?? []), contractCase]);
for (const [suite, cases] of suites) {
  describe(suite, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, contractCase) => runCase(contractCase, contract, referenceVariant));
  });
}

describe('the coverage is earned, so it can fall', () => {
  it('a helper whose assertion fails records nothing; one whose assertion passes records its cell', () => {
    const ledger = new Contract(model.messages);
    const userData = messageByName('user_data');
    const cell = { message: 'user_data', artifact: 'server' };
    expect(() => ledger.expectServerSends(userData, pushFrame(userData, { id: 1 }))).toThrow();
    expect(() => ledger.expectServerSends(userData, pushFrame(userData, userData.examples[0]!.payload), { payload: 'someone else' })).toThrow();
    expect(() => ledger.expectServerSends(userData, { ...pushFrame(messageByName('user_joined_chat'), userData.examples[0]!.payload) })).toThrow();
    expect(ledger.report().covered).toBe(0);
    ledger.expectServerSends(userData, pushFrame(userData, userData.examples[0]!.payload));
    expect(ledger.report().covered).toBe(1);
    expect(ledger.report().missing).not.toContainEqual(cell);
  });

  // One push at a time is taken away by a tap in front of the reference server (the server itself is
  // untouched): the same cases, the same computation, and exactly that push's cells go missing.
  let normalRun: ReturnType<typeof collectCoverage> | undefined;
  it.each(['user_joined_chat', 'customer_id'])('against a server that never delivers %s, the coverage is no longer complete and names its cells', async (dropped) => {
    // The control: the same collection against the reference server as it is (run once) earns every cell.
    const normal = await (normalRun ??= collectCoverage(referenceVariant));
    const degraded = await collectCoverage({ name: `the reference server without ${dropped}`, dropPushes: [dropped], timeoutMs: 2000 });
    expect(normal.failures).toEqual([]);
    expect(normal.report.missing).toEqual([]);
    expect(normal.report.summary).toMatch(/\(100\.0%\)/);

    const expectedMissing = artifactsFor(messageByName(dropped))
      .filter((artifact) => artifact === 'sdk' || artifact === 'server')
      .map((artifact) => ({ message: dropped, artifact }));
    expect(degraded.report.missing).toEqual(expectedMissing);
    expect(degraded.report.covered).toBe(normal.report.total - expectedMissing.length);
    expect(degraded.report.summary).toBe(
      `contract coverage: ${degraded.report.covered}/${degraded.report.total} message x artifact cells (${((100 * degraded.report.covered) / degraded.report.total).toFixed(1)}%) over ${model.messages.length} messages`,
    );
    expect(degraded.report.summary).not.toMatch(/\(100\.0%\)/);
    // The cases that waited for it failed, naming it; the rest passed.
    expect(degraded.failures.length).toBeGreaterThan(0);
    for (const failure of degraded.failures) expect(`${failure.case}: ${failure.error}`).toContain(dropped);
  });
});

describe('coverage', () => {
  // Runs last (tests of a file run in order): every message x artifact cell must have been earned.
  it('covers every message with every artifact it concerns', () => {
    const report = contract.report();
    // eslint-disable-next-line no-console -- the suite's report line
    console.log(report.summary);
    expect(report.missing, report.summary).toEqual([]);
  });
});
