// Control variant, not a bug: the reference whose start() only appends (and, as the reference
// does, leaves the new entries to be saved just before they are first sent): they leave with the
// next heartbeat to each follower, up to 120 ms later. Figure 2 allows that schedule; a leader is
// slower to commit, not wrong. It passes lab 2 and the swarm (test/raft/replicate-on-heartbeat.spec.ts);
// of lab 3 it fails only TestSpeed3A and TestSpeed3B (impls/README.md).
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';

class ReplicateOnHeartbeat extends Raft {
  protected override replicateNewEntries(): void {}
}

// A function, not makeRaftWith(ReplicateOnHeartbeat) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(ReplicateOnHeartbeat)(...args);
