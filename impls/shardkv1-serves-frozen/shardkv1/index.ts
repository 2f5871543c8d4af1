// Buggy variant: a group keeps answering Get and Put for a shard it has frozen (it refuses only
// shards it never had or deleted), so while a move is half done the frozen copy still changes.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { key2shard, ShardGrpImpl } from '../../../src/shardkv1';
import { makeRSM } from '../../../src/rsm';

export { makeShardCtrler, makeClerk } from '../../../src/shardkv1';

class ServesFrozen extends ShardGrpImpl {
  protected override serves(key: string): boolean {
    return this.status[key2shard(key)] !== 'absent';
  }
}

export function makeShardGrp(
  servers: ClientEnd[],
  gid: number,
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
) {
  return new ServesFrozen(servers, gid, me, persister, maxraftstate, runtime, makeRSM);
}
