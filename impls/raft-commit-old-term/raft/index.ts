// Buggy variant: a leader commits whatever a majority holds, including entries of earlier terms
// (the Figure 8 mistake of the Raft paper, section 5.4.2).
import { makeRaftWith } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';

class CommitOldTerm extends TextbookRaft {
  protected override commitIndexFor(majority: number): number {
    return Math.max(this.commitIndex, majority);
  }
}

export const makeRaft = makeRaftWith(CommitOldTerm);
