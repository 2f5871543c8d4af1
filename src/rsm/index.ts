// The replicated state machine layer as the harness loads it: makeRSM() from
// harness/contracts/rsm.ts, on this implementation's Raft.
import type { ClientEnd, PersisterApi, Runtime } from '../../harness/api';
import type { RSM, StateMachine } from '../../harness/contracts/rsm';
import { makeRaft } from '../raft';
import { ReplicatedStateMachine } from './rsm';

export { ReplicatedStateMachine, sameOp, WRONG_LEADER, type Op, type Waiter } from './rsm';

export function makeRSM(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  sm: StateMachine,
  runtime: Runtime,
): RSM {
  return new ReplicatedStateMachine(servers, me, persister, maxraftstate, sm, runtime, makeRaft);
}
