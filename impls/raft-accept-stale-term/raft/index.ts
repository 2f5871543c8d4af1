// Buggy variant: a follower accepts AppendEntries from a leader of a lower term (it skips the
// "reply false if term < currentTerm" rule of Figure 2) and answers with its own term. A deposed
// leader that has not heard of the new term yet can then overwrite entries the new leader has
// committed. (A current leader still refuses them.) Without the reference's own invariant checks,
// as a learner's code would be: the overwrite would otherwise stop the run before the suite sees it.
import { makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { AppendEntriesArgs, AppendEntriesReply } from '../../../src/raft/messages';
import { TextbookRaft } from '../../raft-textbook/raft';
import { withoutInvariants } from '../../lent-runtime';

class AcceptStaleTerm extends TextbookRaft {
  override appendEntries(args: AppendEntriesArgs): AppendEntriesReply {
    return super.appendEntries(
      args.term < this.currentTerm && this.role !== 'leader'
        ? { ...args, term: this.currentTerm }
        : args,
    );
  }
}

// A function, not makeRaftWith(AcceptStaleTerm) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (peers, me, persister, applySink, runtime) =>
  makeRaftWith(AcceptStaleTerm)(peers, me, persister, applySink, withoutInvariants(runtime));
