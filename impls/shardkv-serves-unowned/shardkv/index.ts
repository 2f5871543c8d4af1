// Buggy variant: a group goes on answering for the shards a configuration gives to nobody (gid 0,
// once every group has left), as if it still owned them. A clerk that still has the configuration
// before the leave reaches it, and its operation completes on a shard no group owns. No course test
// has every group leave; only TestLeaveAll4B (ours) sees it.
import { GroupState, makeShardKVWith, ShardKVImpl, type MakeShardKV } from '../../../src/shardkv';

export { makeClerk } from '../../../src/shardkv';

class ServesUnowned extends GroupState {
  override canServe(shard: number): boolean {
    const givenToNobody = this.config.shards[shard] === 0 && this.prev.shards[shard] === this.gid;
    return givenToNobody || super.canServe(shard);
  }
}

class Server extends ShardKVImpl {
  protected override makeState(gid: number): GroupState {
    return new ServesUnowned(gid);
  }
}

// A function, not makeShardKVWith(Server) called when the module loads: no module-level state (grader/module-state.ts).
export const makeShardKV: MakeShardKV = (...args) => makeShardKVWith(Server)(...args);
