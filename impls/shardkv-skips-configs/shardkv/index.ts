// Buggy variant: the leader asks the controller for the latest configuration instead of the next
// one, and the group jumps to it, skipping those in between: shards are pulled from whoever owned
// them in the configuration the group last saw, which may no longer hold their latest data.
import type { Config } from '../../../src/shardkv';
import {
  GroupState,
  makeShardKVWith,
  Migration,
  ShardKVImpl,
  type ShardKVOptions,
  type MakeShardKV,
} from '../../../src/shardkv';

export { makeClerk } from '../../../src/shardkv';

class Skipping extends GroupState {
  override applyConfig(next: Config): boolean {
    if (next.num <= this.config.num || !this.settled()) return false;
    // Taken as if it were the next one: shards are pulled from their owners in our last config.
    const taken = super.applyConfig({ ...next, num: this.config.num + 1 });
    this.config = next;
    return taken;
  }
}

class LatestFirst extends Migration {
  protected override async pollConfig(): Promise<void> {
    const num = this.kv.state.config.num;
    const latest = await this.ctrler.query(-1);
    if (latest.num > num && this.kv.state.config.num === num)
      this.kv.propose({ c: 'config', config: latest });
  }
}

class Server extends ShardKVImpl {
  protected override makeState(gid: number): GroupState {
    return new Skipping(gid);
  }

  protected override makeMigration(o: ShardKVOptions): Migration {
    return new LatestFirst(this, o.ctrler, o.makeEnd, o.runtime);
  }
}

// A function, not makeShardKVWith(Server) called when the module loads: no module-level state (grader/module-state.ts).
export const makeShardKV: MakeShardKV = (...args) => makeShardKVWith(Server)(...args);
