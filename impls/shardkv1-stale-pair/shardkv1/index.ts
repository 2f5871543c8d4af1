// Buggy variant: the controller reads "config" and then "next" once and goes by the pair even when
// "next" is more than one ahead, i.e. when another controller finished a change between the two
// reads. It then moves shards from owners they already left: a freeze there hands out no keys, and
// installing that empty shard at the new owner can come before the right install.
import type { ClientEnd, Runtime } from '../../../harness/api';
import { CONFIG_KEY, NEXT_KEY, ShardCtrlerImpl, type MakeEnd } from '../../../src/shardkv1';

export { makeShardGrp, makeClerk } from '../../../src/shardkv1';

class StalePair extends ShardCtrlerImpl {
  protected override async readBoth() {
    return { cur: await this.read(CONFIG_KEY), next: await this.read(NEXT_KEY) };
  }
}

export function makeShardCtrler(kvsrv: ClientEnd, makeEnd: MakeEnd, runtime: Runtime) {
  return new StalePair(kvsrv, makeEnd, runtime);
}
