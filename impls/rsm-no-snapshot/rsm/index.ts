// Buggy variant: never snapshots, whatever maxraftstate says; Raft's log grows without bound.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import type { StateMachine } from '../../../harness/contracts/rsm';
import { makeRaft } from '../raft';
import { ReplicatedStateMachine } from '../../../src/rsm';

class NoSnapshot extends ReplicatedStateMachine {
  protected override maybeSnapshot(): void {}
}

export function makeRSM(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  sm: StateMachine,
  runtime: Runtime,
) {
  return new NoSnapshot(servers, me, persister, maxraftstate, sm, runtime, makeRaft);
}
