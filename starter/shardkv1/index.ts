// The sharded key/value layer as the harness loads it: makeShardGrp(), makeShardCtrler() and
// makeClerk() from harness/contracts/shardkv1.ts. The groups build on your rsm ('../rsm') and the
// controller on your lab-2 kvsrv clerk ('../kvsrv'), so that --reference can put either in place.
import type { ClientEnd, PersisterApi, Runtime } from 'dslab/harness/api';
import type { Clerk, MakeEnd, ShardCtrler, ShardGrpServer } from 'dslab/harness/contracts/shardkv1';
import { makeRSM } from '../rsm';
import { ShardKVClerk } from './clerk';
import { Ctrler } from './ctrler';
import { ShardGrp } from './shardgrp';

export function makeShardGrp(
  servers: ClientEnd[],
  gid: number,
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
): ShardGrpServer {
  return new ShardGrp(servers, gid, me, persister, maxraftstate, runtime, makeRSM);
}

export function makeShardCtrler(kvsrv: ClientEnd, makeEnd: MakeEnd, runtime: Runtime): ShardCtrler {
  return new Ctrler(kvsrv, makeEnd, runtime);
}

export function makeClerk(sck: ShardCtrler, makeEnd: MakeEnd, runtime: Runtime): Clerk {
  return new ShardKVClerk(sck, makeEnd, runtime);
}
