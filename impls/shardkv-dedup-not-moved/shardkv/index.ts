// Buggy variant: a shard moves without its duplicate table. A write applied by the old owner
// whose reply was lost is applied a second time when the clerk retries it at the new owner.
import { GroupState, makeShardKVWith, ShardKVImpl, type Shard, type ShardImage } from '../../../src/shardkv';

export { makeClerk } from '../../../src/shardkv';

class DataOnly extends GroupState {
  protected override installShard(shard: Shard, image: ShardImage): void {
    shard.install({ ...image, sessions: [] });
  }
}

class Server extends ShardKVImpl {
  protected override makeState(gid: number): GroupState {
    return new DataOnly(gid);
  }
}

export const makeShardKV = makeShardKVWith(Server);
