// Buggy variant: a server that believes it leads answers Get from its own store, without the log
// or a read-index check. A deposed leader that has not noticed yet (cut off in a minority) returns
// values the majority has since overwritten.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { ErrWrongLeader, KVServerImpl, type GetArgs, type GetReply } from '../../../src/kvraft';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/kvraft';

class LeaderLocalReads extends KVServerImpl {
  protected override async get(args: GetArgs): Promise<GetReply> {
    if (!this.raft.getState().isLeader) return { err: ErrWrongLeader, value: '' };
    return this.store.read(args.key);
  }
}

export function makeKVServer(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
) {
  return new LeaderLocalReads(servers, me, persister, maxraftstate, runtime, makeRaft);
}
