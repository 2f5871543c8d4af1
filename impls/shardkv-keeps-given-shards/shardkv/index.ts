// Buggy variant (challenge 1): a group stops serving the shards it gave away but never deletes
// their data, so its snapshots keep every shard it ever held. Only TestChallenge1Delete's size
// bound can see this: nothing a client reads changes.
import { GroupState, makeShardKVWith, ShardKVImpl, type MakeShardKV } from '../../../src/shardkv';

export { makeClerk } from '../../../src/shardkv';

class Hoarding extends GroupState {
  protected override dropShard(): void {}
}

class Server extends ShardKVImpl {
  protected override makeState(gid: number): GroupState {
    return new Hoarding(gid);
  }
}

// A function, not makeShardKVWith(Server) called when the module loads: no module-level state (grader/module-state.ts).
export const makeShardKV: MakeShardKV = (...args) => makeShardKVWith(Server)(...args);
