// Buggy variant: raft-installs-old-snapshot, but reading Figure 13 to the letter: "if existing log
// entry has same index and term as snapshot's last included entry, retain log entries following it
// and reply" — only otherwise does it discard its log and reset the service to the snapshot. So a
// snapshot older than what it has applied is harmless while the follower still holds that entry,
// and takes the service back once the follower has compacted past it (its own newer snapshot):
// Figure 13 has no step for a snapshot older than the receiver's.
import { makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { InstallSnapshotArgs } from '../../../src/raft/messages';
import { InstallsOldSnapshot } from '../../raft-installs-old-snapshot/raft';

class Figure13OldSnapshot extends InstallsOldSnapshot {
  protected override installBehind(args: InstallSnapshotArgs): void {
    const L = args.lastIncludedIndex;
    if (this.log.hasTerm(L) && this.log.term(L) === args.lastIncludedTerm) {
      if (L > this.log.lastIncludedIndex) {
        this.log.compact(L);
        this.snapshotData = args.data;
        this.persist();
      }
      return;
    }
    super.installBehind(args);
  }
}

// A function, not makeRaftWith(Figure13OldSnapshot) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(Figure13OldSnapshot)(...args);
