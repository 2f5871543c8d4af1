// Buggy variant: AppendEntries from the leader does not restart a follower's election timer, so
// followers keep starting elections and deposing a healthy leader.
import { makeRaftWith, type MakeRaft } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';

class NoResetOnAppend extends TextbookRaft {
  protected override heardFromLeader(): void {}
}

// A function, not makeRaftWith(NoResetOnAppend) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(NoResetOnAppend)(...args);
