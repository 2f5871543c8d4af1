// Control variant, not a bug: the textbook variant, sending AppendEntries at once on every start()
// however many calls to the follower are in flight (no batching, no waiting for replies). It
// passes the suites; the stale-AppendEntries bug builds on it, because only concurrent
// AppendEntries can arrive out of order.
import { makeRaftWith, type MakeRaft } from '../../../src/raft';
import { TextbookRaft } from '../../raft-textbook/raft';

export class EagerTextbookRaft extends TextbookRaft {
  protected override replicationPaced(): boolean {
    return false;
  }
}

// A function, not makeRaftWith(EagerTextbookRaft) called when the module loads: no module-level state (grader/module-state.ts).
export const makeRaft: MakeRaft = (...args) => makeRaftWith(EagerTextbookRaft)(...args);
