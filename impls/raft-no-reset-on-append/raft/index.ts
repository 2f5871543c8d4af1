// Buggy variant: AppendEntries from the leader does not restart a follower's election timer, so
// followers keep starting elections and deposing a healthy leader.
import { makeRaftWith } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';

class NoResetOnAppend extends TextbookRaft {
  protected override heardFromLeader(): void {}
}

export const makeRaft = makeRaftWith(NoResetOnAppend);
