// Buggy variant: the clerk passes on a retried put's ErrVersion as it is, as if the put had surely
// not taken effect (an earlier attempt may have, at this group or at the shard's previous owner).
import type { Runtime } from '../../../harness/api';
import { ShardKVClerkImpl, type Err, type MakeEnd, type ShardCtrler } from '../../../src/shardkv1';

export { makeShardGrp, makeShardCtrler } from '../../../src/shardkv1';

class NoMaybe extends ShardKVClerkImpl {
  protected override outcome(err: Err): Err {
    return err;
  }
}

export function makeClerk(sck: ShardCtrler, makeEnd: MakeEnd, runtime: Runtime) {
  return new NoMaybe(sck, makeEnd, runtime);
}
