// The rsm layer as the harness loads it: makeRSM() from harness/contracts/rsm.ts. It builds on
// your Raft through its index ('../raft'), so that a grade with --reference raft can put the
// reference Raft in its place.
import type { ClientEnd, PersisterApi, Runtime } from 'dslab/harness/api';
import type { RSM, StateMachine } from 'dslab/harness/contracts/rsm';
import { makeRaft } from '../raft';
import { ReplicatedStateMachine } from './rsm';

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
