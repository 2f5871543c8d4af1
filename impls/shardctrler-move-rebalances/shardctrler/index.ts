// Buggy variant: move() rebalances after assigning its shard, which undoes the move whenever it
// unbalanced the groups (a move must stick until the next join or leave).
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { ConfigHistory, ShardCtrlerImpl, type Config, type Op } from '../../../src/shardctrler';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/shardctrler';

class MoveRebalancesHistory extends ConfigHistory {
  protected override next(op: Exclude<Op, { kind: 'Query' }>): Config {
    const config = super.next(op);
    if (op.kind !== 'Move') return config;
    return { ...config, shards: this.rebalance(config.shards, config.groups) };
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
    () => new MoveRebalancesHistory(),
  );
}
