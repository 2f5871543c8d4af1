// The reference shard controller on Raft (lab 4A): what the harness loads as the "shardctrler" layer.
import type { ClientEnd, PersisterApi, Runtime } from '../../harness/api';
import type { Clerk, ShardCtrler } from '../../harness/contracts/shardctrler';
import { makeRaft } from '../raft';
import { ClerkImpl } from './clerk';
import { ShardCtrlerImpl } from './server';

export { ClerkImpl, RETRY_ROUND_MS } from './clerk';
export { ShardCtrlerImpl } from './server';
export { ConfigHistory } from './configs';
export { rebalance } from './rebalance';
export * from './common';

export function makeShardCtrler(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  runtime: Runtime,
): ShardCtrler {
  return new ShardCtrlerImpl(servers, me, persister, runtime, makeRaft);
}

export function makeClerk(servers: ClientEnd[], runtime: Runtime): Clerk {
  return new ClerkImpl(servers, runtime);
}
