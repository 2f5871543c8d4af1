// The 2026 edition's key/value service on rsm (lab 4B and the key/value tests of 4C): the course's
// kvraft1 tests are registered in its order, each passes once on the reference (seed 1), each buggy
// variant in impls/kvraft1-* fails a named test on a named seed with the check that catches it, and
// the starter kit fails at once with its not-implemented message.
import { expect } from 'chai';
import * as path from 'node:path';
import { loadRegistry, testsOf } from '../../labs';
import { Implementation } from '../../harness/impl';
import { runScenario } from '../../harness/scenario';
import { describeVariants, type VariantCase } from '../support/variants';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TESTS = loadRegistry('', '2026')
  .parts.filter((p) => p.id === '4B' || p.id === '4C')
  .flatMap(testsOf)
  .filter((s) => s.name !== 'TestSnapshot4C');

describe('2026 lab 4 (key/value service on rsm) on the reference (seed 1)', function () {
  this.timeout(60_000);
  it("has the course's kvraft1 tests in its order", () => {
    expect(TESTS.map((s) => s.name)).to.deep.equal([
      'TestBasic4B',
      'TestSpeed4B',
      'TestConcurrent4B',
      'TestUnreliable4B',
      'TestOnePartition4B',
      'TestManyPartitionsOneClient4B',
      'TestManyPartitionsManyClients4B',
      'TestPersistOneClient4B',
      'TestPersistConcurrent4B',
      'TestPersistConcurrentUnreliable4B',
      'TestPersistPartition4B',
      'TestPersistPartitionUnreliable4B',
      'TestPersistPartitionUnreliableLinearizable4B',
      'TestSnapshotRPC4C',
      'TestSnapshotSize4C',
      'TestSpeed4C',
      'TestSnapshotRecover4C',
      'TestSnapshotRecoverManyClients4C',
      'TestSnapshotUnreliable4C',
      'TestSnapshotUnreliableRecover4C',
      'TestSnapshotUnreliableRecoverConcurrentPartition4C',
      'TestSnapshotUnreliableRecoverConcurrentPartitionLinearizable4C',
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
    variant: 'kvraft1-local-reads',
    test: 'TestOnePartition4B',
    seed: 1,
    expect: 'majority-required',
    message: /Get in minority completed with version = 2/,
  },
  {
    variant: 'kvraft1-no-maybe',
    test: 'TestUnreliable4B',
    seed: 1,
    expect: 'put-maybe',
    message: /Unreliable: Wrong number of puts: server 10 clnts \{9 0\}/,
  },
  {
    variant: 'kvraft1-ignores-version',
    test: 'TestBasic4B',
    seed: 1,
    expect: 'linearizability',
    message: /history is not linearizable/,
  },
  {
    variant: 'kvraft1-snapshot-empty',
    test: 'TestSnapshotRecover4C',
    seed: 1,
    expect: 'linearizability',
    message: /history is not linearizable/,
  },
];

describeVariants('2026 lab 4 (key/value service on rsm) variants are caught', CASES, TESTS);

describe("the starter kit's kvraft1", () => {
  it('fails TestBasic4B at once, naming the file, the method and the part', async () => {
    const r = await runScenario(TESTS[0], {
      seed: 1,
      impl: new Implementation(path.join(ROOT, 'starter')),
    });
    expect(r.check).to.equal('implementation-threw');
    expect(r.error).to.match(/kvraft1\/client\.ts: put\(\) is not implemented yet \(part 4B\)/);
  });
});
