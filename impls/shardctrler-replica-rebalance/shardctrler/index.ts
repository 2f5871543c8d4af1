// Buggy variant: a rebalance that is balanced and minimal, but not the same on every replica. It
// moves the reference's shards, then deals their new owners out in an order drawn from the
// replica's own random stream (Go's map iteration order, in effect), so replicas that applied the
// same joins and leaves hold different configurations under the same number.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { ConfigHistory, ShardCtrlerImpl, type Groups } from '../../../src/shardctrler';
import { makeRaft } from '../raft';

export { makeClerk } from '../../../src/shardctrler';

class ReplicaRebalanceHistory extends ConfigHistory {
  constructor(private readonly runtime: Runtime) {
    super();
  }

  protected override rebalance(shards: readonly number[], groups: Groups): number[] {
    const next = super.rebalance(shards, groups);
    const moved = next.map((_, s) => s).filter((s) => next[s] !== shards[s]);
    const owners = moved.map((s) => next[s]);
    for (let i = owners.length - 1; i > 0; i--) {
      const j = this.runtime.randomInt(i + 1);
      [owners[i], owners[j]] = [owners[j], owners[i]];
    }
    moved.forEach((s, i) => (next[s] = owners[i]));
    return next;
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
    () => new ReplicaRebalanceHistory(runtime),
  );
}
