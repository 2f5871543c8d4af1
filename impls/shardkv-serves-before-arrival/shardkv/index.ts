// Buggy variant: a group serves a shard as soon as the configuration gives it the shard, before
// the shard's data has arrived from its previous owner (reads miss earlier writes; writes made
// meanwhile are overwritten when the data lands).
import { GroupState, makeShardKVWith, ShardKVImpl, type MakeShardKV } from '../../../src/shardkv';

export { makeClerk } from '../../../src/shardkv';

class Eager extends GroupState {
  override canServe(shard: number): boolean {
    return super.canServe(shard) || this.shards[shard].status === 'pulling';
  }
}

class Server extends ShardKVImpl {
  protected override makeState(gid: number): GroupState {
    return new Eager(gid);
  }
}

// A function, not makeShardKVWith(Server) called when the module loads: no module-level state (grader/module-state.ts).
export const makeShardKV: MakeShardKV = (...args) => makeShardKVWith(Server)(...args);
