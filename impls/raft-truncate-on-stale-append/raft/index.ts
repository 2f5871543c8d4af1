// Buggy variant: a follower cuts its log right after prevLogIndex on every AppendEntries, so a
// delayed or duplicated one erases later entries even though they match the leader's.
//
// The bug needs two AppendEntries to one follower in flight at once, for the network to reorder;
// paced replication never does that, so this variant also sends eagerly, at once on every start()
// however many calls are in flight, as many lab solutions do. That alone is harmless: it is what
// impls/raft-textbook-eager does, and that passes.
import { makeRaftWith, type MakeRaft } from '../../../src/raft';
import type { Entry } from '../../../src/raft/messages';
import { EagerTextbookRaft } from '../../raft-textbook-eager/raft';

class TruncateOnStaleAppend extends EagerTextbookRaft {
  protected override acceptEntries(prevLogIndex: number, entries: Entry[]): void {
    if (prevLogIndex < this.log.lastIndex) this.log.truncateFrom(prevLogIndex + 1);
    this.log.append(...entries);
    this.persist();
  }
}

// A function, not makeRaftWith(TruncateOnStaleAppend) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(TruncateOnStaleAppend)(...args);
