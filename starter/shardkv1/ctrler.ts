// The controller (lab 5A; recovery 5B; several at once 5C). It keeps the configuration as a string
// (JSON.stringify) in the lab-2 key/value server, through your kvsrv clerk, under a key you choose.
// ChangeConfigTo moves every shard whose group changes: FreezeShard at the old group, InstallShard
// of the state it returned at the new one, DeleteShard at the old one; then it stores the new
// configuration. 5B: store the configuration being installed too, so that initController() can
// finish a change a controller left half done. 5C: use versioned puts so that only one controller
// changes the configuration at a time; a controller that finds another got ahead of it should
// change nothing after that (the tests reconnect a cut-off controller and expect it to bail out).
import type { ClientEnd, Runtime } from 'dslab/harness/api';
import type { Clerk } from 'dslab/harness/contracts/kvsrv';
import type { MakeEnd, ShardConfig, ShardCtrler } from 'dslab/harness/contracts/shardkv1';
import { makeClerk } from '../kvsrv';

export class Ctrler implements ShardCtrler {
  protected readonly kv: Clerk;
  // Your data here (5A).

  constructor(
    kvsrv: ClientEnd,
    protected readonly makeEnd: MakeEnd,
    protected readonly runtime: Runtime,
  ) {
    this.kv = makeClerk(kvsrv, runtime);
  }

  async initController(): Promise<void> {
    // Your code here (5B). In 5A there is nothing to do.
  }

  async initConfig(cfg: ShardConfig): Promise<void> {
    // Your code here (5A).
    throw new Error('shardkv1/ctrler.ts: initConfig() is not implemented yet (part 5A)');
  }

  async query(): Promise<ShardConfig> {
    // Your code here (5A).
    throw new Error('shardkv1/ctrler.ts: query() is not implemented yet (part 5A)');
  }

  async changeConfigTo(cfg: ShardConfig): Promise<void> {
    // Your code here (5A).
    throw new Error('shardkv1/ctrler.ts: changeConfigTo() is not implemented yet (part 5A)');
  }
}
