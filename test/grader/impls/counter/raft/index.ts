// The grader tests' mini Raft behind a module-level counter of the clusters made, which goes into
// the trace: in a fresh process every run logs "cluster 1"; a worker that kept this module loaded
// from one run to the next would log 2, 3, ... and its fingerprints would differ from replay's.
import type { ClientEnd, PersisterApi, Runtime } from '../../../../../harness/api';
import type { ApplySink, RaftPeer } from '../../../../../harness/contracts/raft';
import { makeRaft as makeMiniRaft } from '../../mini/raft/index';

let clusters = 0;

export function makeRaft(
  peers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  applySink: ApplySink,
  runtime: Runtime,
): RaftPeer {
  if (me === 0) clusters++;
  runtime.log('persist', `cluster ${clusters}`);
  return makeMiniRaft(peers, me, persister, applySink, runtime);
}
