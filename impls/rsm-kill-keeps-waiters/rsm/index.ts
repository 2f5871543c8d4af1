// Buggy variant: kill() stops Raft but leaves waiting submissions waiting; on a node that has been
// shut down no timer fires again, so they never return.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import type { StateMachine } from '../../../harness/contracts/rsm';
import { makeRaft } from '../raft';
import { ReplicatedStateMachine } from '../../../src/rsm';

class KillKeepsWaiters extends ReplicatedStateMachine {
  override kill(): void {
    this.dead = true;
    this.raft.kill();
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
  return new KillKeepsWaiters(servers, me, persister, maxraftstate, sm, runtime, makeRaft);
}
