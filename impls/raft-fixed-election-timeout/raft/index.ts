// Buggy variant: election timeouts are not randomised: every server waits the same 400 ms, so
// servers that start together time out together and split the vote again and again.
import { makeRaftWith, type MakeRaft } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';

class FixedElectionTimeout extends TextbookRaft {
  protected override electionTimeoutMs(): number {
    return 400;
  }
}

// A function, not makeRaftWith(FixedElectionTimeout) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(FixedElectionTimeout)(...args);
