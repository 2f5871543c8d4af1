// Buggy variant: the saved log reuses the first encoding it made of every complete chunk of 32
// entries, even after the log was cut under that chunk and refilled with other entries (the
// reference drops the chunks a truncation reaches). The log in memory is right, so the server
// behaves until it restarts: then it restores the entries it had before the cut, and a leader
// whose last entry it agrees with makes it apply them as committed. Without the reference's own
// checks, as a learner's code: the tester must catch it.
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import { CHUNK } from '../../../src/raft/log';
import type { PersistentState } from '../../../src/raft/state';
import { withoutInvariants } from '../../lent-runtime';

class StaleSavedChunks extends Raft {
  /** The first encoding saved of complete chunk k (indexes k * CHUNK + 1 through (k + 1) * CHUNK). */
  private readonly firstEncodings: Uint8Array[] = [];

  protected override persistentState(): PersistentState {
    const state = super.persistentState();
    const first = this.log.lastIncludedIndex + 1;
    const k0 = Math.floor((first - 1) / CHUNK);
    const log = state.log.map((chunk, j) => {
      const k = k0 + j;
      const whole = (j > 0 || first === k * CHUNK + 1) && (k + 1) * CHUNK <= this.log.lastIndex;
      if (!whole) return chunk;
      this.firstEncodings[k] ??= chunk;
      return this.firstEncodings[k];
    });
    return { ...state, log };
  }
}

// A function, not makeRaftWith(...) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (peers, me, persister, applySink, runtime) =>
  makeRaftWith(StaleSavedChunks)(peers, me, persister, applySink, withoutInvariants(runtime));
