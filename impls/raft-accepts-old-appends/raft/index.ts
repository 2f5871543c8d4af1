// Buggy variant: a follower takes an AppendEntries of an older term as if it came from its current
// leader, as a learner's handler does that checks the term only to step down on a newer one and
// forgets Figure 2's "reply false if term < currentTerm". A request of a deposed leader that the
// network delivers late then cuts the follower's log, committed entries and all. Without the
// reference's own checks, as a learner's code: the tester must catch it.
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { AppendEntriesArgs, AppendEntriesReply } from '../../../src/raft/messages';
import { withoutInvariants } from '../../lent-runtime';

export class AcceptsOldAppends extends Raft {
  override appendEntries(args: AppendEntriesArgs): AppendEntriesReply {
    return super.appendEntries({ ...args, term: Math.max(args.term, this.currentTerm) });
  }
}

// A function, not makeRaftWith(...) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (peers, me, persister, applySink, runtime) =>
  makeRaftWith(AcceptsOldAppends)(peers, me, persister, applySink, withoutInvariants(runtime));
