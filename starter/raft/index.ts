// The Raft layer as the harness loads it: makeRaft() from harness/contracts/raft.ts. Other layers
// (kvraft, shardkv) import makeRaft from here ('../raft') and nothing deeper, so that a grader run
// with --reference raft can put the reference Raft in its place.
import type { ClientEnd, PersisterApi, Runtime } from 'dslab/harness/api';
import type { ApplySink, RaftPeer } from 'dslab/harness/contracts/raft';
import { Raft } from './raft';

export function makeRaft(
  peers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  applySink: ApplySink,
  runtime: Runtime,
): RaftPeer {
  return new Raft(peers, me, persister, applySink, runtime);
}
