// The key/value suites have teeth: each buggy variant in impls/kvraft-* fails a scenario on a seed
// known to expose it, while the reference passes the same scenario and seed (so the failure is the
// bug's). Which tests catch which bug, within how many seeds: impls/README-kvraft.md.
import { describeVariants, type VariantCase } from '../support/variants';

const CASES: VariantCase[] = [
  {
    variant: 'kvraft-get-returns-reply',
    test: 'TestSpeed3A',
    seed: 1,
    expect: 'contract',
    message: /^get\("x"\) returned \{"err":"OK","value":"x 0 0 y.*a string was expected/,
  },
  {
    variant: 'kvraft-no-dedup',
    test: 'TestUnreliableOneKey3A',
    seed: 1,
    expect: 'wrong-value',
    message: /duplicate element/,
  },
  {
    variant: 'kvraft-dedup-not-in-snapshot',
    test: 'TestDeleteSnapshotRestart3B',
    seed: 5,
    expect: 'linearizability',
    message: /history is not linearizable/,
  },
  {
    variant: 'kvraft-dedup-not-in-snapshot',
    test: 'TestRetryAfterRestart3B',
    seed: 1,
    expect: 'exactly-once',
    message: /holds it 2 times: a server restarted from its snapshot/,
  },
  {
    variant: 'kvraft-follower-reads',
    test: 'TestOnePartition3A',
    seed: 1,
    expect: 'majority-required',
    message: /Get in minority completed/,
  },
  {
    variant: 'kvraft-leader-local-reads',
    test: 'TestPersistOneClient3A',
    seed: 1,
    expect: 'wrong-value',
    message: /missing element/,
  },
  {
    variant: 'kvraft-snapshot-not-trimmed',
    test: 'TestSnapshotSize3B',
    seed: 1,
    expect: 'log-trimmed',
    message: /logs were not trimmed/,
  },
  {
    variant: 'kvraft-clerk-gives-up',
    test: 'TestUnreliableOneKey3A',
    seed: 1,
    expect: 'wrong-value',
    message: /missing element/,
  },
  {
    variant: 'kvraft-answers-same-clerk',
    test: 'TestOwnEarlierRequest3A',
    seed: 1,
    expect: 'wrong-value',
    message: /after the same clerk's put of "v\d" completed/,
  },
];

describeVariants('buggy key/value variants are caught by the suites', CASES);
