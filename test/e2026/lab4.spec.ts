// The 2026 edition's rsm layer (lab 4A, and 4C's TestSnapshot4C): every test passes once on the
// reference (seed 1), each buggy variant in impls/rsm-* fails a named test on a named seed with the
// check that catches it, and the starter kit fails at once with its not-implemented message. The
// key/value service on rsm (4B and the rest of 4C) is lab4-kv.spec.ts's.
import { expect } from 'chai';
import * as path from 'node:path';
import { loadRegistry, testsOf } from '../../labs';
import { Implementation } from '../../harness/impl';
import { runScenario } from '../../harness/scenario';
import { describeVariants, type VariantCase } from '../support/variants';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TESTS = loadRegistry('', '2026')
  .parts.filter((p) => p.lab === '4')
  .flatMap(testsOf)
  .filter((s) => s.name.endsWith('4A') || s.name === 'TestSnapshot4C');

describe('2026 lab 4 (rsm) on the reference (seed 1)', function () {
  this.timeout(60_000);
  it('has the course rsm tests in its order, and ours', () => {
    expect(TESTS.map((s) => s.name)).to.deep.equal([
      'TestBasic4A',
      'TestConcurrent4A',
      'TestLeaderFailure4A',
      'TestLeaderPartition4A',
      'TestRestartReplay4A',
      'TestShutdown4A',
      'TestRestartSubmit4A',
      'TestShutdownWaiting4A',
      'TestSnapshot4C',
    ]);
  });
  for (const s of TESTS)
    it(`${s.part} ${s.name}`, async () => {
      const r = await runScenario(s, { seed: 1, impl: new Implementation(path.join(ROOT, 'src')) });
      expect(r.passed, r.error).to.equal(true);
    });
});

const CASES: VariantCase[] = [
  {
    variant: 'rsm-gives-up',
    test: 'TestLeaderPartition4A',
    seed: 1,
    expect: 'rsm-waits',
    message: /Dec's in minority completed/,
  },
  {
    variant: 'rsm-answers-any',
    test: 'TestLeaderPartition4A',
    seed: 1,
    expect: 'majority-required',
    message: /in minority completed \{"n":2\}/,
  },
  {
    variant: 'rsm-matches-seq',
    test: 'TestRestartReplay4A',
    seed: 1,
    expect: 'rsm-result',
    message: /expected 101 got 3/,
  },
  {
    variant: 'rsm-kill-keeps-waiters',
    test: 'TestShutdownWaiting4A',
    seed: 1,
    expect: 'rsm-shutdown',
    message: /Submit didn't stop after shutdown/,
  },
  {
    variant: 'rsm-no-snapshot',
    test: 'TestSnapshot4C',
    seed: 1,
    expect: 'log-trimmed',
    message: /logs were not trimmed \(\d+ > 2 \* 1000\)/,
  },
  {
    variant: 'rsm-no-restore',
    test: 'TestSnapshot4C',
    seed: 1,
    expect: 'rsm-counter',
    message: /only 0 srvs have 101 instead of 3/,
  },
];

describeVariants('2026 lab 4 (rsm) variants are caught', CASES, TESTS);

describe("the starter kit's rsm", () => {
  it('fails TestBasic4A at once, naming the file, the method and the part', async () => {
    const r = await runScenario(TESTS[0], {
      seed: 1,
      impl: new Implementation(path.join(ROOT, 'starter')),
    });
    expect(r.check).to.equal('implementation-threw');
    expect(r.error).to.match(/^rsm\/rsm\.ts: submit\(\) is not implemented yet \(part 4A\)/);
  });
});
