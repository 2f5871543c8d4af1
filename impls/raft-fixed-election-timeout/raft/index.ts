// Buggy variant: election timeouts are not randomised: every server waits the same 400 ms, so
// servers that start together time out together and split the vote again and again.
import { makeRaftWith } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';

class FixedElectionTimeout extends TextbookRaft {
  protected override electionTimeoutMs(): number {
    return 400;
  }
}

export const makeRaft = makeRaftWith(FixedElectionTimeout);
