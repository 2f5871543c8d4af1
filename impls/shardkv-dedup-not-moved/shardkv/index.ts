// Buggy variant: a shard moves without its duplicate table. A write applied by the old owner
// whose reply was lost is applied a second time when the clerk retries it at the new owner.
import {
  GroupState,
  makeShardKVWith,
  ShardKVImpl,
  type Shard,
  type ShardImage,
  type MakeShardKV,
} from '../../../src/shardkv';

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

// A function, not makeShardKVWith(Server) called when the module loads: no module-level state (grader/module-state.ts).
export const makeShardKV: MakeShardKV = (...args) => makeShardKVWith(Server)(...args);
