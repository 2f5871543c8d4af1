// The reference sharded key/value service (the 2026 edition's lab 5): what the harness loads as the
// "shardkv1" layer. Its groups build on the rsm layer ('../rsm'); its controller keeps the
// configuration in the lab-2 key/value server through that layer's clerk ('../kvsrv').
import type { ClientEnd, PersisterApi, Runtime } from '../../harness/api';
import type { Clerk, MakeEnd, ShardCtrler, ShardGrpServer } from '../../harness/contracts/shardkv1';
import { makeRSM } from '../rsm';
import { ShardKVClerkImpl } from './clerk';
import { ShardCtrlerImpl } from './ctrler';
import { ShardGrpImpl } from './shardgrp';

export { ShardKVClerkImpl } from './clerk';
export { ShardCtrlerImpl, CONFIG_KEY, NEXT_KEY, type Stored } from './ctrler';
export { GrpClerk } from './grpclerk';
export { ShardGrpImpl, type Entry, type ShardStatus } from './shardgrp';
export * from './common';

export function makeShardGrp(
  servers: ClientEnd[],
  gid: number,
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
): ShardGrpServer {
  return new ShardGrpImpl(servers, gid, me, persister, maxraftstate, runtime, makeRSM);
}

export function makeShardCtrler(kvsrv: ClientEnd, makeEnd: MakeEnd, runtime: Runtime): ShardCtrler {
  return new ShardCtrlerImpl(kvsrv, makeEnd, runtime);
}

export function makeClerk(sck: ShardCtrler, makeEnd: MakeEnd, runtime: Runtime): Clerk {
  return new ShardKVClerkImpl(sck, makeEnd, runtime);
}
