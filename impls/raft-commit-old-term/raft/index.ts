// Buggy variant: a leader commits whatever a majority holds, including entries of earlier terms
// (the Figure 8 mistake of the Raft paper, section 5.4.2).
import { makeRaftWith, type MakeRaft } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';

class CommitOldTerm extends TextbookRaft {
  protected override commitIndexFor(majority: number): number {
    return Math.max(this.commitIndex, majority);
  }
}

// A function, not makeRaftWith(CommitOldTerm) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(CommitOldTerm)(...args);
