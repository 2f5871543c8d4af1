// Buggy variant: DeleteShard stops the group serving the shard but keeps its keys, so a group's
// state (and snapshot) keeps every shard it ever held.
import type { ClientEnd, PersisterApi, Runtime } from '../../../harness/api';
import { ShardGrpImpl, type DeleteShardArgs, type DeleteShardReply } from '../../../src/shardkv1';
import { makeRSM } from '../../../src/rsm';

export { makeShardCtrler, makeClerk } from '../../../src/shardkv1';

class KeepsDeleted extends ShardGrpImpl {
  protected override applyDelete(args: DeleteShardArgs): DeleteShardReply {
    if (args.num < this.nums[args.shard]) return { err: 'OK' };
    this.nums[args.shard] = args.num;
    if (this.status[args.shard] === 'frozen') this.status[args.shard] = 'absent';
    return { err: 'OK' };
  }
}

export function makeShardGrp(
  servers: ClientEnd[],
  gid: number,
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
) {
  return new KeepsDeleted(servers, gid, me, persister, maxraftstate, runtime, makeRSM);
}
