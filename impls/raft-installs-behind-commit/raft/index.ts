// Buggy variant: a follower installs an InstallSnapshot of its leader's term even when the snapshot
// ends at or before its commitIndex (the reference ignores it: everything through commitIndex is
// already in its log or its own snapshot). A request the network delivered late, after the
// follower has snapshotted past it, then resets its log to the snapshot's end: it forgets entries
// it helped commit, and with a log shorter than it should be it votes for a candidate that lacks
// them. Without the reference's own checks, as a learner's code: the tester must catch it.
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { InstallSnapshotArgs, InstallSnapshotReply } from '../../../src/raft/messages';
import { withoutInvariants } from '../../lent-runtime';

class InstallsBehindCommit extends Raft {
  override installSnapshot(args: InstallSnapshotArgs): InstallSnapshotReply {
    const behind = args.term >= this.currentTerm && args.lastIncludedIndex <= this.commitIndex;
    // The reference's "already have it" test compares with commitIndex: hide what is committed.
    if (behind) this.commitIndex = args.lastIncludedIndex - 1;
    return super.installSnapshot(args);
  }
}

// A function, not makeRaftWith(...) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (peers, me, persister, applySink, runtime) =>
  makeRaftWith(InstallsBehindCommit)(peers, me, persister, applySink, withoutInvariants(runtime));
