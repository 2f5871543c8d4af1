// Buggy variant: a submission takes whatever entry was applied at its index as its own, even
// another leader's command that overwrote it there.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import type { StateMachine } from '../../../harness/contracts/rsm';
import { makeRaft } from '../raft';
import { ReplicatedStateMachine } from '../../../src/rsm';

class AnswersAny extends ReplicatedStateMachine {
  protected override isOwn(): boolean {
    return true;
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
  return new AnswersAny(servers, me, persister, maxraftstate, sm, runtime, makeRaft);
}
