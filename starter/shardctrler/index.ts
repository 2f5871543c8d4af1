// The shard controller layer as the harness loads it: makeShardCtrler() and makeClerk() from
// harness/contracts/shardctrler.ts.
import type { ClientEnd, PersisterApi, Runtime } from 'dslab/harness/api';
import type { Clerk, ShardCtrler } from 'dslab/harness/contracts/shardctrler';
import { CtrlerClerk } from './client';
import { CtrlerReplica } from './server';

export function makeShardCtrler(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  runtime: Runtime,
): ShardCtrler {
  return new CtrlerReplica(servers, me, persister, runtime);
}

export function makeClerk(servers: ClientEnd[], runtime: Runtime): Clerk {
  return new CtrlerClerk(servers, runtime);
}
