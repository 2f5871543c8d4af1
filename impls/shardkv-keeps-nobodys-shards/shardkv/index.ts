// Buggy variant (challenge 1): a group deletes a shard it hands to another group, but keeps the
// data of a shard the configuration gives to nobody (gid 0, once every group has left). Nothing a
// client reads changes; only the size of what the groups keep shows it. Caught only by our
// TestChallenge1DeleteAll4B (labs/ours/shardkv-leave-all.ts).
import type { Config } from '../../../src/shardkv/common';
import { GroupState, makeShardKVWith, ShardKVImpl, type MakeShardKV } from '../../../src/shardkv';

export { makeClerk } from '../../../src/shardkv';

class KeepsNobodys extends GroupState {
  /** Set while a configuration is taken: the only place a shard goes to nobody. */
  private takingConfig = false;

  override applyConfig(next: Config): boolean {
    this.takingConfig = true;
    try {
      return super.applyConfig(next);
    } finally {
      this.takingConfig = false;
    }
  }

  protected override dropShard(s: number): void {
    if (!this.takingConfig) super.dropShard(s);
  }
}

class Server extends ShardKVImpl {
  protected override makeState(gid: number): GroupState {
    return new KeepsNobodys(gid);
  }
}

// A function, not makeShardKVWith(Server) called when the module loads: no module-level state (grader/module-state.ts).
export const makeShardKV: MakeShardKV = (...args) => makeShardKVWith(Server)(...args);
