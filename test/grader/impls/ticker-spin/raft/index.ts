// A learner-style Raft whose ticker busy-waits for votes (see raft.ts).
import type { ClientEnd, PersisterApi, Runtime } from '../../../../../harness/api';
import type { ApplySink, RaftPeer } from '../../../../../harness/contracts/raft';
import { Raft } from './raft';

export function makeRaft(
  peers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  applySink: ApplySink,
  runtime: Runtime,
): RaftPeer {
  return new Raft(peers, me, persister, applySink, runtime, 'spin');
}
