// Buggy variant: a follower installing a snapshot keeps its entries after the snapshot's last index
// whenever it holds that index, without comparing that entry's term with the snapshot's (Figure 13,
// step 6: retain the entries following it only if the entry has the same index and term). A
// follower that held entries of a deposed leader then keeps them after a snapshot they contradict,
// with its own term as the boundary's: the leader's AppendEntries never match again. Without the
// reference's own checks, as a learner's code: the tester must catch it.
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { InstallSnapshotArgs, InstallSnapshotReply } from '../../../src/raft/messages';
import { withoutInvariants } from '../../lent-runtime';

class KeepsConflictingLog extends Raft {
  override installSnapshot(args: InstallSnapshotArgs): InstallSnapshotReply {
    const L = args.lastIncludedIndex;
    const held = L > this.log.lastIncludedIndex && L <= this.log.lastIndex;
    // Pass our own term at L as the snapshot's: the reference then keeps the entries after it.
    if (args.term >= this.currentTerm && L > this.commitIndex && held)
      return super.installSnapshot({ ...args, lastIncludedTerm: this.log.term(L) });
    return super.installSnapshot(args);
  }
}

// A function, not makeRaftWith(...) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (peers, me, persister, applySink, runtime) =>
  makeRaftWith(KeepsConflictingLog)(peers, me, persister, applySink, withoutInvariants(runtime));
