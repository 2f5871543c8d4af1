// Buggy variant: granting a vote does not restart the election timer, so a voter may start its own
// election just as the candidate it voted for wins, and depose it.
import { makeRaftWith } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';

class NoResetOnVote extends TextbookRaft {
  protected override grantVote(candidate: number): void {
    this.votedFor = candidate;
    this.persist();
  }
}

export const makeRaft = makeRaftWith(NoResetOnVote);
