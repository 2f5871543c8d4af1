// Buggy variant: a follower given an AppendEntries whose prevLogIndex is inside its snapshot takes
// the entries as if they followed the snapshot, instead of skipping those the snapshot already
// holds (the reference slices them off). Such a request is one the leader sent before the follower
// snapshotted and the network delivered late; the follower then appends the batch's first entries
// again after its log, at indexes where the leader has other commands of the same term, so the
// next AppendEntries finds the terms agreeing and they are committed and applied. Without the
// reference's own checks, as a learner's code: the tester must catch it.
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { AppendEntriesArgs, AppendEntriesReply } from '../../../src/raft/messages';
import { withoutInvariants } from '../../lent-runtime';

class AppendsAfterSnapshot extends Raft {
  override appendEntries(args: AppendEntriesArgs): AppendEntriesReply {
    const included = this.log.lastIncludedIndex;
    const inside =
      args.term >= this.currentTerm &&
      args.prevLogIndex < included &&
      included - args.prevLogIndex < args.entries.length;
    if (!inside) return super.appendEntries(args);
    return super.appendEntries({
      ...args,
      prevLogIndex: included,
      prevLogTerm: this.log.lastIncludedTerm,
    });
  }
}

// A function, not makeRaftWith(...) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (peers, me, persister, applySink, runtime) =>
  makeRaftWith(AppendsAfterSnapshot)(peers, me, persister, applySink, withoutInvariants(runtime));
