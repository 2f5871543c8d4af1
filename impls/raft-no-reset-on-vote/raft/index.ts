// Buggy variant: granting a vote does not restart the election timer, so a voter may start its own
// election just as the candidate it voted for wins, and depose it.
import { makeRaftWith, type MakeRaft } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';

class NoResetOnVote extends TextbookRaft {
  protected override grantVote(candidate: number): void {
    this.votedFor = candidate;
    this.persist();
  }
}

// A function, not makeRaftWith(NoResetOnVote) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(NoResetOnVote)(...args);
