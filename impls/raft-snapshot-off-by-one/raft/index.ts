// Buggy variant: a snapshot installed from the leader is handed to the service with an index one
// too low (snapshotIndex - 1), so the service's state and Raft's idea of it disagree.
import type { ApplyMsg } from '../../../harness/contracts/raft';
import { Raft, makeRaftWith } from '../../../src/raft';
import type { SnapshotToDeliver } from '../../../src/raft/applier';

class SnapshotOffByOne extends Raft {
  protected override snapshotMessage(s: SnapshotToDeliver): ApplyMsg {
    return { snapshotValid: true, snapshot: s.data, snapshotTerm: s.term, snapshotIndex: s.index - 1 };
  }
}

export const makeRaft = makeRaftWith(SnapshotOffByOne);
