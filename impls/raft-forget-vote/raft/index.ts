// Buggy variant: a server asked for its vote again in the same term forgets the vote it cast (or
// the one it gave itself as a candidate) and judges the request afresh, so two candidates of one
// term can both win: two leaders in one term.
import { makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { RequestVoteArgs, RequestVoteReply } from '../../../src/raft/messages';
import { TextbookRaft } from '../../raft-textbook/raft';

class ForgetVote extends TextbookRaft {
  override requestVote(args: RequestVoteArgs): RequestVoteReply {
    if (args.term === this.currentTerm && this.role !== 'leader') this.votedFor = -1;
    return super.requestVote(args);
  }
}

// A function, not makeRaftWith(ForgetVote) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(ForgetVote)(...args);
