// Buggy variant (challenge 2): a group serves a shard that has arrived only once its previous
// owner has confirmed deleting its copy, not as soon as the data is here. Every client read and
// write is still right, only later; while the old owner cannot answer, the shard is not served at
// all. Caught only by our TestChallenge2ServedOnArrival4B (labs/ours/shardkv-arrival.ts).
import { GroupState, makeShardKVWith, ShardKVImpl, type MakeShardKV } from '../../../src/shardkv';

export { makeClerk } from '../../../src/shardkv';

class ServesAfterCleanup extends GroupState {
  override canServe(shard: number): boolean {
    return this.shards[shard].status === 'serving';
  }
}

class Server extends ShardKVImpl {
  protected override makeState(gid: number): GroupState {
    return new ServesAfterCleanup(gid);
  }
}

// A function, not makeShardKVWith(Server) called when the module loads: no module-level state (grader/module-state.ts).
export const makeShardKV: MakeShardKV = (...args) => makeShardKVWith(Server)(...args);
