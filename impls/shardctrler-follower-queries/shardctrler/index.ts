// Buggy variant: every replica answers every query from its own state at once, without the log
// or any check that it is up to date, so a lagging follower (or a deposed leader) answers "the
// latest" with a stale configuration.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { OK, ShardCtrlerImpl, type QueryArgs, type QueryReply } from '../../../src/shardctrler';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/shardctrler';

class FollowerQueries extends ShardCtrlerImpl {
  protected override async query(args: QueryArgs): Promise<QueryReply> {
    return { err: OK, config: this.history.query(args.num) };
  }
}

export function makeShardCtrler(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  runtime: Runtime,
) {
  return new FollowerQueries(servers, me, persister, runtime, makeRaft);
}
