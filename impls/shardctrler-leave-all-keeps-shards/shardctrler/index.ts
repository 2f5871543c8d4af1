// Buggy variant: when the last groups leave, the rebalance has nobody to give their shards to and
// leaves them where they were, on gids that no longer exist, instead of on gid 0. Every other
// configuration is the reference's (a later join deals the orphaned shards out as usual).
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { ConfigHistory, ShardCtrlerImpl, type Groups } from '../../../src/shardctrler';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/shardctrler';

class LeaveAllKeepsShardsHistory extends ConfigHistory {
  protected override rebalance(shards: readonly number[], groups: Groups): number[] {
    if (Object.keys(groups).length === 0) return [...shards];
    return super.rebalance(shards, groups);
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
    () => new LeaveAllKeepsShardsHistory(),
  );
}
