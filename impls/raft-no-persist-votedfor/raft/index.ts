// Buggy variant: votedFor is not persisted, so a server that crashes and restarts within a term can
// vote a second time in that term (two leaders in one term become possible).
import { makeRaftWith, type MakeRaft } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';
import type { PersistentState } from '../../../src/raft/state';

class NoPersistVotedFor extends TextbookRaft {
  protected override persistentState(): PersistentState {
    return { ...super.persistentState(), votedFor: -1 };
  }
}

// A function, not makeRaftWith(NoPersistVotedFor) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(NoPersistVotedFor)(...args);
