// The 4B suite has teeth: each buggy variant in impls/shardkv-* fails a 4B test on a seed known to
// expose it, while the reference passes the same test and seed (so the failure is the bug's).
// Which tests catch which bug, within how many seeds: impls/README-shardkv.md.
import { describeVariants, type VariantCase } from '../support/variants';

const CASES: VariantCase[] = [
  {
    variant: 'shardkv-dedup-not-moved',
    test: 'TestUnreliable3',
    seed: 2,
    expect: 'linearizability',
    message: /history is not linearizable/,
  },
  {
    variant: 'shardkv-serves-before-arrival',
    test: 'TestMissChange',
    seed: 1,
    expect: 'wrong-value',
    message: /Get\("\d+"\): expected/,
  },
  {
    variant: 'shardkv-skips-configs',
    test: 'TestUnreliable1',
    seed: 2,
    expect: 'virtual-time-limit',
    message: /virtual time limit of 150s reached/,
  },
  {
    variant: 'shardkv-keeps-given-shards',
    test: 'TestChallenge1Delete',
    seed: 1,
    expect: 'shard-deletion',
    message: /snapshot \+ persisted Raft state are too big/,
  },
  {
    variant: 'shardkv-stops-serving-in-migration',
    test: 'TestChallenge2Partial',
    seed: 1,
    expect: 'virtual-time-limit',
    message: /virtual time limit of 150s reached/,
  },
  {
    variant: 'shardkv-double-owner',
    test: 'TestJoinLeave',
    seed: 1,
    expect: 'wrong-value',
    message: /Get\("\d+"\): expected/,
  },
];

describeVariants('buggy sharded key/value variants are caught by the 4B suite', CASES);
