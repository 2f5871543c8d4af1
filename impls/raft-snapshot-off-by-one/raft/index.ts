// Buggy variant: a snapshot installed from the leader is handed to the service with an index one
// too low (snapshotIndex - 1), so the service's state and Raft's idea of it disagree.
import type { ApplyMsg } from '../../../harness/contracts/raft';
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { SnapshotToDeliver } from '../../../src/raft/applier';

class SnapshotOffByOne extends Raft {
  protected override snapshotMessage(s: SnapshotToDeliver): ApplyMsg {
    return {
      snapshotValid: true,
      snapshot: s.data,
      snapshotTerm: s.term,
      snapshotIndex: s.index - 1,
    };
  }
}

// A function, not makeRaftWith(SnapshotOffByOne) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(SnapshotOffByOne)(...args);
