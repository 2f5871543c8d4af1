// Buggy variant: initController does nothing, so a change that a controller left half done (its
// "next" configuration claimed, some shards frozen) is never finished, and no later change can
// claim "next" past it.
import type { ClientEnd, Runtime } from '../../../harness/api';
import { ShardCtrlerImpl, type MakeEnd } from '../../../src/shardkv1';

export { makeShardGrp, makeClerk } from '../../../src/shardkv1';

class NoRecovery extends ShardCtrlerImpl {
  override async initController(): Promise<void> {}
}

export function makeShardCtrler(kvsrv: ClientEnd, makeEnd: MakeEnd, runtime: Runtime) {
  return new NoRecovery(kvsrv, makeEnd, runtime);
}
