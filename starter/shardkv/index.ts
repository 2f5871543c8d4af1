// The sharded key/value layer as the harness loads it: makeShardKV() and makeClerk() from
// harness/contracts/shardkv.ts.
import type { ClientEnd, PersisterApi, Runtime } from 'dslab/harness/api';
import type { MakeEnd, ShardKVClerk, ShardKVServer } from 'dslab/harness/contracts/shardkv';
import { ShardClerk } from './client';
import { ShardReplica } from './server';

export function makeShardKV(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  gid: number,
  ctrlers: ClientEnd[],
  makeEnd: MakeEnd,
  runtime: Runtime,
): ShardKVServer {
  return new ShardReplica(servers, me, persister, maxraftstate, gid, ctrlers, makeEnd, runtime);
}

export function makeClerk(ctrlers: ClientEnd[], makeEnd: MakeEnd, runtime: Runtime): ShardKVClerk {
  return new ShardClerk(ctrlers, makeEnd, runtime);
}
