// The suites have teeth: each buggy variant in impls/raft-* fails a scenario on a seed known to
// expose it, while the implementation it is derived from passes the same scenario and seed (so the
// failure is the bug's). The full matrix (which tests catch which bug, within how many seeds) is in
// impls/README.md.
import { describeVariants, type VariantCase } from '../support/variants';
import { scenarios as crashPoints } from '../../labs/ours/raft-crash-points';
import { scenarios as elections } from '../../labs/ours/raft-elections';

const CASES: VariantCase[] = [
  {
    variant: 'raft-commit-old-term',
    base: 'impls/raft-textbook',
    test: 'TestFigure8Unreliable2C',
    seed: 13,
    expect: 'apply-error',
    message: /apply error: commit index/,
  },
  // Ours stages Figure 8 and catches it on every seed (the course's 2A-2D tests: 1 run of 84 on seeds 1-3).
  {
    variant: 'raft-commit-old-term',
    base: 'impls/raft-textbook',
    test: 'TestOldTermCommit2B',
    seed: 1,
    expect: 'apply-error',
    message: /apply error: commit index=2/,
  },
  // Ours delivers a deposed leader's AppendEntries after an election; the course's tests pass it on seeds 1-10.
  {
    variant: 'raft-accepts-old-appends',
    test: 'TestAppendsFromAnOldTerm2B',
    seed: 1,
    expect: 'apply-error',
    message: /apply error: commit index=2/,
  },
  // Ours delivers an AppendEntries after later ones; the course's 2A-2D tests pass it on seeds 1-10.
  {
    variant: 'raft-cuts-after-every-append',
    test: 'TestAppendsFromThePast2B',
    seed: 1,
    expect: 'leader-completeness',
    message: /^leader completeness: server \d, leader of term \d+/,
  },
  // Ours holds the service's applyCh while a newer snapshot arrives; the course's tests pass it on seeds 1-10.
  {
    variant: 'raft-loses-pending-snapshot',
    test: 'TestSnapshotWhileApplying2D',
    seed: 1,
    expect: 'implementation-threw',
    message: /RaftLog: index 10 is outside the held log/,
  },
  // Ours restarts a follower whose log was cut and refilled; the course's tests pass it (impls/README.md).
  {
    variant: 'raft-stale-saved-chunks',
    test: 'TestRestartAfterOverwrite2C',
    seed: 1,
    expect: 'apply-error',
    message: /apply error: commit index=31/,
  },
  // Ours cuts a conflicting suffix behind a snapshot; the course's 2A-2D tests pass it on seeds 1-10.
  {
    variant: 'raft-truncate-ignores-snapshot',
    test: 'TestConflictAfterSnapshot2D',
    seed: 1,
    expect: 'apply-error',
    message: /apply error: commit index=11/,
  },
  // Ours installs a snapshot over a deposed leader's entries; the course's tests pass it (impls/README.md).
  {
    variant: 'raft-keeps-conflicting-log',
    test: 'TestSnapshotOverConflict2D',
    seed: 1,
    expect: 'agreement',
    message: /failed to reach agreement/,
  },
  {
    variant: 'raft-snapshot-drops-whole-log',
    test: 'TestSnapshotOverAckedEntries2D',
    seed: 1,
    expect: 'leader-completeness',
    message: /index \d+ was committed in an earlier term: a leader must hold every committed entry/,
  },
  {
    variant: 'raft-snapshot-off-by-one',
    test: 'TestSnapshotInstall2D',
    seed: 1,
    expect: 'apply-error',
    message: /snapshot doesn't match m.SnapshotIndex/,
  },
  {
    variant: 'raft-slow-backup',
    test: 'TestFigure8Unreliable2C',
    seed: 1,
    expect: 'agreement',
    message: /failed to reach agreement/,
  },
  // The leader-completeness oracle fires before the appliers see the divergence.
  {
    variant: 'raft-no-persist-log',
    test: 'TestPersist12C',
    seed: 1,
    expect: 'leader-completeness',
    message: /^leader completeness: server \d, leader of term \d+/,
  },
  {
    variant: 'raft-fixed-election-timeout',
    base: 'impls/raft-textbook',
    test: 'TestInitialElection2A',
    seed: 1,
    expect: 'one-leader',
    message: /expected one leader, got none/,
  },
  {
    variant: 'raft-truncate-on-stale-append',
    base: 'impls/raft-textbook-eager',
    test: 'TestFigure8Unreliable2C',
    seed: 4,
    expect: 'apply-error',
    message: /apply error: commit index/,
  },
  {
    variant: 'raft-no-reset-on-append',
    base: 'impls/raft-textbook',
    test: 'TestRPCBytes2B',
    seed: 1,
    expect: 'agreement',
    message: /failed to reach agreement/,
  },
  // Caught by the safety oracles (labs/lab2/raft-oracle.ts), not by the original checks.
  {
    variant: 'raft-no-persist-term',
    test: 'TestPersist12C',
    seed: 1,
    expect: 'term-monotonicity',
    message: /^term monotonicity: server \d's term went from \d+ .* down to 0/,
  },
  {
    variant: 'raft-forget-vote',
    base: 'impls/raft-textbook',
    test: 'TestUnreliableAgree2C',
    seed: 1,
    expect: 'election-safety',
    message: /^election safety: servers \d and \d both led term \d+/,
  },
  // Our crash-point scenario (labs/ours): the voter crashes right after voting, between two halves.
  {
    variant: 'raft-no-persist-votedfor',
    base: 'impls/raft-textbook',
    test: 'TestVoteCrashRestart2C',
    seed: 1,
    expect: 'election-safety',
    message: /^election safety: servers 4 and 2 both led term 2/,
  },
  // Our stable-term test (labs/ours/raft-elections.ts): a voter's timer fires just after it voted.
  {
    variant: 'raft-no-reset-on-vote',
    base: 'impls/raft-textbook',
    test: 'TestStableTerm2A',
    seed: 4,
    expect: 'stable-term',
    message:
      /^stable term: server 4 reached term 2 at 0\.370s, after server 5 was seen leading term 1/,
  },
  // One variant per oracle class that had none.
  {
    variant: 'raft-leader-overwrites',
    test: 'TestConcurrentStarts2B',
    seed: 1,
    expect: 'leader-append-only',
    message: /^leader append-only: server \d, leader of term \d+/,
  },
  {
    variant: 'raft-apply-twice',
    test: 'TestBasicAgree2B',
    seed: 1,
    expect: 'monotonic-apply',
    message: /^apply error: monotonic apply: server \d applied index 1 right after index 1/,
  },
  // The follower's own check (kept in the variants) stops it before the appliers see the overwrite.
  {
    variant: 'raft-accept-stale-term',
    base: 'impls/raft-textbook',
    test: 'TestRejoin2B',
    seed: 1,
    expect: 'apply-error',
    message: /apply error: commit index=2 server=1 102 != server=2 103/,
  },
  // Caught by the timeliness oracles (labs/lab2/raft-timeliness.ts) only: without them, every
  // 2A-2D test passes each of these variants on seeds 1-100.
  {
    variant: 'raft-stale-leader',
    base: 'impls/raft-textbook',
    test: 'TestManyElections2A',
    seed: 1,
    expect: 'stale-leader',
    message:
      /^stale leader: server 2 still leads term 3 at 2\.096s, after it processed a RequestVote request of term 4/,
  },
  {
    variant: 'raft-fast-heartbeat',
    test: 'TestInitialElection2A',
    seed: 1,
    expect: 'heartbeat-rate',
    message:
      /^heartbeat rate: server 1 sent 11 AppendEntries without entries to server 0 in term 1 within one second/,
  },
];

describeVariants('buggy Raft variants are caught by the suites', CASES, [
  ...crashPoints,
  ...elections,
]);
