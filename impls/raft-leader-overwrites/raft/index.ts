// Buggy variant: a leader puts each new command right after its commitIndex, as if its own
// uncommitted entries were a follower's stale ones, so it overwrites entries it has already handed
// out (Leader Append-Only, Figure 3), and may lose commands a client was told were accepted.
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { StartResult } from '../../../harness/contracts/raft';

class LeaderOverwrites extends Raft {
  override start(command: unknown): StartResult {
    if (this.leader && !this.killed && this.log.lastIndex > this.commitIndex)
      this.log.truncateFrom(this.commitIndex + 1);
    return super.start(command);
  }
}

// A function, not makeRaftWith(LeaderOverwrites) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(LeaderOverwrites)(...args);
