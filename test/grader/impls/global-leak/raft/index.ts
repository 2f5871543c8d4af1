// The grader tests' mini Raft counting the clusters made on globalThis, reached through a local
// alias (which the static check of grader/module-state.ts does not follow): the worker's runtime
// check must see the new global, remove it after the run and stop keeping modules loaded.
import type { ClientEnd, PersisterApi, Runtime } from '../../../../../harness/api';
import type { ApplySink, RaftPeer } from '../../../../../harness/contracts/raft';
import { makeRaft as makeMiniRaft } from '../../mini/raft/index';

export function makeRaft(
  peers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  applySink: ApplySink,
  runtime: Runtime,
): RaftPeer {
  const shared = globalThis as unknown as { dslabClusters?: number };
  if (me === 0) shared.dslabClusters = (shared.dslabClusters ?? 0) + 1;
  runtime.log('persist', `cluster ${shared.dslabClusters}`);
  return makeMiniRaft(peers, me, persister, applySink, runtime);
}
