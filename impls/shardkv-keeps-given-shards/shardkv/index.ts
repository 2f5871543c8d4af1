// Buggy variant (challenge 1): a group stops serving the shards it gave away but never deletes
// their data, so its snapshots keep every shard it ever held. Only TestChallenge1Delete's size
// bound can see this: nothing a client reads changes.
import { GroupState, makeShardKVWith, ShardKVImpl } from '../../../src/shardkv';

export { makeClerk } from '../../../src/shardkv';

class Hoarding extends GroupState {
  protected override dropShard(): void {}
}

class Server extends ShardKVImpl {
  protected override makeState(gid: number): GroupState {
    return new Hoarding(gid);
  }
}

export const makeShardKV = makeShardKVWith(Server);
