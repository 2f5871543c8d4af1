// Buggy variant: a group keeps accepting operations on a shard it is handing off, until the new
// owner has taken it. For a while two groups accept writes to the same shard, and what the old
// owner applies after the new owner pulled the shard is lost.
import { GroupState, makeShardKVWith, ShardKVImpl, type MakeShardKV } from '../../../src/shardkv';

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

// A function, not makeShardKVWith(Server) called when the module loads: no module-level state (grader/module-state.ts).
export const makeShardKV: MakeShardKV = (...args) => makeShardKVWith(Server)(...args);
