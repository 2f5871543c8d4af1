// Buggy variant (challenge 2): while any shard of a configuration change is still moving, the
// group serves no shard at all, not even those the change does not touch. A change that can never
// finish (its previous owner is gone for good) stops the group for good.
import { GroupState, makeShardKVWith, ShardKVImpl, type MakeShardKV } from '../../../src/shardkv';

export { makeClerk } from '../../../src/shardkv';

class AllOrNothing extends GroupState {
  override canServe(shard: number): boolean {
    return this.settled() && super.canServe(shard);
  }
}

class Server extends ShardKVImpl {
  protected override makeState(gid: number): GroupState {
    return new AllOrNothing(gid);
  }
}

// A function, not makeShardKVWith(Server) called when the module loads: no module-level state (grader/module-state.ts).
export const makeShardKV: MakeShardKV = (...args) => makeShardKVWith(Server)(...args);
