// Messages from the past (labs/ours/raft-past.ts and raft-past-snapshots.ts, the swarm's adversary
// in swarm-faults.ts): each buggy variant is caught by the test whose adversary delivers the message
// it mishandles, and by the check named; its base passes.
import { expect } from 'chai';
import * as path from 'node:path';
import { Implementation } from '../../harness/impl';
import { runScenario } from '../../harness/scenario';
import { drawPlan, TestSwarmRaft } from '../../labs/ours/raft-swarm';
import { describeVariants } from '../support/variants';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describeVariants('messages from the past: buggy variants caught, bases passing', [
  {
    variant: 'raft-count-old-vote',
    base: 'impls/raft-textbook',
    test: 'TestVotesFromThePast2A',
    seed: 1,
    expect: 'vote-count',
    message: /no server granted it a vote in term \d+/,
  },
  {
    variant: 'raft-stale-append-reply',
    test: 'TestAppendRepliesFromThePast2B',
    seed: 1,
    expect: 'leader-completeness',
    message: /was committed in an earlier term/,
  },
  {
    variant: 'raft-installs-old-snapshot',
    test: 'TestSnapshotsFromThePast2D',
    seed: 1,
    expect: 'monotonic-apply',
    message: /delivered a snapshot through index 19 after applying through 23/,
  },
  {
    variant: 'raft-figure13-old-snapshot',
    test: 'TestSnapshotsFromThePast2D',
    seed: 1,
    expect: 'monotonic-apply',
    message: /delivered a snapshot through index 19 after applying through 34/,
  },
  {
    variant: 'raft-appends-after-snapshot',
    test: 'TestAppendsInsideSnapshot2D',
    seed: 1,
    expect: 'apply-error',
    message: /apply error: commit index=16/,
  },
  {
    variant: 'raft-installs-behind-commit',
    test: 'TestSnapshotBehindCommit2D',
    seed: 1,
    expect: 'leader-completeness',
    message: /index 34 was committed in an earlier term/,
  },
  {
    variant: 'raft-snapshot-without-compaction',
    test: 'TestSnapshotOverHeldEntries2D',
    seed: 1,
    expect: 'apply-error',
    message: /apply out of order, expected index 10, got 1/,
  },
  {
    variant: 'raft-refusal-without-term',
    test: 'TestVoteRequestsFromThePast2B',
    seed: 1,
    expect: 'implementation-threw',
    message: /undefined cannot be sent/,
  },
  {
    variant: 'raft-refusal-without-term',
    test: 'TestSnapshotOfAnOldTerm2D',
    seed: 1,
    expect: 'implementation-threw',
    message: /undefined cannot be sent/,
  },
]);

describe('the Raft swarm with messages from the past', function () {
  this.timeout(60_000);

  it('catches raft-count-old-vote on a world (seed 71, level 2B) it passes without them', async () => {
    const seed = 71;
    const plan = drawPlan(seed, '2B');
    expect(plan.knobs.past, 'seed 71 draws messages from the past').to.equal(true);
    const { past: _past, ...without } = plan.knobs;
    const run = (impl: string, knobs: object) =>
      runScenario(TestSwarmRaft, {
        seed,
        impl: new Implementation(path.join(ROOT, impl)),
        params: { level: '2B', plan: { knobs, faults: plan.faults } },
      });
    const variant = 'impls/raft-count-old-vote';
    const caught = await run(variant, plan.knobs);
    expect(caught.check, caught.error?.split('\n')[0]).to.equal('vote-count');
    const missed = await run(variant, without);
    expect(missed.passed, missed.error?.split('\n')[0]).to.equal(true);
    for (const base of ['src', 'impls/raft-textbook']) {
      const r = await run(base, plan.knobs);
      expect(r.passed, `${base}: ${r.error?.split('\n')[0]}`).to.equal(true);
    }
  });
});
