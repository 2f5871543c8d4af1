// Buggy variant: election timeouts are not randomised: every server waits the same 400 ms, so
// servers that start together time out together and split the vote again and again.
import { Raft, makeRaftWith } from '../../../src/raft';

class FixedElectionTimeout extends Raft {
  protected override electionTimeoutMs(): number {
    return 400;
  }
}

export const makeRaft = makeRaftWith(FixedElectionTimeout);
