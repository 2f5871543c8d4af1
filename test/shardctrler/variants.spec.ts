// The controller suite has teeth: each buggy variant in impls/shardctrler-* fails a 4A test on a
// seed known to expose it, while the reference passes the same test and seed (so the failure is
// the bug's). Which tests catch which bug, within how many seeds: impls/README-shardctrler.md.
import { describeVariants, type VariantCase } from '../support/variants';

const CASES: VariantCase[] = [
  {
    variant: 'shardctrler-query-returns-reply',
    test: 'TestBasic',
    seed: 1,
    expect: 'contract',
    message: /^query\(-1\) returned \{"err":"OK","config":\{.*`num` must be a configuration number/,
  },
  {
    variant: 'shardctrler-no-dedup',
    test: 'TestUnreliableChurn4A',
    seed: 2,
    expect: 'config-history',
    message: /explained by no write/,
  },
  {
    variant: 'shardctrler-reshuffle',
    test: 'TestBasic',
    seed: 1,
    expect: 'config-minimal',
    message: /non-minimal transfer after Join\(\)s/,
  },
  {
    variant: 'shardctrler-reshuffle',
    test: 'TestMinimalAgain',
    seed: 1,
    expect: 'config-minimal',
    message: /non-minimal transfer after Join\(\)/,
  },
  {
    variant: 'shardctrler-move-rebalances',
    test: 'TestUnreliableChurn4A',
    seed: 1,
    expect: 'config-history',
    message: /explained by no write/,
  },
  {
    variant: 'shardctrler-follower-queries',
    test: 'TestBasic',
    seed: 1,
    expect: 'config-same',
    message:
      /with server \d down, query\(\d+\) returned configuration \d+; expected configuration \d+/,
  },
  {
    variant: 'shardctrler-leave-keeps-shard',
    test: 'TestBasic',
    seed: 1,
    expect: 'config-valid',
    message: /invalid group 1\b/,
  },
  {
    variant: 'shardctrler-replica-rebalance',
    test: 'TestReplicasAgree4A',
    seed: 1,
    expect: 'config-same',
    message:
      /server \d serves configuration \d+ differently: query\(\d+\) at server \d returned shards \[[\d,]+\]; the cluster \[[\d,]+\]/,
  },
  // Our TestLeaveAll4A only: every other 4A test passes this variant on seeds 1-50.
  {
    variant: 'shardctrler-leave-all-keeps-shards',
    test: 'TestLeaveAll4A',
    seed: 1,
    expect: 'config-valid',
    message: /after leaves of groups 2, 1 and 3, configuration 6 has shard 0 on gid 3, not 0/,
  },
  // The course's tests query only -1 and numbers that exist; TestLeaveAll4A asks past the latest.
  {
    variant: 'shardctrler-query-past-latest',
    test: 'TestLeaveAll4A',
    seed: 1,
    expect: 'contract',
    message: /query\(7\) returned null: a Config object was expected/,
  },
];

describeVariants('buggy shard controller variants are caught by the 4A suite', CASES);
