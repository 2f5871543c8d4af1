// Buggy variant: a follower cuts its conflicting suffix at an array position computed as if its
// log still began at index 1, forgetting the snapshot's offset, as a learner's
// `rf.log = rf.log[:index]` on a compacted log does. Without a snapshot the cut is right; behind
// one it is lastIncludedIndex entries too late, so the follower keeps some of the entries it
// should have dropped and appends the leader's after them, each one index off.
import type { Entry } from '../../../src/raft/messages';
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';
import { firstNewEntry } from '../../../src/raft/rules';

export class TruncateIgnoresSnapshot extends Raft {
  protected override acceptEntries(prevLogIndex: number, entries: Entry[]): void {
    const first = firstNewEntry(this.log, prevLogIndex, entries);
    if (first === entries.length) return;
    const at = prevLogIndex + 1 + first;
    // The bug: the position in the held entries is at - lastIncludedIndex - 1, not at - 1.
    if (at <= this.log.lastIndex) this.log.truncateFrom(at + this.log.lastIncludedIndex);
    this.log.append(...entries.slice(first));
    this.persist();
  }
}

// A function, not makeRaftWith(...) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(TruncateIgnoresSnapshot)(...args);
