// Buggy variant: a submission gives up after 500 ms without its entry applied (ErrWrongLeader),
// as a handler with a deadline does; a leader cut off from the majority then answers its
// submitters before the partition heals, though its entries might still commit.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import type { StateMachine } from '../../../harness/contracts/rsm';
import { makeRaft } from '../raft';
import { ReplicatedStateMachine, type Waiter } from '../../../src/rsm';

class GivesUp extends ReplicatedStateMachine {
  protected override stillWaiting(w: Waiter, term: number): boolean {
    return super.stillWaiting(w, term) && this.runtime.now() - w.since < 500;
  }
}

export function makeRSM(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  sm: StateMachine,
  runtime: Runtime,
) {
  return new GivesUp(servers, me, persister, maxraftstate, sm, runtime, makeRaft);
}
