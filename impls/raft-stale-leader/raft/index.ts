// Buggy variant: a leader turns away a candidate of a higher term without adopting its term, and
// goes on leading its own (Figure 2, "All Servers": any RPC with a higher term makes a server a
// follower of that term). It steps down only when a reply or an AppendEntries of the higher term
// reaches it, up to a heartbeat later, and accepts commands meanwhile. No safety property breaks
// (it leads an old term nobody else leads); the stale-leader oracle sees it.
import { makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { RequestVoteArgs, RequestVoteReply } from '../../../src/raft/messages';
import { TextbookRaft } from '../../raft-textbook/raft';

class StaleLeader extends TextbookRaft {
  override requestVote(args: RequestVoteArgs): RequestVoteReply {
    if (!this.killed && this.role === 'leader' && args.term > this.currentTerm)
      return { term: this.currentTerm, voteGranted: false };
    return super.requestVote(args);
  }
}

// A function, not makeRaftWith(StaleLeader) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(StaleLeader)(...args);
