// Buggy variant: every replica answers Get from its own store at once, without the log or any
// check that it is up to date, so a lagging follower (or a deposed leader) returns stale values.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { KVServerImpl, type GetArgs, type GetReply } from '../../../src/kvraft';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/kvraft';

class FollowerReads extends KVServerImpl {
  protected override async get(args: GetArgs): Promise<GetReply> {
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
  return new FollowerReads(servers, me, persister, maxraftstate, runtime, makeRaft);
}
