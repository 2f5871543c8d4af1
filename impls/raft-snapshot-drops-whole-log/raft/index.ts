// Buggy variant: a follower installing a snapshot always discards its whole log (Figure 13, step 7),
// also when it holds the snapshot's last entry with the snapshot's term, whose following entries
// step 6 retains. Its leader may already count those entries (the follower acknowledged them) and
// have committed them with it: the follower forgets committed entries and can then elect a server
// without them. Without the reference's own checks, as a learner's code: the tester must catch it.
// Caught only by our TestSnapshotOverAckedEntries2D (labs/ours/raft-snapshot-acked.ts).
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { InstallSnapshotArgs, InstallSnapshotReply } from '../../../src/raft/messages';
import { withoutInvariants } from '../../lent-runtime';

class DropsWholeLog extends Raft {
  override installSnapshot(args: InstallSnapshotArgs): InstallSnapshotReply {
    const L = args.lastIncludedIndex;
    const held = L > this.log.lastIncludedIndex && L <= this.log.lastIndex;
    // Cut our log before L: the reference then finds no entry at L and resets to the snapshot.
    if (args.term >= this.currentTerm && L > this.commitIndex && held) this.log.truncateFrom(L);
    return super.installSnapshot(args);
  }
}

// A function, not makeRaftWith(...) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (peers, me, persister, applySink, runtime) =>
  makeRaftWith(DropsWholeLog)(peers, me, persister, applySink, withoutInvariants(runtime));
