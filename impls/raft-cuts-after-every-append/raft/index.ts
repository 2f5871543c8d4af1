// Buggy variant: a follower replaces everything after prevLogIndex by an AppendEntries' entries,
// even when it already holds them all and more, as a learner's `rf.log = append(rf.log[:prev+1],
// args.Entries...)` does. Figure 2's AppendEntries step 3 cuts only at a real conflict: a request
// delayed in the network, shorter than what later requests brought, must not erase them (some may
// be committed). The reference's pacing (one batch at a time, flow control) makes such a delayed
// request rare, so the course's tests pass this; `raft-truncate-on-stale-append` is the same
// bug on the textbook's schedule.
import type { Entry } from '../../../src/raft/messages';
import { Raft, makeRaftWith, type MakeRaft } from '../../../src/raft';

export class CutsAfterEveryAppend extends Raft {
  protected override acceptEntries(prevLogIndex: number, entries: Entry[]): void {
    if (prevLogIndex + 1 <= this.log.lastIndex) this.log.truncateFrom(prevLogIndex + 1);
    this.log.append(...entries);
    this.persist();
  }
}

// A function, not makeRaftWith(...) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(CutsAfterEveryAppend)(...args);
