// A learner-style Raft whose ticker awaits resolved promises in a loop while it waits for votes (see ticker-spin/raft/raft.ts).
import type { ClientEnd, PersisterApi, Runtime } from '../../../../../harness/api';
import type { ApplySink, RaftPeer } from '../../../../../harness/contracts/raft';
import { Raft } from '../../ticker-spin/raft/raft';

export function makeRaft(
  peers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  applySink: ApplySink,
  runtime: Runtime,
): RaftPeer {
  return new Raft(peers, me, persister, applySink, runtime, 'promise');
}
