// Buggy variant: a leader takes a reply to an AppendEntries it sent in an earlier leadership (an
// earlier term) as news about its current one: a success reply of a request sent in term t sets
// matchIndex in its leadership of term T > t, although the follower's log may since have changed
// and its own entries at those indexes may be other ones (Figure 2: a leader acts on replies to its
// requests of its current term). With an old reply arriving late, it counts a follower as holding
// entries it never received and commits them without a majority; leader completeness breaks.
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { LeaderState } from '../../../src/raft/leader';

class StaleAppendReply extends Raft {
  protected override leadershipOf(_sent: LeaderState): LeaderState | undefined {
    return this.leader;
  }
}

// A function, not makeRaftWith(StaleAppendReply) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(StaleAppendReply)(...args);
