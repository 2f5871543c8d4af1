// Buggy variant: a group keeps accepting operations on a shard it is handing off, until the new
// owner has taken it. For a while two groups accept writes to the same shard, and what the old
// owner applies after the new owner pulled the shard is lost.
import { GroupState, makeShardKVWith, ShardKVImpl } from '../../../src/shardkv';

export { makeClerk } from '../../../src/shardkv';

class HandsOffTwice extends GroupState {
  override canServe(shard: number): boolean {
    return super.canServe(shard) || this.shards[shard].status === 'leaving';
  }
}

class Server extends ShardKVImpl {
  protected override makeState(gid: number): GroupState {
    return new HandsOffTwice(gid);
  }
}

export const makeShardKV = makeShardKVWith(Server);
