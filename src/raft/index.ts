// The reference Raft: makeRaft() as the harness's RaftModule contract asks (harness/contracts/raft.ts).
import type { ClientEnd, PersisterApi, Runtime } from '../../harness/api';
import type { ApplySink, RaftPeer } from '../../harness/contracts/raft';
import { Raft } from './raft';

export { Raft } from './raft';

export type MakeRaft = (
  peers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  applySink: ApplySink,
  runtime: Runtime,
) => RaftPeer;

/** makeRaft for a subclass of the reference (how the buggy variants in impls/ are built). */
// Stryker disable all: the reference's grade does not use it (the variants' do)
export function makeRaftWith(RaftClass: typeof Raft): MakeRaft {
  return (peers, me, persister, applySink, runtime) =>
    new RaftClass(peers, me, persister, applySink, runtime);
}
// Stryker restore all

// A declaration, not makeRaftWith(Raft): a module's top level only declares (grader/module-state.ts).
export function makeRaft(
  peers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  applySink: ApplySink,
  runtime: Runtime,
): RaftPeer {
  return new Raft(peers, me, persister, applySink, runtime);
}
