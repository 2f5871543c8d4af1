// Buggy variant: a leader commits whatever a majority holds, including entries of earlier terms
// (the Figure 8 mistake of the Raft paper, section 5.4.2). Without the reference's own invariant
// checks, as a learner's code would be: the first follower to overwrite the wrongly committed
// entry would otherwise stop the run before the suite sees the harm.
import { makeRaftWith, type MakeRaft } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';
import { withoutInvariants } from '../../lent-runtime';

class CommitOldTerm extends TextbookRaft {
  protected override commitIndexFor(majority: number): number {
    return Math.max(this.commitIndex, majority);
  }
}

// A function, not makeRaftWith(CommitOldTerm) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (peers, me, persister, applySink, runtime) =>
  makeRaftWith(CommitOldTerm)(peers, me, persister, applySink, withoutInvariants(runtime));
