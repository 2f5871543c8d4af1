// Buggy variant: currentTerm is not persisted (votedFor and the log are), so a server restarts in
// term 0: its term goes backwards, and a vote it cast in a later term no longer binds it.
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { PersistentState } from '../../../src/raft/state';

class NoPersistTerm extends Raft {
  protected override persistentState(): PersistentState {
    return { ...super.persistentState(), currentTerm: 0 };
  }
}

// A function, not makeRaftWith(NoPersistTerm) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(NoPersistTerm)(...args);
