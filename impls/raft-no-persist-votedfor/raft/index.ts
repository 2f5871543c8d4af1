// Buggy variant: votedFor is not persisted, so a server that crashes and restarts within a term can
// vote a second time in that term (two leaders in one term become possible).
import { makeRaftWith } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';
import type { PersistentState } from '../../../src/raft/state';

class NoPersistVotedFor extends TextbookRaft {
  protected override persistentState(): PersistentState {
    return { ...super.persistentState(), votedFor: -1 };
  }
}

export const makeRaft = makeRaftWith(NoPersistVotedFor);
