// Buggy variant: the controller writes "next" with its versioned put but goes on with the change
// whether or not the put took, so it takes no claim: two controllers that read the same
// configuration both move shards for the same number, each to the groups of its own change.
import type { ClientEnd, Runtime } from '../../../harness/api';
import type { Version } from '../../../harness/contracts/kvsrv';
import { NEXT_KEY, ShardCtrlerImpl, type MakeEnd, type ShardConfig } from '../../../src/shardkv1';

export { makeShardGrp, makeClerk } from '../../../src/shardkv1';

class IgnoresClaim extends ShardCtrlerImpl {
  protected override async claim(key: string, cfg: ShardConfig, version: Version) {
    const won = await super.claim(key, cfg, version);
    return key === NEXT_KEY || won;
  }
}

export function makeShardCtrler(kvsrv: ClientEnd, makeEnd: MakeEnd, runtime: Runtime) {
  return new IgnoresClaim(kvsrv, makeEnd, runtime);
}
