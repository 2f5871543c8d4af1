// Buggy variant (a performance bug): no fast log backup; after a rejection the leader retries only
// one entry earlier (nextIndex - 1), one round trip per conflicting entry.
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { AppendEntriesReply } from '../../../src/raft/messages';

class SlowBackup extends Raft {
  protected override nextIndexAfterRejection(
    _reply: AppendEntriesReply,
    prevLogIndex: number,
  ): number {
    return prevLogIndex;
  }
}

// A function, not makeRaftWith(SlowBackup) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(SlowBackup)(...args);
