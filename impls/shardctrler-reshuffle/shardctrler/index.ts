// Buggy variant: a balanced but not minimal rebalance. Every join and leave deals the shards out
// afresh, round-robin over the sorted gids, so shards move between groups that stay.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { ConfigHistory, ShardCtrlerImpl, type Groups } from '../../../src/shardctrler';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/shardctrler';

class ReshuffleHistory extends ConfigHistory {
  protected override rebalance(shards: readonly number[], groups: Groups): number[] {
    const gids = Object.keys(groups).map(Number);
    return shards.map((_, s) => (gids.length === 0 ? 0 : gids[s % gids.length]));
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
    () => new ReshuffleHistory(),
  );
}
