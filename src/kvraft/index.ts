// The reference key/value service on Raft (lab 3A–3B): what the harness loads as the "kvraft" layer.
import type { ClientEnd, PersisterApi, Runtime } from '../../harness/api';
import type { Clerk, KVServer } from '../../harness/contracts/kvraft';
import { makeRaft } from '../raft';
import { ClerkImpl } from './clerk';
import { KVServerImpl } from './server';

export { ClerkImpl, RETRY_ROUND_MS } from './clerk';
export { KVServerImpl } from './server';
export { PendingRequests, APPLY_TIMEOUT_MS, WATCH_INTERVAL_MS, type RequestId } from './pending';
export { RetryingClerk } from './retrying-clerk';
export { KVStore, type StoreImage } from './store';
export * from './common';

export function makeKVServer(
  servers: ClientEnd[],
  me: number,
  persister: PersisterApi,
  maxraftstate: number,
  runtime: Runtime,
): KVServer {
  return new KVServerImpl(servers, me, persister, maxraftstate, runtime, makeRaft);
}

export function makeClerk(servers: ClientEnd[], runtime: Runtime): Clerk {
  return new ClerkImpl(servers, runtime);
}
