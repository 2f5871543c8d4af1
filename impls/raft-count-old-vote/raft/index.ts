// Buggy variant: a candidate counts every granted vote that reaches it while it is a candidate,
// also a late grant to its RequestVote of an earlier election (Figure 2 counts votes "from a
// majority of servers" in the election at hand; the students' guide: drop replies of an older
// term). A grant held up in the network until the candidate's next election then elects it without
// a majority in its term. Only the adversary of engine/rpc/hold.ts makes such grants arrive on
// time; the vote-count oracle sees the unearned leadership.
import { makeRaftWith, type MakeRaft } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';

class CountOldVote extends TextbookRaft {
  protected override voteCounts(_term: number): boolean {
    return this.role === 'candidate';
  }
}

// A function, not makeRaftWith(CountOldVote) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(CountOldVote)(...args);
