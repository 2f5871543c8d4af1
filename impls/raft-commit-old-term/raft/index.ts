// Buggy variant: a leader commits whatever a majority holds, including entries of earlier terms
// (the Figure 8 mistake of the Raft paper, section 5.4.2).
import { Raft, makeRaftWith } from '../../../src/raft';

class CommitOldTerm extends Raft {
  protected override commitIndexFor(majority: number): number {
    return Math.max(this.commitIndex, majority);
  }
}

export const makeRaft = makeRaftWith(CommitOldTerm);
