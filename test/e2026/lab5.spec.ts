// The 2026 edition's sharded service (lab 5): the course's shardkv1 tests are registered in its
// order, each passes once on the reference (seed 1), each buggy variant in impls/shardkv1-* fails a
// named test on a named seed with the check that catches it, and the starter kit fails at once with
// its not-implemented message; the course's partitionCtrler race is met by our departure.
import { expect } from 'chai';
import * as path from 'node:path';
import { loadRegistry, testsOf } from '../../labs';
import { Implementation } from '../../harness/impl';
import { runScenario } from '../../harness/scenario';
import { describeVariants, type VariantCase } from '../support/variants';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TESTS = loadRegistry('', '2026')
  .parts.filter((p) => p.lab === '5')
  .flatMap(testsOf);

describe('2026 lab 5 (sharded service, controller moves shards) on the reference (seed 1)', function () {
  this.timeout(60_000);
  it("has the course's shardkv1 tests in its order, and ours", () => {
    expect(TESTS.map((s) => s.name)).to.deep.equal([
      'TestInitQuery5A',
      'TestStaticOneShardGroup5A',
      'TestJoinBasic5A',
      'TestDeleteBasic5A',
      'TestJoinLeaveBasic5A',
      'TestManyJoinLeaveReliable5A',
      'TestManyJoinLeaveUnreliable5A',
      'TestShutdown5A',
      'TestProgressShutdown5A',
      'TestProgressJoin5A',
      'TestOneConcurrentClerkReliable5A',
      'TestManyConcurrentClerkReliable5A',
      'TestOneConcurrentClerkUnreliable5A',
      'TestManyConcurrentClerkUnreliable5A',
      'TestJoinLeave5B',
      'TestRecoverCtrler5B',
      'TestCtrlerCrashFrozen5B',
      'TestConcurrentReliable5C',
      'TestAcquireLockConcurrentUnreliable5C',
      'TestPartitionControllerJoin5C',
      'TestPartitionRecoveryReliableNoClerk5C',
      'TestPartitionRecoveryUnreliableNoClerk5C',
      'TestPartitionRecoveryReliableClerks5C',
      'TestPartitionRecoveryUnreliableClerks5C',
    ]);
  });
  for (const s of TESTS)
    it(`${s.part} ${s.name}`, async () => {
      const r = await runScenario(s, { seed: 1, impl: new Implementation(path.join(ROOT, 'src')) });
      expect(r.passed, r.error).to.equal(true);
    });
});

describe("2026 lab 5: the course's partitionCtrler race (our departure)", function () {
  it('expects the configuration before a change none of whose Puts reached the kvsrv (NoClerk seed 18)', async () => {
    // Join 6 was marked 17 ms before the cut, too late for any of its writes to reach the key/value
    // server: the course's check would demand group 6 in, which no implementation can do.
    const s = TESTS.find((x) => x.name === 'TestPartitionRecoveryUnreliableNoClerk5C')!;
    const notes: string[] = [];
    const r = await runScenario(s, {
      seed: 18,
      impl: new Implementation(path.join(ROOT, 'src')),
      onTrace: (rec) => {
        if (rec.kind === 'test' && rec.detail.includes('had not begun')) notes.push(rec.detail);
      },
    });
    expect(r.passed, r.error).to.equal(true);
    expect(notes).to.deep.equal(['join 6 had not begun at the cut: expected the state before it']);
  });
});

const CASES: VariantCase[] = [
  {
    variant: 'shardkv1-serves-frozen',
    test: 'TestCtrlerCrashFrozen5B',
    seed: 1,
    expect: 'shard-owner',
    message: /answered Get\("k15"\) with OK for shard 4, which it did not serve/,
  },
  {
    variant: 'shardkv1-keeps-deleted',
    test: 'TestDeleteBasic5A',
    seed: 1,
    expect: 'shard-deletion',
    message: /use too much space/,
  },
  {
    variant: 'shardkv1-no-recovery',
    test: 'TestRecoverCtrler5B',
    seed: 1,
    expect: 'config-recovered',
    message: /didn't recover 3 correctly after join/,
  },
  {
    variant: 'shardkv1-no-maybe',
    test: 'TestOneConcurrentClerkUnreliable5A',
    seed: 1,
    expect: 'linearizability',
    message: /history is not linearizable/,
  },
  {
    variant: 'shardkv1-ignores-claim',
    test: 'TestConcurrentReliable5C',
    seed: 1,
    expect: 'shard-owner',
    message: /answered Get\("k5"\) with OK for shard 5, which it did not serve/,
  },
  {
    variant: 'shardkv1-stale-pair',
    test: 'TestAcquireLockConcurrentUnreliable5C',
    seed: 318,
    expect: 'wrong-value',
    message: /Get\(k2\) returns error = ErrNoKey/,
  },
];

describeVariants('2026 lab 5 (sharded service) variants are caught', CASES, TESTS);

describe("the starter kit's shardkv1", () => {
  it('fails TestInitQuery5A at once, naming the file, the method and the part', async () => {
    const r = await runScenario(TESTS[0], {
      seed: 1,
      impl: new Implementation(path.join(ROOT, 'starter')),
    });
    expect(r.check).to.equal('implementation-threw');
    expect(r.error).to.match(
      /shardkv1\/ctrler\.ts: initConfig\(\) is not implemented yet \(part 5A\)/,
    );
  });
});
