// Buggy variant: a leave's rebalance forgets one shard of the departed groups, which stays
// assigned to a group that no longer exists.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { ConfigHistory, ShardCtrlerImpl, type Config, type Op } from '../../../src/shardctrler';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/shardctrler';

class LeaveKeepsShardHistory extends ConfigHistory {
  protected override next(op: Exclude<Op, { kind: 'Query' }>): Config {
    const prev = this.latest;
    const config = super.next(op);
    if (op.kind !== 'Leave') return config;
    const forgotten = prev.shards.findIndex((g) => op.gids.includes(g));
    if (forgotten >= 0) config.shards[forgotten] = prev.shards[forgotten];
    return config;
  }
}

export function makeShardCtrler(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  runtime: Runtime,
) {
  return new ShardCtrlerImpl(
    servers,
    me,
    persister,
    runtime,
    makeRaft,
    () => new LeaveKeepsShardHistory(),
  );
}
