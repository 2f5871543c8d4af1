// Buggy variant: restores the state machine from snapshots Raft installs, but not from the one
// saved when it starts again; after a restart it counts from zero the commands after the snapshot.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import type { StateMachine } from '../../../harness/contracts/rsm';
import { makeRaft } from '../raft';
import { ReplicatedStateMachine } from '../../../src/rsm';

class NoRestore extends ReplicatedStateMachine {
  protected override restoreFrom(data: Uint8Array): void {
    // Called from the constructor before Raft is made: that is the start-up restore it skips.
    if ((this.raft as unknown) !== undefined) super.restoreFrom(data);
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
  return new NoRestore(servers, me, persister, maxraftstate, sm, runtime, makeRaft);
}
