// Buggy variant: a follower cuts its log right after prevLogIndex on every AppendEntries, so a
// delayed or duplicated one erases later entries even though they match the leader's.
import { makeRaftWith } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';
import type { Entry } from '../../../src/raft/messages';

class TruncateOnStaleAppend extends TextbookRaft {
  protected override acceptEntries(prevLogIndex: number, entries: Entry[]): void {
    if (prevLogIndex < this.log.lastIndex) this.log.truncateFrom(prevLogIndex + 1);
    this.log.append(...entries);
    this.persist();
  }
}

export const makeRaft = makeRaftWith(TruncateOnStaleAppend);
