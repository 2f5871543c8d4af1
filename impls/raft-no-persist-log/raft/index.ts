// Buggy variant: the log is never persisted (term, vote and snapshot are), so a restarted server
// comes back with an empty log after its snapshot and may have acknowledged entries it lost.
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { PersistentState } from '../../../src/raft/state';

class NoPersistLog extends Raft {
  protected override persistentState(): PersistentState {
    return { ...super.persistentState(), log: [] };
  }
}

// A function, not makeRaftWith(NoPersistLog) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(NoPersistLog)(...args);
